import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { z } from 'zod';
import { createLiveRecorder } from '../recorder/create-live-recorder.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { liveFixture, messagesOf, readUntil } from './__fixtures__/live-fixture.ts';
import { createLiveSession } from './create-live-session.ts';
import type { LiveEvent } from './live-event.ts';
import { recordLiveSession } from './record-live-session.ts';

// Vertex may send a Live tool call without an id (FunctionCall.id is "Optional"; js-genai's
// Session.tLiveClienttToolResponse, googleapis/js-genai src/live.ts, demands a response id only
// off Vertex). The fake plays such calls (`id: null`) and takes only id-less answers to them, one
// per call (by name, in call order), so these runs go end to end with no raw frames.

/** A tool whose calls all wait until the test opens the gate, then answer their own `q`. */
function gatedTool(behavior: 'BLOCKING' | 'NON_BLOCKING') {
  let open: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const tool = defineTool({
    name: 'find',
    description: 'Finds something.',
    parameters: z.object({ q: z.string() }),
    behavior,
    execute: async ({ q }) => {
      await gate;
      return { found: q };
    },
  });
  return { tool, open: () => open() };
}

const texts = (events: readonly LiveEvent[]): string[] =>
  events.flatMap((event) => (event.type === 'text-delta' ? [event.text] : []));
const callIds = (events: readonly LiveEvent[]): string[] =>
  events.flatMap((event) => (event.type === 'tool-call' ? [event.toolCallId] : []));

