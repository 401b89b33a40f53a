import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { AgentEvent } from '../agent/agent-event.ts';
import { GemloopError } from '../errors/gemloop-error.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { parseSse, readBody } from './__fixtures__/read-sse.ts';
import { toBrowserError } from './to-browser-error.ts';
import {
  type DurableEventEntry,
  toDurableEventStreamResponse,
} from './to-durable-event-stream-response.ts';

const login = defineTool({
  name: 'login',
  description: 'Logs in.',
  parameters: z.object({ user: z.string(), password: z.string() }),
  secretArguments: ['password'],
  execute: () => 'ok',
});

// A durable run's store as `runs.events(runId, { offset })` reads it (grounding is stored but not
// shown; entry 2 is written twice, as after a crash).
const stored: AgentEvent<unknown>[] = [
  { type: 'step-start', path: [], stepNumber: 1, kind: 'tools' },
  {
    type: 'tool-call',
    path: [],
    stepNumber: 1,
    toolCallId: 'c1',
    toolName: 'login',
    args: { user: 'ada', password: 'hunter2-secret' },
  },
  { type: 'text-delta', path: [], stepNumber: 1, text: 'Logged ' },
  { type: 'text-delta', path: [], stepNumber: 1, text: 'in.' },
];
function events(offset: number): AsyncIterable<DurableEventEntry> {
  return (async function* () {
    for (let index = offset; index < stored.length; index++) {
      yield { offset: index, event: stored[index] as AgentEvent<unknown> };
      if (index === 2) yield { offset: index, event: stored[index] as AgentEvent<unknown> };
    }
  })();
}

