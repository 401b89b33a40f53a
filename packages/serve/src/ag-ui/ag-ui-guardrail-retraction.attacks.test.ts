import type { HttpAgent } from '@ag-ui/client';
import type { BaseEvent } from '@ag-ui/core';
import { defineTool } from '@gemloop/core';
import { guardrails, type OutputGuardrail } from '@gemloop/core/guardrails';
import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { withoutRandomIds } from '../door/__fixtures__/serve-door.ts';
import { serveAgUi } from './__fixtures__/serve-ag-ui.ts';

// attack22: an output guardrail (no `holdBack`) that blocks or rewrites an answer whose text
// already streamed. The AG-UI door sent the deltas and nothing after: `@ag-ui/client`'s HttpAgent
// kept the withdrawn text among its messages (the page showed it, and sent it back to the model
// as the assistant's turn in the next run). AG-UI's `MESSAGES_SNAPSHOT` replaces the client's
// messages (HttpAgent keeps only those it lists, by id), so the door now answers a retraction
// with one: the conversation as the client holds it, the step's text replaced or dropped.

const SECRET = 'The vault code is 4417-9902, keep it to yourself.';

const blockCodes: OutputGuardrail = {
  name: 'no-codes',
  check: ({ text }) =>
    /\d{4}-\d{4}/.test(text) ? { type: 'block', reason: 'a code' } : { type: 'pass' },
};

const redactCodes: OutputGuardrail = {
  name: 'redact-codes',
  check: ({ text }) => {
    const redacted = text.replace(/\d{4}-\d{4}/g, '[code]');
    return redacted === text ? { type: 'pass' } : { type: 'rewrite', text: redacted };
  },
};

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks the vault up.',
  parameters: z.object({ vault: z.string() }),
  execute: ({ vault }) => ({ vault, found: true }),
});

/** Runs `text` in `http`'s thread, a failed run included; the events read. */
async function ask(http: HttpAgent, text: string): Promise<BaseEvent[]> {
  const seen: BaseEvent[] = [];
  http.addMessage({ id: crypto.randomUUID(), role: 'user', content: text });
  await http
    .runAgent({}, { onEvent: ({ event }) => void seen.push(event), onRunFailed: () => ({}) })
    .catch(() => undefined);
  return seen;
}

const contents = (http: HttpAgent) =>
  http.messages.map((message) => ({
    role: message.role,
    content: 'content' in message ? message.content : undefined,
    calls:
      'toolCalls' in message ? message.toolCalls?.map((call) => call.function.name) : undefined,
  }));

describe('the AG-UI door and an answer a guardrail took back (attack22)', () => {
  it('blocked: HttpAgent holds the conversation without the blocked text, its earlier turn and the tool call kept', async () => {
    const { client } = await serveAgUi(
      [turn.text('Hello.'), turn.call('lookup', { vault: 'main' }), turn.text(SECRET)],
      { agent: { tools: [lookup] as never, guardrails: guardrails({ output: [blockCodes] }) } },
    );
    const http = client('alice', 'vault-thread');
    await ask(http, 'Hi');
    const seen = await ask(http, 'What is the code?');
    // The deltas did reach the client (what is taken back), then the snapshot.
    expect(JSON.stringify(seen.filter((event) => event.type === 'TEXT_MESSAGE_CONTENT'))).toContain(
      '4417',
    );
    expect(seen.some((event) => event.type === 'MESSAGES_SNAPSHOT')).toBe(true);
    expect(withoutRandomIds(JSON.stringify(http.messages))).not.toContain('4417');
    expect(contents(http)).toEqual([
      { role: 'user', content: 'Hi', calls: undefined },
      { role: 'assistant', content: 'Hello.', calls: undefined },
      { role: 'user', content: 'What is the code?', calls: undefined },
      { role: 'assistant', content: undefined, calls: ['lookup'] },
      { role: 'tool', content: '{"vault":"main","found":true}', calls: undefined },
    ]);
  });

  it('rewritten: HttpAgent holds the rewrite in place of the streamed text, once', async () => {
    const { client } = await serveAgUi([turn.text(SECRET)], {
      agent: { guardrails: guardrails({ output: [redactCodes] }) },
    });
    const http = client();
    await ask(http, 'What is the code?');
    expect(withoutRandomIds(JSON.stringify(http.messages))).not.toContain('4417');
    expect(contents(http)).toEqual([
      { role: 'user', content: 'What is the code?', calls: undefined },
      {
        role: 'assistant',
        content: 'The vault code is [code], keep it to yourself.',
        calls: undefined,
      },
    ]);
  });

  it('a reasoning span of the run stays: the snapshot lists no reasoning, so HttpAgent keeps its own', async () => {
    const { client } = await serveAgUi(
      [turn.parts([{ text: 'Thinking about vaults.', thought: true }, { text: SECRET }])],
      {
        agent: { guardrails: guardrails({ output: [redactCodes] }) },
        handler: { thoughts: true },
      },
    );
    const http = client();
    await ask(http, 'What is the code?');
    expect(withoutRandomIds(JSON.stringify(http.messages))).not.toContain('4417');
    expect(http.messages.map((message) => message.role)).toEqual([
      'user',
      'reasoning',
      'assistant',
    ]);
  });
});
