import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  callsTurn,
  createScriptedGemini,
  textTurn,
} from '../agent/__fixtures__/scripted-gemini.ts';
import { createAgent } from '../agent/create-agent.ts';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import type { GenerateContentBody } from '../wire/request.ts';
import { parseSse, readBody } from './__fixtures__/read-sse.ts';
import { createApprovalBroker } from './approval-broker.ts';
import { toDurableEventStreamResponse } from './to-durable-event-stream-response.ts';
import { toEventStreamResponse } from './to-event-stream-response.ts';

// attack27: what a model puts in a call reaches the page in the `tool-call` event: its arguments
// and its id, unbounded. A model (or a prompt that steers it) calling a tool with an argument of
// 2 MB, or a gateway's id of 1.5 MB, made one server-sent event past a million characters, and
// `@gemloop/client` (default `maxEventChars` 1,000,000, so that a page holds no unbounded event)
// ended the page's stream with a ClientError: the page lost the run, whose connection then closed
// (a run without a replay buffer is aborted). Arguments nested 100,000 deep could not be written
// as JSON at all. The page now gets a call's arguments up to 100,000 characters of JSON (else
// `argsOmitted`, as for a source that cannot be redacted) and an id of at most 256 characters
// (cut, kept unique; its result and approval carry the same). The same for a step's finishReason
// (the API's enum, a gateway's words): 1.5 MB of it made a step-finish event of 1.5 MB.

const MODEL = 'gemini-2.5-flash';
const CLIENT_MAX_EVENT_CHARS = 1_000_000;

const lookup = defineTool({
  name: 'lookup',
  parameters: z.object({ q: z.unknown() }).partial(),
  execute: () => 'ok',
});

function deep(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = { q: 1 };
  for (let level = 0; level < levels; level++) value = { q: value };
  return value;
}

async function frames(calls: Parameters<typeof callsTurn>) {
  const agent = createAgent({
    gemini: createScriptedGemini([callsTurn(...calls), textTurn('Done.')]),
    model: MODEL,
    tools: [lookup],
  });
  const response = toEventStreamResponse(agent.stream('Go'), { runId: 'r' });
  const text = await readBody(response.body as ReadableStream<Uint8Array>);
  return { text, events: parseSse(text).events };
}

const longest = (text: string) => Math.max(...text.split('\n\n').map((frame) => frame.length));