describe('a live session with id-less tool calls (Vertex style) against the fake', () => {
  it('answers the id-less blocking calls of two frames, once each and without an id', async () => {
    const gated = gatedTool('BLOCKING');
    const { fake, agent } = await liveFixture(
      {
        script: [
          [{ toolCalls: [{ name: 'find', id: null, args: { q: 'a' } }] }],
          [{ toolCalls: [{ name: 'find', id: null, args: { q: 'b' } }] }],
          [{ text: 'Found a and b.' }],
        ],
      },
      { tools: [gated.tool] },
    );
    gated.open();
    await using session = await createLiveSession(agent);
    const iterator = session[Symbol.asyncIterator]();
    session.sendText('find a, then b');
    const events = await readUntil(iterator, (event) => event.type === 'turn-end');
    expect(texts(events)).toEqual(['Found a and b.']);
    const ids = callIds(events);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
    expect(events.flatMap((event) => (event.type === 'tool-result' ? [event] : []))).toEqual([
      expect.objectContaining({ toolCallId: ids[0], output: { found: 'a' } }),
      expect.objectContaining({ toolCallId: ids[1], output: { found: 'b' } }),
    ]);
    // One response per call, each without an id: the local key never goes on the wire.
    expect(messagesOf(fake, 0, 'toolResponse')).toEqual([
      { toolResponse: { functionResponses: [{ name: 'find', response: { found: 'a' } }] } },
      { toolResponse: { functionResponses: [{ name: 'find', response: { found: 'b' } }] } },
    ]);
    expect(fake.errors).toEqual([]);
  });

  it('runs two frames of id-less background calls at once as two calls, and answers each once', async () => {
    // Both calls are running when the second frame comes: a key per frame index made the second
    // look like the first, never run nor answered.
    const gated = gatedTool('NON_BLOCKING');
    const { fake, agent } = await liveFixture(
      {
        script: [
          [
            { toolCalls: [{ name: 'find', id: null, args: { q: 'a' } }] },
            { toolCalls: [{ name: 'find', id: null, args: { q: 'b' } }] },
            { text: 'Looking.' },
          ],
          [{ text: 'One is in.' }],
          [{ text: 'Both are in.' }],
        ],
      },
      { tools: [gated.tool] },
    );
    await using session = await createLiveSession(agent);
    const iterator = session[Symbol.asyncIterator]();
    session.sendText('find a and b');
    const first = await readUntil(iterator, (event) => event.type === 'turn-end');
    expect(texts(first)).toEqual(['Looking.']);
    const ids = callIds(first);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
    gated.open();
    const seen: LiveEvent[] = [];
    let ends = 0;
    seen.push(...(await readUntil(iterator, (event) => event.type === 'turn-end' && ++ends === 2)));
    // Each call's own result, whichever finished first.
    const results = Object.fromEntries(
      seen.flatMap((event) =>
        event.type === 'tool-result' ? [[event.toolCallId, event.output]] : [],
      ),
    );
    expect(results).toEqual({
      [ids[0] as string]: { found: 'a' },
      [ids[1] as string]: { found: 'b' },
    });
    expect(texts(seen)).toEqual(['One is in.', 'Both are in.']);
    await vi.waitFor(() => expect(messagesOf(fake, 0, 'toolResponse')).toHaveLength(2), {
      timeout: 30_000,
    });
    const answers = messagesOf(fake, 0, 'toolResponse').map(
      (message) =>
        (message['toolResponse'] as { functionResponses: Record<string, unknown>[] })
          .functionResponses,
    );
    // One response per call, no id on either, each its own call's result.
    expect(answers.every((responses) => responses.length === 1)).toBe(true);
    expect(answers.flat().map((response) => Object.keys(response).sort())).toEqual([
      ['name', 'response', 'scheduling'],
      ['name', 'response', 'scheduling'],
    ]);
    expect(
      answers
        .flat()
        .map((response) => (response['response'] as { found: string }).found)
        .sort(),
    ).toEqual(['a', 'b']);
    expect(fake.errors).toEqual([]);
  });

  it('says a call came without an id in its span and its recorded line, and a call with one says nothing (matrix41)', async () => {
    // Without the mark, the span's gen_ai.tool.call.id and the recording's toolCallId show the
    // session's own key as if the server had sent it.
    const dir = await mkdtemp(join(tmpdir(), 'gemloop-live-idless-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const gated = gatedTool('BLOCKING');
    gated.open();
    const { fake, agent } = await liveFixture(
      {
        script: [
          [{ toolCalls: [{ name: 'find', id: null, args: { q: 'a' } }] }],
          [{ toolCalls: [{ name: 'find', id: 'server-1', args: { q: 'b' } }] }],
          [{ text: 'Found both.' }],
        ],
      },
      { tools: [gated.tool], telemetry: { tracerProvider } },
    );
    const recorder = createLiveRecorder({ dir });
    const session = await recordLiveSession(agent, {
      recorder,
      model: 'gemini-3.1-flash-live-preview',
    });
    const iterator = session[Symbol.asyncIterator]();
    session.sendText('find a, then b');
    const events = await readUntil(iterator, (event) => event.type === 'turn-end');
    await session.close();
    await recorder.flush();
    expect(fake.errors).toEqual([]);

    const calls = events.flatMap((event) => (event.type === 'tool-call' ? [event] : []));
    expect(calls.map((call) => [call.toolCallId, call.idless])).toEqual([
      [expect.stringMatching(/^live-call-\d+$/), true],
      ['server-1', undefined],
    ]);
    const idlessKey = calls[0]?.toolCallId;

    const spans = exporter.getFinishedSpans().filter((span) => span.name === 'execute_tool find');
    expect(spans.map((span) => span.attributes['gen_ai.tool.call.id'])).toEqual([
      idlessKey,
      'server-1',
    ]);
    expect(spans.map((span) => span.attributes['gemloop.live.tool.idless'])).toEqual([
      true,
      undefined,
    ]);

    const [name] = await readdir(dir);
    const lines = (await readFile(join(dir, name as string), 'utf8'))
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line['type'] === 'tool-call');
    expect(lines).toEqual([
      expect.objectContaining({ toolCallId: idlessKey, idless: true }),
      expect.not.objectContaining({ idless: expect.anything() }),
    ]);
    expect(lines[1]).toMatchObject({ toolCallId: 'server-1' });
  });
});
