import { buildResumeArray, type HttpAgent } from '@ag-ui/client';
import type { BaseEvent } from '@ag-ui/core';
import { defineTool } from '@gemloop/core';
import { createApprovalBroker } from '@gemloop/core/web';
import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { serveAgUi } from './__fixtures__/serve-ag-ui.ts';

// attack27: the model's call ids repeat within one run: two calls of one turn with the same `id`
// (a gateway that numbers each answer's calls from `call_0`, or one that sets the id to the
// tool's name), or the same id in two steps. gemloop answers each call (the API matches its
// functionResponses by position), but the AG-UI door made each call's id from the model's
// (`<runId>.<id>`): `@ag-ui/client`'s HttpAgent filed both calls as one, its arguments the two
// JSON objects run together (`{"q":"1"}{"q":"2"}`, no longer JSON), with two results for it.
// A call's AG-UI id is now unique in the run; a result and an approval's interrupt find theirs
// by the call's arguments object (as the approval broker pairs them), never by the model's id.

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a word up.',
  parameters: z.object({ q: z.string() }),
  execute: ({ q }) => ({ found: q }),
});

type Call = { id: string; function: { name: string; arguments: string } };

/** HttpAgent's messages as a page holds them: each call and the results filed under it. */
function filed(http: HttpAgent) {
  const calls = http.messages.flatMap((message) =>
    'toolCalls' in message ? ((message.toolCalls ?? []) as Call[]) : [],
  );
  return calls.map((call) => ({
    args: JSON.parse(call.function.arguments) as unknown,
    results: http.messages.flatMap((message) =>
      message.role === 'tool' && message.toolCallId === call.id ? [message.content] : [],
    ),
  }));
}

async function ask(http: HttpAgent, text: string, seen: BaseEvent[] = []) {
  http.addMessage({ id: crypto.randomUUID(), role: 'user', content: text });
  await http.runAgent({}, { onEvent: ({ event }) => void seen.push(event) });
  return seen;
}

const startIds = (seen: BaseEvent[]) =>
  seen.flatMap((event) =>
    event.type === 'TOOL_CALL_START'
      ? [(event as unknown as { toolCallId: string }).toolCallId]
      : [],
  );

describe('the AG-UI door and call ids the model repeats (attack27)', () => {
  it('two calls of one turn with one id: two calls on the client, each with its arguments and result', async () => {
    const { client } = await serveAgUi(
      [
        turn.parts([
          { functionCall: { id: 'call_0', name: 'lookup', args: { q: 'one' } } },
          { functionCall: { id: 'call_0', name: 'lookup', args: { q: 'two' } } },
        ]),
        turn.text('Both found.'),
      ],
      { agent: { tools: [lookup] as never } },
    );
    const http = client('alice', 'same-turn');
    const seen = await ask(http, 'Look both up.');
    expect(new Set(startIds(seen)).size).toBe(2);
    expect(filed(http)).toEqual([
      { args: { q: 'one' }, results: ['{"found":"one"}'] },
      { args: { q: 'two' }, results: ['{"found":"two"}'] },
    ]);
  });

  it('the same id in two steps, and an id that looks like the door’s own: every call apart', async () => {
    const { client } = await serveAgUi(
      [
        turn.parts([{ functionCall: { id: 'x', name: 'lookup', args: { q: 'one' } } }]),
        turn.parts([
          { functionCall: { id: 'x', name: 'lookup', args: { q: 'two' } } },
          { functionCall: { id: 'x#2', name: 'lookup', args: { q: 'three' } } },
        ]),
        turn.text('All found.'),
      ],
      { agent: { tools: [lookup] as never } },
    );
    const http = client('alice', 'two-steps');
    const seen = await ask(http, 'Look them up.');
    expect(new Set(startIds(seen)).size).toBe(3);
    expect(filed(http)).toEqual([
      { args: { q: 'one' }, results: ['{"found":"one"}'] },
      { args: { q: 'two' }, results: ['{"found":"two"}'] },
      { args: { q: 'three' }, results: ['{"found":"three"}'] },
    ]);
  });

  it('an approval of the second of two calls with one id names the second call', async () => {
    const approvals = createApprovalBroker();
    const { client } = await serveAgUi(
      [
        turn.parts([
          { functionCall: { id: 'dup', name: 'lookup', args: { q: 'one' } } },
          { functionCall: { id: 'dup', name: 'lookup', args: { q: 'two' } } },
        ]),
        turn.text('Done.'),
      ],
      {
        agent: {
          tools: [lookup] as never,
          beforeToolCall: async (context) =>
            (context.rawArgs as { q: string }).q === 'two'
              ? approvals.beforeToolCall(context)
              : { type: 'approve' },
        },
        handler: { approvals },
      },
    );
    const http = client('alice', 'approve-second');
    const seen = await ask(http, 'Look both up.');
    const ids = startIds(seen);
    expect(new Set(ids).size).toBe(2);
    const [interrupt] = http.pendingInterrupts;
    expect(interrupt?.toolCallId).toBe(ids[1]);
    await http.runAgent({
      resume: buildResumeArray(http.pendingInterrupts, {
        [interrupt?.id as string]: { status: 'resolved', payload: { approved: true } },
      }),
    });
    expect(filed(http)).toEqual([
      { args: { q: 'one' }, results: ['{"found":"one"}'] },
      { args: { q: 'two' }, results: ['{"found":"two"}'] },
    ]);
  });
});
