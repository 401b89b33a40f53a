import { defineTool } from '@gemloop/core';
import { guardrails, type OutputGuardrail } from '@gemloop/core/guardrails';
import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { withoutRandomIds } from '../door/__fixtures__/serve-door.ts';
import { postRaw as post, serveOpenAI } from './__fixtures__/serve-openai.ts';

// attack21: the OpenAI door's streamed Responses and an answer an output guardrail took back after
// it streamed (no `holdBack`). OpenAI's streams cannot take text back, so the deltas already sent
// stay sent (docs/serving-openai-compatible.md: give served agents' guardrails `holdBack`); what
// the door settles at the end is what the guardrail left. A block ends the stream with
// `response.failed`, whose response object the door built from the deltas it had sent: the
// blocked text came back once more, whole, as the failed response's `output_text`, the object a
// client keeps as the response. It now holds what the guardrail left (nothing, for a block).

const SECRET = 'The vault code is 4417-9902, keep it.';

const blockCodes: OutputGuardrail = {
  name: 'no-codes',
  check: ({ text }) =>
    /\d{4}-\d{4}/.test(text) ? { type: 'block', reason: 'a code' } : { type: 'pass' },
};

/** The SSE events of a streamed answer, parsed. */
function eventsOf(text: string): { type: string; [key: string]: unknown }[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => JSON.parse(line.slice(6)));
}

describe('the OpenAI door and an answer a guardrail took back (attack21)', () => {
  it('a blocked answer streamed on Responses: response.failed holds none of it', async () => {
    const { baseURL } = await serveOpenAI([turn.text(SECRET)], {
      agent: { guardrails: guardrails({ output: [blockCodes] }) },
    });
    const answer = await post(
      baseURL,
      '/responses',
      '{"model":"support-agent","input":"code?","stream":true}',
    );
    expect(answer.status).toBe(200);
    const events = eventsOf(answer.text);
    const failed = events.find((event) => event.type === 'response.failed');
    expect(failed).toBeDefined();
    expect(withoutRandomIds(JSON.stringify(failed))).not.toContain('4417');
    expect((failed?.['response'] as { error?: { code?: string } } | undefined)?.error?.code).toBe(
      'guardrail-tripped',
    );
  });

  it('the text of an earlier step (before a tool call) stays in response.failed; only the blocked step goes', async () => {
    const { baseURL } = await serveOpenAI(
      [
        turn.parts([{ text: 'Let me look.' }, { functionCall: { name: 'lookup', args: {} } }]),
        turn.text(SECRET),
      ],
      {
        agent: {
          guardrails: guardrails({ output: [blockCodes] }),
          tools: [
            defineTool({
              name: 'lookup',
              description: 'Looks it up.',
              parameters: z.object({}),
              execute: () => ({ found: true }),
            }),
          ],
        },
      },
    );
    const answer = await post(
      baseURL,
      '/responses',
      '{"model":"support-agent","input":"code?","stream":true}',
    );
    const failed = eventsOf(answer.text).find((event) => event.type === 'response.failed');
    const shown = withoutRandomIds(JSON.stringify(failed));
    expect(shown).not.toContain('4417');
    expect(shown).toContain('Let me look.');
  });
});