describe('what a model puts in a call, bounded on the page (attack27)', () => {
  it('an argument of 2 MB: the call is shown without its arguments, every event under the client’s limit', async () => {
    const { text, events } = await frames([['lookup', { q: 'y'.repeat(2_000_000) }]]);
    expect(longest(text)).toBeLessThan(CLIENT_MAX_EVENT_CHARS);
    const call = events.find((event) => event.event === 'tool-call')?.data;
    expect(call).toMatchObject({ toolName: 'lookup', argsOmitted: true });
    expect(call.args).toBeUndefined();
    expect(events.at(-1)?.data).toMatchObject({ type: 'finish', outcome: 'completed' });
  });

  it('arguments of 90,000 characters still go whole', async () => {
    const { events } = await frames([['lookup', { q: 'y'.repeat(90_000) }]]);
    const call = events.find((event) => event.event === 'tool-call')?.data;
    expect(call.args.q).toHaveLength(90_000);
    expect(call.argsOmitted).toBeUndefined();
  });

  it('arguments nested 100,000 deep: shown without them, the stream goes on', async () => {
    const { events } = await frames([['lookup', deep(100_000)]]);
    const call = events.find((event) => event.event === 'tool-call')?.data;
    expect(call).toMatchObject({ toolName: 'lookup', argsOmitted: true });
    expect(events.at(-1)?.data.type).toBe('finish');
  });

  it('ids of 1.5 MB: cut to 256 characters, two of one prefix kept apart, each result under its call', async () => {
    const long = 'i'.repeat(1_500_000);
    const { text, events } = await frames([
      ['lookup', { q: 'one' }, `${long}a`],
      ['lookup', { q: 'two' }, `${long}b`],
    ]);
    expect(longest(text)).toBeLessThan(10_000);
    const ids = events.filter((event) => event.event === 'tool-call').map((e) => e.data.toolCallId);
    expect(ids.map((id: string) => id.length <= 260)).toEqual([true, true]);
    expect(new Set(ids).size).toBe(2);
    const results = events.filter((event) => event.event === 'tool-result');
    expect(new Set(results.map((event) => event.data.toolCallId))).toEqual(new Set(ids));
  });

  it('an approval of a call with a 1.5 MB id and a 2 MB argument: shown bounded, answered', async () => {
    const approvals = createApprovalBroker();
    const agent = createAgent({
      gemini: createScriptedGemini([
        callsTurn(['lookup', { q: 'y'.repeat(2_000_000) }, 'i'.repeat(1_500_000)]),
        textTurn('Done.'),
      ]),
      model: MODEL,
      tools: [lookup],
      beforeToolCall: approvals.beforeToolCall,
    });
    const response = toEventStreamResponse(agent.stream('Go'), { runId: 'r', approvals });
    let pending: { approvalId: string; toolCallId: string; args: unknown } | undefined;
    const text = await readBody(response.body as ReadableStream<Uint8Array>, (sofar) => {
      if (pending !== undefined) return false;
      pending = parseSse(sofar).events.find((event) => event.event === 'approval-pending')?.data;
      if (pending !== undefined)
        approvals.answer({ approvalId: pending.approvalId, decision: 'approve' });
      return false;
    });
    expect(longest(text)).toBeLessThan(10_000);
    const call = parseSse(text).events.find((event) => event.event === 'tool-call')?.data;
    expect(pending?.toolCallId).toBe(call.toolCallId);
    expect(pending?.args).toBeUndefined();
    expect(parseSse(text).events.at(-1)?.data).toMatchObject({ outcome: 'completed' });
  });

  it('a durable run’s stored events: the same bounds, the same id for a call and its result', async () => {
    const long = 'i'.repeat(1_500_000);
    const call = (id: string, q: string) => ({
      type: 'tool-call' as const,
      path: [],
      stepNumber: 1,
      toolCallId: id,
      toolName: 'lookup',
      args: { q },
    });
    const result = (id: string, q: string) => ({
      type: 'tool-result' as const,
      path: [],
      stepNumber: 1,
      toolCall: {
        toolCallId: id,
        hasWireId: true,
        toolName: 'lookup',
        rawArgs: { q },
        args: { q },
        outcome: 'success' as const,
        output: 'ok',
        response: { name: 'lookup', response: { output: 'ok' } },
        durationMs: 1,
      },
    });
    const stored = [
      call(`${long}a`, 'one'),
      call(`${long}b`, 'y'.repeat(2_000_000)),
      result(`${long}a`, 'one'),
      result(`${long}b`, 'two'),
    ];
    const response = toDurableEventStreamResponse(
      { headers: {} },
      {
        runId: 'r',
        tools: [lookup],
        events: async function* (from) {
          for (let offset = from; offset < stored.length; offset++) {
            yield { offset, event: stored[offset] as never };
          }
        },
      },
    );
    const text = await readBody(response.body as ReadableStream<Uint8Array>);
    expect(longest(text)).toBeLessThan(10_000);
    const events = parseSse(text).events;
    const ids = events.filter((event) => event.event === 'tool-call').map((e) => e.data.toolCallId);
    expect(ids.map((id: string) => id.length <= 260)).toEqual([true, true]);
    expect(new Set(ids).size).toBe(2);
    expect(
      events.filter((event) => event.event === 'tool-result').map((e) => e.data.toolCallId),
    ).toEqual(ids);
    expect(
      events.filter((event) => event.event === 'tool-call').map((e) => e.data.argsOmitted),
    ).toEqual([undefined, true]);
  });

  it('a finishReason of 1.5 MB, or not a string: the step-finish event stays small, the rest shown', async () => {
    for (const finishReason of ['X'.repeat(1_500_000), { reason: 'STOP' }, 'NEW_REASON']) {
      const agent = createAgent({
        gemini: createScriptedGemini([
          {
            candidates: [{ content: { role: 'model', parts: [{ text: 'Hi.' }] }, finishReason }],
          } as never,
        ]),
        model: MODEL,
      });
      const response = toEventStreamResponse(agent.stream('Go'), { runId: 'r' });
      const text = await readBody(response.body as ReadableStream<Uint8Array>);
      expect(longest(text)).toBeLessThan(10_000);
      const step = parseSse(text).events.find((event) => event.event === 'step-finish')?.data;
      const expected =
        typeof finishReason !== 'string'
          ? undefined
          : finishReason.length > 64
            ? `${'X'.repeat(64)}…`
            : finishReason;
      expect(step.finishReason).toBe(expected);
    }
  });
});

describe('an undeclared tool’s 2 MB name and id on the page (doors-bounds41)', () => {
  // toolname41 cut a made-up name in the loop's own texts; the `tool-call` and `tool-result`
  // events still showed it whole: a 2 MB name made two events past the client's limit, and the
  // page lost the run. A declared name is at most 128 characters (check-tool-name.ts), so only a
  // name the model made up is cut. The key the model wrote in either is gone before the cut.
  const KEY = 'AIzaSyDoorsBounds41-0123456789abcdefghij';

  it('the call and its result shown small, under one id, without the key', async () => {
    const name = `${'k'.repeat(110)}${KEY}${'n'.repeat(2 * 1024 * 1024)}`;
    const id = `${'i'.repeat(200)}${KEY}${'d'.repeat(2 * 1024 * 1024)}`;
    const fake = createFakeGemini({
      script: [turn.parts([{ functionCall: { id, name, args: {} } }]), turn.text('Done.')],
    });
    const agent = createAgent({
      gemini: createGemini({ apiKey: KEY, retry: false, fetch: fake.fetch }),
      model: MODEL,
      tools: [lookup],
    });
    const response = toEventStreamResponse(agent.stream('Go'), { runId: 'r' });
    const text = await readBody(response.body as ReadableStream<Uint8Array>);
    expect(text).not.toContain(KEY.slice(0, 12));
    expect(longest(text)).toBeLessThan(4_000);
    const events = parseSse(text).events.map((event) => event.data);
    const call = events.find((event) => event?.type === 'tool-call');
    const result = events.find((event) => event?.type === 'tool-result');
    expect(call?.toolName).toContain('characters omitted');
    // 128 at most, so that a name cut once (a durable run's stored event) is shown as it is.
    expect(call?.toolName.length).toBeLessThanOrEqual(128);
    expect(result).toMatchObject({ toolName: call?.toolName, toolCallId: call?.toolCallId });
    expect(result?.outcome).toBe('unknown-tool');
    expect(events.at(-1)).toMatchObject({ type: 'finish' });
    // The model was still answered under its own name and id (the wire echoes them).
    const answer = (fake.requests[1]?.body as GenerateContentBody | undefined)?.contents.at(-1)
      ?.parts?.[0];
    expect(answer?.functionResponse).toMatchObject({ name, id });
  });
});
