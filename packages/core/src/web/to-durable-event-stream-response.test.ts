import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AgentEvent } from '../agent/agent-event.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { parseSse, readBody } from './__fixtures__/read-sse.ts';
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
});
