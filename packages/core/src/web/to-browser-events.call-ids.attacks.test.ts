import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  callsTurn,
  createScriptedGemini,
  textTurn,
} from '../agent/__fixtures__/scripted-gemini.ts';
import { createAgent } from '../agent/create-agent.ts';
import { subagent } from '../composition/subagent.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { parseSse, readBody, type SseEvent } from './__fixtures__/read-sse.ts';
import { createApprovalBroker } from './approval-broker.ts';
import { toEventStreamResponse } from './to-event-stream-response.ts';

// attack27: the model repeats a call id within a run (two calls of a turn with one
// `functionCall.id`, as a gateway numbering each answer's calls from `call_0` writes; or the same
// id in a later step). gemloop answers every call, but the page was given the model's id as the
// call's `toolCallId`, and `@gemloop/react` keeps one call per id and path: the second call's
// arguments replaced the first's, both results landed on one call, and an approval of the second
// call was shown on the first. The page now gets an id unique at its path (`#2`, `#3`... after
// an id already shown); a result and an approval name the call they belong to (paired by the
// call's arguments object, as the approval broker pairs them, never by the model's id).

const MODEL = 'gemini-2.5-flash';

const lookup = defineTool({
  name: 'lookup',
  parameters: z.object({ q: z.string() }),
  execute: ({ q }) => ({ found: q }),
});

const of = (events: SseEvent[], type: string) =>
  events.filter((event) => event.event === type).map((event) => event.data);

async function page(agent: ReturnType<typeof createAgent>) {
  const response = toEventStreamResponse(agent.stream('Look them up.'), { runId: 'r' });
  const { events } = parseSse(await readBody(response.body as ReadableStream<Uint8Array>));
  const calls = of(events, 'tool-call').map((call) => [call.toolCallId, call.args.q]);
  const results = of(events, 'tool-result').map((result) => [result.toolCallId, result.preview]);
  return { calls, results };
}

describe('call ids the model repeats, on the page (attack27)', () => {
  it('two calls of one turn with one id: two calls, each result under its own', async () => {
    const agent = createAgent({
      gemini: createScriptedGemini([
        callsTurn(['lookup', { q: 'one' }, 'call_0'], ['lookup', { q: 'two' }, 'call_0']),
        textTurn('Both.'),
      ]),
      model: MODEL,
      tools: [lookup],
    });
    const { calls, results } = await page(agent);
    expect(calls).toEqual([
      ['call_0', 'one'],
      ['call_0#2', 'two'],
    ]);
    // In the order the calls settle (parallel): each under its own call.
    expect(Object.fromEntries(results)).toEqual({
      call_0: '{"found":"one"}',
      'call_0#2': '{"found":"two"}',
    });
  });

  it('the same id in two steps, and an id that looks like a repeat: every call apart', async () => {
    const agent = createAgent({
      gemini: createScriptedGemini([
        callsTurn(['lookup', { q: 'one' }, 'x']),
        callsTurn(['lookup', { q: 'two' }, 'x'], ['lookup', { q: 'three' }, 'x#2']),
        textTurn('All.'),
      ]),
      model: MODEL,
      tools: [lookup],
    });
    const { calls, results } = await page(agent);
    expect(calls).toEqual([
      ['x', 'one'],
      ['x#2', 'two'],
      ['x#2#2', 'three'],
    ]);
    // The second step's two results in the order they settle (parallel), as above.
    expect(results).toHaveLength(3);
    expect(results[0]).toEqual(['x', '{"found":"one"}']);
    expect(Object.fromEntries(results)).toEqual({
      x: '{"found":"one"}',
      'x#2': '{"found":"two"}',
      'x#2#2': '{"found":"three"}',
    });
  });

  it("a subagent's call keeps its id: ids are apart per path, as a page keys them", async () => {
    const child = createAgent({
      gemini: createScriptedGemini([callsTurn(['lookup', { q: 'inner' }, 'c1']), textTurn('ok')]),
      model: MODEL,
      tools: [lookup],
    });
    const parent = createAgent({
      gemini: createScriptedGemini([
        callsTurn(['search', { task: 'Find.' }, 'c1']),
        textTurn('Done.'),
      ]),
      model: MODEL,
      tools: [subagent(child, { name: 'search', description: 'Searches.' })],
    });
    const response = toEventStreamResponse(parent.stream('Go'), { runId: 'r' });
    const { events } = parseSse(await readBody(response.body as ReadableStream<Uint8Array>));
    expect(of(events, 'tool-call').map((call) => [call.path.join('/'), call.toolCallId])).toEqual([
      ['', 'c1'],
      ['search#1', 'c1'],
    ]);
  });

  it('an approval of the second of two calls with one id names the second call', async () => {
    const approvals = createApprovalBroker();
    const agent = createAgent({
      gemini: createScriptedGemini([
        callsTurn(['lookup', { q: 'one' }, 'dup'], ['lookup', { q: 'two' }, 'dup']),
        textTurn('Done.'),
      ]),
      model: MODEL,
      tools: [lookup],
      beforeToolCall: (context) =>
        (context.rawArgs as { q: string }).q === 'two'
          ? approvals.beforeToolCall(context)
          : { type: 'approve' },
    });
    const response = toEventStreamResponse(agent.stream('Go'), { runId: 'r', approvals });
    const body = response.body as ReadableStream<Uint8Array>;
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let text = '';
    let pending: SseEvent | undefined;
    while (pending === undefined) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`ended before approval-pending:\n${text}`);
      text += decoder.decode(value, { stream: true });
      pending = parseSse(text).events.find((event) => event.event === 'approval-pending');
    }
    const calls = of(parseSse(text).events, 'tool-call');
    expect(calls.map((call) => call.toolCallId)).toEqual(['dup', 'dup#2']);
    expect(pending.data.toolCallId).toBe('dup#2');
    approvals.answer({ approvalId: pending.data.approvalId, decision: 'approve' });
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    const results = of(parseSse(text).events, 'tool-result');
    expect(
      Object.fromEntries(results.map((result) => [result.toolCallId, result.preview])),
    ).toEqual({ dup: '{"found":"one"}', 'dup#2': '{"found":"two"}' });
  });
});
