// A recording is input: a run file may have been hand-edited or planted (README, "Threat model").
// These attacks rebuild agents from hostile recordings as `gemloop replay` does.

import { createGemini } from '@gemloop/core';
import type { GenerateContentBody, GenerateContentResponse } from '@gemloop/core/wire';
import { describe, expect, it } from 'vitest';
import type { EvalCase } from '../eval-case.ts';
import { agentFromRecording } from './agent-from-recording.ts';

const gemini = createGemini({ apiKey: 'unused', fetch: async () => new Response('{}') });

/**
 * A recording of `steps` model calls where every request declares the handoffs `transfer_to_a`
 * and `transfer_to_b` and every answer calls both: each receiver is the next request.
 */
function forkingHandoffs(steps: number): EvalCase {
  const request: GenerateContentBody = {
    contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
    tools: [
      {
        functionDeclarations: [
          { name: 'transfer_to_a', description: 'to a' },
          { name: 'transfer_to_b', description: 'to b' },
        ],
      },
    ],
  };
  const response: GenerateContentResponse = {
    candidates: [
      {
        content: {
          role: 'model',
          parts: [
            { functionCall: { name: 'transfer_to_a', args: {} } },
            { functionCall: { name: 'transfer_to_b', args: {} } },
          ],
        },
        finishReason: 'STOP',
      },
    ],
  };
  return {
    id: 'hostile',
    input: 'hi',
    fixtures: {
      model: 'gemini-3-flash-preview',
      requests: Array.from({ length: steps }, () => request),
      modelResponses: Array.from({ length: steps }, () => response),
    },
  };
}

describe('agentFromRecording attacked by a hand-edited recording', () => {
  it('40 requests each handing off twice to the next rebuild 40 agents, not 2^40 (it hung)', {
    // A hang guard: the rebuild is 40 createAgent calls, milliseconds at any load; each request
    // rebuilt once per path through the handoffs was 2^40 (about 2^18 took seconds).
    timeout: 30_000,
  }, () => {
    const agent = agentFromRecording(forkingHandoffs(40), { gemini });
    expect(agent).toBeDefined();
  });
});
