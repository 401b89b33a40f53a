import { PassThrough } from 'node:stream';
import { createAgent, createGemini } from '@gemloop/core';
import { handoff } from '@gemloop/core/composition';
import { guardrails, type OutputGuardrail } from '@gemloop/core/guardrails';
import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { captureIo } from '../__fixtures__/capture-io.ts';
import { runTerminalChat } from './run-terminal-chat.ts';

// attack21: `gemloop chat` and an answer an output guardrail (or a plugin's `checkAnswer`) took
// back after it streamed. Without `holdBack` the text flows as the model writes it and a
// `guardrail-retraction` event then says what the answer is instead (the rewrite, or nothing when
// blocked). The chat printed the deltas and dropped the retraction: the terminal showed the
// withdrawn text (the e-mail address a redaction took out, an answer a policy blocked) as the
// answer, with no sign, while the session's caller got the rewrite. A terminal cannot take back
// what it printed: the chat now says, on stderr, which guardrail withdrew the text above, and
// prints what the answer is instead.

const ANSWER = 'Reach Dana at dana.smith@example.com today.';

const redactEmail: OutputGuardrail = {
  name: 'redact-email',
  check: ({ text }) => {
    const redacted = text.replace(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, '[email]');
    return redacted === text ? { type: 'pass' } : { type: 'rewrite', text: redacted };
  },
};

const blockAll: OutputGuardrail = {
  name: 'no-contacts\u001b[2J',
  check: () => ({ type: 'block', reason: 'contact details' }),
};

/** One question to `agent` through the chat, its input then ended: what the chat printed. */
async function askOnce(agent: Parameters<typeof runTerminalChat>[0]['agent'], question: string) {
  const input = new PassThrough();
  const io = captureIo();
  const done = runTerminalChat({ agent, title: 'the test agent', input, io, interactive: false });
  input.end(`${question}\n`);
  expect(await done).toBe(0);
  return io;
}

async function chatOnce(output: OutputGuardrail) {
  const fake = createFakeGemini({ script: [turn.text(ANSWER)] });
  const agent = createAgent({
    gemini: createGemini({ apiKey: 'test-key', retry: false, fetch: fake.fetch }),
    model: 'gemini-2.5-flash',
    guardrails: guardrails({ output: [output] }),
  });
  return askOnce(agent, 'who is our contact?');
}

describe('gemloop chat and an answer a guardrail took back (attack21)', () => {
  it('says which guardrail rewrote the text above and prints the rewrite as the answer', async () => {
    const io = await chatOnce(redactEmail);
    const lines = io
      .out()
      .split('\n')
      .filter((line) => line !== '');
    expect(lines.at(-1)).toBe('Reach Dana at [email] today.');
    expect(io.err()).toContain('(redact-email withdrew the text above; the answer is:)');
  });

  it('says the answer was withdrawn when it was blocked, the guardrail named without its controls', async () => {
    const io = await chatOnce(blockAll);
    expect(io.err()).toContain('(no-contacts\\u001b[2J withdrew the text above: no answer)');
    expect(io.err()).not.toContain('\u001b');
    expect(io.out()).not.toContain('\u001b');
  });
});

describe('gemloop chat and an answer the output schema refused (attack51)', () => {
  it('says the model is asked again, then prints the answer, where it said "no answer"', async () => {
    const fake = createFakeGemini({
      script: [turn.text('{"city": 42}'), turn.text('{"city":"Paris"}')],
    });
    const agent = createAgent({
      gemini: createGemini({ apiKey: 'test-key', retry: false, fetch: fake.fetch }),
      model: 'gemini-3-flash-preview',
      output: z.object({ city: z.string() }),
    });
    const io = await askOnce(agent, 'which city?');
    expect(io.err()).toContain(
      '(invalid-output: the model is asked again; the text above is not the answer)',
    );
    expect(io.err()).not.toContain('no answer');
    const lines = io
      .out()
      .split('\n')
      .filter((line) => line !== '');
    expect(lines.at(-1)).toBe('{"city":"Paris"}');
  });
});

describe('gemloop chat and a hand-off to an agent with output (doors53)', () => {
  it('says who took the chat over: the text before is not the answer, the JSON is its own line', async () => {
    const fake = createFakeGemini({
      script: [
        turn.calls([{ name: 'transfer_to_cities' }], { text: 'Let me hand you over.' }),
        turn.text('{"city":"Paris"}'),
      ],
    });
    const gemini = createGemini({ apiKey: 'test-key', retry: false, fetch: fake.fetch });
    const cities = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      name: 'cities',
      output: z.object({ city: z.string() }),
    });
    const agent = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      name: 'triage',
      tools: [handoff(cities)],
    });
    const io = await askOnce(agent, 'which city?');
    expect(io.err()).toContain(
      '(triage handed the chat to cities: the text above is not its answer)',
    );
    // The JSON on a line of its own, the last one printed.
    expect(io.out().trimEnd().split('\n').at(-1)).toBe('{"city":"Paris"}');
  });
});