describe('toDurableEventStreamResponse', () => {
  it('sends the stored events with their offsets as ids, redacted, once each', async () => {
    const response = toDurableEventStreamResponse(
      { headers: new Headers() },
      { runId: 'd1', events, tools: [login], ended: async () => ({ outcome: 'aborted' }) },
    );
    const text = await readBody(response.body as ReadableStream<Uint8Array>);
    expect(text).not.toContain('hunter2-secret');
    const parsed = parseSse(text).events;
    expect(parsed.map((event) => [event.id, event.data.type])).toEqual([
      ['-1', 'start'],
      ['0', 'step-start'],
      ['1', 'tool-call'],
      ['2', 'text-delta'],
      ['3', 'text-delta'],
      ['5', 'finish'],
    ]);
    expect(parsed[2]?.data.args).toEqual({ user: 'ada', password: '[redacted]' });
    expect(parsed.at(-1)?.data.outcome).toBe('aborted');
  });

  it('resumes after Last-Event-ID from the store, without a second start', async () => {
    const response = toDurableEventStreamResponse(
      { headers: { 'last-event-id': '2' } },
      { runId: 'd1', events },
    );
    const parsed = parseSse(await readBody(response.body as ReadableStream<Uint8Array>)).events;
    expect(parsed.map((event) => event.data.type)).toEqual(['text-delta', 'error', 'finish']);
    expect(parsed[0]?.data.text).toBe('in.');
    expect(parsed[1]?.data.error.message).toBe('The run ended without a result.');
  });

  it("gives its made-up end a code whose words are the page table's own", async () => {
    const response = toDurableEventStreamResponse(
      { headers: new Headers() },
      { runId: 'd1', events, heartbeatMs: 0 },
    );
    const parsed = parseSse(await readBody(response.body as ReadableStream<Uint8Array>)).events;
    const error = parsed.find((event) => event.data.type === 'error')?.data.error;
    // Before: `{ name: 'Error', message: … }` with no code, so a page could not tell this end
    // from any other failure (and `toPageMessage` had nothing to choose words by).
    expect(error).toEqual({
      name: 'Error',
      code: 'run-ended-without-result',
      message: 'The run ended without a result.',
    });
    const coded = new GemloopError({ message: 'internal words' });
    Object.defineProperty(coded, 'code', { value: 'run-ended-without-result' });
    expect(toBrowserError(coded, undefined).message).toBe(error.message);
    expect(parsed.at(-1)?.data).toMatchObject({ type: 'finish', outcome: 'error' });
  });

  it('leaves out arguments it cannot redact (no tools given)', async () => {
    const response = toDurableEventStreamResponse(
      { headers: new Headers() },
      { runId: 'd1', events },
    );
    const text = await readBody(response.body as ReadableStream<Uint8Array>);
    expect(text).not.toContain('hunter2-secret');
    expect(text).toContain('"argsOmitted":true');
  });

  it('sends nothing more to a page that resumes at the real finish', async () => {
    const ended: AgentEvent<unknown>[] = [
      ...stored,
      {
        type: 'run-end',
        path: [],
        result: {
          finishReason: 'stop',
          usage: {
            promptTokenCount: 3,
            candidatesTokenCount: 2,
            thoughtsTokenCount: 0,
            cachedContentTokenCount: 0,
            totalTokenCount: 5,
          },
          cost: null,
        },
      } as unknown as AgentEvent<unknown>,
    ];
    const read = (offset: number): AsyncIterable<DurableEventEntry> =>
      (async function* () {
        for (let index = offset; index < ended.length; index++)
          yield { offset: index, event: ended[index] as AgentEvent<unknown> };
      })();
    const full = parseSse(
      await readBody(
        toDurableEventStreamResponse({ headers: new Headers() }, { runId: 'd1', events: read })
          .body as ReadableStream<Uint8Array>,
      ),
    ).events;
    expect(full.at(-1)).toMatchObject({ id: '4', data: { type: 'finish', outcome: 'completed' } });
    const resumed = await readBody(
      toDurableEventStreamResponse(
        { headers: { 'last-event-id': '4' } },
        { runId: 'd1', events: read, heartbeatMs: 0 },
      ).body as ReadableStream<Uint8Array>,
    );
    // Before: a made-up error ("The run ended without a result.") and a failed finish.
    expect(parseSse(resumed).events).toEqual([]);
  });

  it('resumes between its own error and finish without a second error', async () => {
    const serve = (lastId: string) =>
      toDurableEventStreamResponse(
        { headers: { 'last-event-id': lastId } },
        { runId: 'd1', events, heartbeatMs: 0 },
      );
    // The store ends at offset 3: the made-up error is id 4, its finish id 5.
    const afterError = parseSse(await readBody(serve('4').body as ReadableStream<Uint8Array>));
    expect(afterError.events.map((event) => [event.id, event.data.type])).toEqual([
      ['5', 'finish'],
    ]);
    expect(afterError.events[0]?.data.outcome).toBe('error');
    const afterFinish = parseSse(await readBody(serve('5').body as ReadableStream<Uint8Array>));
    expect(afterFinish.events).toEqual([]);
    // An id the run never reached still ends the page's stream (it would resume forever).
    const pastEnd = parseSse(await readBody(serve('40').body as ReadableStream<Uint8Array>));
    expect(pastEnd.events.map((event) => [event.id, event.data.type])).toEqual([
      ['41', 'error'],
      ['42', 'finish'],
    ]);
  });

  // A gateway that numbers each answer's calls from `call_0` repeats an id within a turn and
  // across steps: a page keeps one call per id and path, so the durable stream shows repeats as
  // `#2`, `#3`..., as a live one does, and the same ids to a page that resumes (leftovers35b: the
  // stored ids went out as the model gave them, two calls merged into one on the page).
  describe('calls that share an id', () => {
    const call = (stepNumber: number, city: string): AgentEvent<unknown> => ({
      type: 'tool-call',
      path: [],
      stepNumber,
      toolCallId: 'call_0',
      toolName: 'weather',
      args: { city },
    });
    const result = (stepNumber: number, city: string): AgentEvent<unknown> =>
      ({
        type: 'tool-result',
        path: [],
        stepNumber,
        toolCall: {
          toolCallId: 'call_0',
          hasWireId: true,
          toolName: 'weather',
          rawArgs: { city },
          args: { city },
          outcome: 'success',
          output: `sun in ${city}`,
          response: { name: 'weather', response: { output: `sun in ${city}` } },
          durationMs: 1,
        },
      }) as AgentEvent<unknown>;
    // Step 1 calls call_0 twice (their results out of order), step 2 once more.
    const repeats: AgentEvent<unknown>[] = [
      { type: 'step-start', path: [], stepNumber: 1, kind: 'tools' },
      call(1, 'Oslo'),
      call(1, 'Rome'),
      result(1, 'Rome'),
      result(1, 'Oslo'),
      { type: 'step-start', path: [], stepNumber: 2, kind: 'tools' },
      call(2, 'Bergen'),
      result(2, 'Bergen'),
    ];
    const read = (offset: number): AsyncIterable<DurableEventEntry> =>
      (async function* () {
        for (let index = offset; index < repeats.length; index++)
          yield { offset: index, event: repeats[index] as AgentEvent<unknown> };
      })();
    const shown = async (lastEventId?: string) => {
      const response = toDurableEventStreamResponse(
        { headers: lastEventId === undefined ? {} : { 'last-event-id': lastEventId } },
        { runId: 'd1', events: read, ended: async () => ({ outcome: 'aborted' }) },
      );
      return parseSse(await readBody(response.body as ReadableStream<Uint8Array>))
        .events.filter((event) => event.data.toolCallId !== undefined)
        .map((event) => [event.id, event.data.type, event.data.toolCallId, event.data.preview]);
    };
    const all = [
      ['1', 'tool-call', 'call_0', undefined],
      ['2', 'tool-call', 'call_0#2', undefined],
      ['3', 'tool-result', 'call_0#2', 'sun in Rome'],
      ['4', 'tool-result', 'call_0', 'sun in Oslo'],
      ['6', 'tool-call', 'call_0#3', undefined],
      ['7', 'tool-result', 'call_0#3', 'sun in Bergen'],
    ];

    it('shows each call under an id of its own, its result under the same', async () => {
      expect(await shown()).toEqual(all);
    });

    it('gives a page that resumes the ids it had, wherever it resumes', async () => {
      for (const last of ['1', '2', '3', '5', '6']) {
        expect(await shown(last)).toEqual(all.filter(([id]) => Number(id) > Number(last)));
      }
    });
  });

  describe('a page that stops reading', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    /** A long run's store, made as it is read: `read()` says how many entries were taken. */
    function longRun(count: number, chars: number) {
      let taken = 0;
      const text = 'x'.repeat(chars);
      const events = (offset: number): AsyncIterable<DurableEventEntry> =>
        (async function* () {
          for (let index = offset; index < count; index++) {
            taken++;
            yield {
              offset: index,
              event: { type: 'text-delta', path: [], stepNumber: 1, text } as AgentEvent<unknown>,
            };
          }
        })();
      return { events, read: () => taken };
    }

    /** Lets the server side run as far as it goes on its own (no page reads meanwhile). */
    async function settle(): Promise<void> {
      for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setImmediate(resolve));
    }

    it('reads the store only as far as the page reads, one frame ahead at most', async () => {
      // 20,000 entries of 1 KB: 20 MB a page that never reads would have held in the stream's
      // queue (a 95 MB run was queued whole per such page).
      const store = longRun(20_000, 1000);
      const response = toDurableEventStreamResponse(
        { headers: new Headers() },
        { runId: 'd1', events: store.events, heartbeatMs: 0 },
      );
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      await settle();
      expect(store.read()).toBe(0);
      // The page reads the start and three events, then stops.
      for (let frame = 0; frame < 4; frame++) expect((await reader.read()).done).toBe(false);
      await settle();
      expect(store.read()).toBeLessThanOrEqual(4);
      await reader.cancel();
    });

    it('aborts the signal it gave the store when the page goes away between two events (attack40)', async () => {
      // A store whose read waits for the run's next event (a decision for days): only the
      // signal reaches it, the iterator's return() waits behind the read.
      let given: AbortSignal | undefined;
      const waiting = (_offset: number, signal: AbortSignal): AsyncIterable<DurableEventEntry> => {
        given = signal;
        return (async function* () {
          yield { offset: 0, event: stored[0] as AgentEvent<unknown> };
          await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
        })();
      };
      const response = toDurableEventStreamResponse(
        { headers: new Headers() },
        { runId: 'd1', events: waiting, heartbeatMs: 0 },
      );
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      for (let frame = 0; frame < 2; frame++) expect((await reader.read()).done).toBe(false);
      const next = reader.read();
      await settle();
      expect(given?.aborted).toBe(false);
      await reader.cancel();
      expect(given?.aborted).toBe(true);
      expect((await next).done).toBe(true);
    });

    it('still gives a page that reads every event, in order, then the end', async () => {
      const store = longRun(2000, 100);
      const response = toDurableEventStreamResponse(
        { headers: new Headers() },
        { runId: 'd1', events: store.events, heartbeatMs: 0 },
      );
      const parsed = parseSse(await readBody(response.body as ReadableStream<Uint8Array>)).events;
      expect(parsed).toHaveLength(1 + 2000 + 2);
      expect(parsed.slice(1, 2001).map((event) => Number(event.id))).toEqual(
        Array.from({ length: 2000 }, (_, index) => index),
      );
      expect(parsed.at(-1)?.data).toMatchObject({ type: 'finish', outcome: 'error' });
    });

    it('queues one heartbeat at most for a page that does not read', async () => {
      vi.useFakeTimers();
      const store = longRun(10, 10);
      const response = toDurableEventStreamResponse(
        { headers: new Headers() },
        { runId: 'd1', events: store.events, heartbeatMs: 1000 },
      );
      // A quiet hour for a page that reads nothing.
      await vi.advanceTimersByTimeAsync(3_600_000);
      vi.useRealTimers();
      const text = await readBody(response.body as ReadableStream<Uint8Array>);
      const { events, comments } = parseSse(text);
      expect(comments).toBe(1);
      expect(events).toHaveLength(1 + 10 + 2);
    });
  });
});
