// A child that ends without a final answer is told to the parent model as such (`finished:
// false`, why, what it wrote), for each way a run ends without one, streamed and unary alike.

import { describe, expect, it } from 'vitest';
import {
  callsTurn,
  createScriptedGemini,
  finishTurn,
  type ScriptedTurn,
  textTurn,
} from '../agent/__fixtures__/scripted-gemini.ts';
import type { AgentOptions } from '../agent/config/agent-options.ts';
import { createAgent } from '../agent/create-agent.ts';
import { hasToolCall } from '../agent/stop-conditions.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { subagent } from './subagent.ts';

const MODEL = 'gemini-2.5-flash';

const note = defineTool({
  name: 'note',
  description: 'Takes a note.',
  parameters: { type: 'object', properties: {} },
  execute: () => ({ noted: true }),
});

type Case = {
  reason: string;
  child: ScriptedTurn[];
  options?: Partial<AgentOptions<undefined>>;
  streamOnly?: boolean;
  expected: Record<string, unknown>;
};

const cases: Case[] = [
  {
    reason: 'max-steps',
    child: [{ ...callsTurn(['note', {}, 'n1']) }],
    options: { maxSteps: 1 },
    expected: {
      message:
        'The subagent did not finish: it reached its step limit (maxSteps) after 1 model call, before it gave a final answer.',
    },
  },
  {
    reason: 'stop-condition',
    child: [
      {
        ...callsTurn(['note', {}, 'n1']),
        candidates: [
          {
            content: {
              role: 'model',
              parts: [
                { text: 'Noting it.' },
                { functionCall: { id: 'n1', name: 'note', args: {} } },
              ],
            },
            finishReason: 'STOP',
            index: 0,
          },
        ],
      },
    ],
    options: { stopWhen: hasToolCall('note') },
    expected: {
      answer: 'Noting it.',
      message:
        'The subagent did not finish: a stop condition (stopWhen) ended it after 1 model call, before it gave a final answer; answer holds what it wrote.',
    },
  },
  {
    reason: 'max-tokens',
    child: [finishTurn('MAX_TOKENS', [{ text: 'The capital of France is' }])],
    expected: {
      answer: 'The capital of France is',
      message:
        'The subagent did not finish: its answer was cut at the output token limit (maxOutputTokens); answer holds what it wrote.',
    },
  },
  {
    reason: 'content-filter',
    child: [finishTurn('SAFETY', undefined, { finishMessage: 'Unsafe.' })],
    expected: {
      message:
        'The subagent did not finish: its answer was blocked by the content filter (SAFETY: Unsafe.).',
    },
  },
  {
    reason: 'other',
    child: [finishTurn('LANGUAGE', [{ text: 'Je' }])],
    expected: {
      answer: 'Je',
      message:
        'The subagent did not finish: the model stopped without a final answer (finishReason LANGUAGE); answer holds what it wrote.',
    },
  },
  {
    reason: 'interrupted',
    // The stream closes cleanly after a first chunk, with no finish reason.
    child: [
      { chunks: [{ candidates: [{ content: { role: 'model', parts: [{ text: 'Par' }] } }] }] },
    ],
    streamOnly: true,
    expected: {
      answer: 'Par',
      message:
        'The subagent did not finish: its streamed answer ended before the model finished it; answer holds what it wrote.',
    },
  },
];

async function runTeam(item: Case, streaming: boolean) {
  const child = createAgent({
    gemini: createScriptedGemini(item.child),
    model: MODEL,
    tools: [note],
    ...item.options,
  });
  const parentGemini = createScriptedGemini([
    callsTurn(['search', { task: 'Capital of France?' }, 'c1']),
    textTurn('I could not find out.'),
  ]);
  const parent = createAgent({
    gemini: parentGemini,
    model: MODEL,
    tools: [subagent(child, { name: 'search', description: 'Searches.' })],
  });
  const result = streaming ? await parent.stream('Capital?').result : await parent.run('Capital?');
  return { result, parentGemini };
}

describe('a subagent that did not finish', () => {
  for (const item of cases) {
    for (const streaming of item.streamOnly === true ? [true] : [false, true]) {
      it(`tells the parent model it did not finish and why: ${item.reason} (${streaming ? 'stream' : 'run'})`, async () => {
        const { result, parentGemini } = await runTeam(item, streaming);
        const response = { finished: false, reason: item.reason, ...item.expected };
        const call = result.steps[0]?.toolCalls[0];
        expect(call?.outcome).toBe('success');
        expect(call?.output).toEqual(response);
        // What the parent model was sent next.
        expect(parentGemini.contentsOf(1).at(-1)).toEqual({
          role: 'user',
          parts: [{ functionResponse: { id: 'c1', name: 'search', response } }],
        });
      });
    }
  }

  it("adds finished, reason and message to what a custom output returns, and leaves a finished child's value alone", async () => {
    const run = async (childTurn: ScriptedTurn) => {
      const child = createAgent({ gemini: createScriptedGemini([childTurn]), model: MODEL });
      const parent = createAgent({
        gemini: createScriptedGemini([
          callsTurn(['search', { task: 'Capital?' }, 'c1']),
          textTurn('Done.'),
        ]),
        model: MODEL,
        tools: [
          subagent(child, {
            name: 'search',
            description: 'Searches.',
            output: (result) => result.text.length,
          }),
        ],
      });
      return (await parent.run('Capital?')).steps[0]?.toolCalls[0]?.output;
    };
    expect(await run(finishTurn('MAX_TOKENS', [{ text: 'Pa' }]))).toEqual({
      output: 2,
      finished: false,
      reason: 'max-tokens',
      message:
        'The subagent did not finish: its answer was cut at the output token limit (maxOutputTokens).',
    });
    expect(await run(textTurn('Paris'))).toEqual({ output: 5 });
  });
});
