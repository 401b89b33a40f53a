// attack60: a Live session tried from outside by a hostile server and a hostile caller. Each case
// failed before its fix (bench/RESULTS.md, attack60).
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it, onTestFinished } from 'vitest';
import { definePlugin } from '../agent/plugins/define-plugin.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { createLiveRecorder } from '../recorder/create-live-recorder.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { liveFixture, readUntil } from './__fixtures__/live-fixture.ts';
import { createLiveSession } from './create-live-session.ts';
import { LiveSessionError } from './live-session-error.ts';
import { recordLiveSession } from './record-live-session.ts';

/** What a promise rejected with (it must reject). */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('a Live session given an aborted signal (attack60)', () => {
  it('an already aborted signal refuses the session, typed, before any connection', async () => {
    const { fake, agent } = await liveFixture({ script: [[{ text: 'Hello.' }]] });
    const controller = new AbortController();
    controller.abort();
    // Before: the session opened and answered, as if it had no signal.
    const error = await rejection(createLiveSession(agent, { signal: controller.signal }));
    expect(LiveSessionError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'closed' });
    expect((error as Error).message).toMatch(/signal was aborted/);
    expect(fake.connections).toEqual([]);
  });

  it('an abort while a plugin starts: the session is refused as closed, in its own words', async () => {
    const order: string[] = [];
    const controller = new AbortController();
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const plugin = definePlugin({
      name: 'audit',
      startRun: async () => {
        order.push('startRun');
        await held;
        return {};
      },
      endRun: () => {
        order.push('endRun');
      },
    });
    const { fake, agent } = await liveFixture({ script: [] }, { plugins: [plugin] });
    const opening = rejection(createLiveSession(agent, { signal: controller.signal }));
    await expect.poll(() => order, { timeout: 60_000 }).toEqual(['startRun']);
    controller.abort();
    release();
    const error = await opening;
    // Before: the run's AgentAbortedError, "error.run.contents holds the history so far".
    expect(LiveSessionError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'closed' });
    expect((error as Error).message).toBe('The live session was closed while it connected.');
    // As in a run: a startRun cut short by the abort is a start that failed, not ended.
    expect(order).toEqual(['startRun']);
    expect(fake.connections).toEqual([]);
  });
});

describe('a Live frame that ends the session before its tool calls (attack60)', () => {
  it('text that fills the reader’s queue, then a call in the same frame: the tool never runs', async () => {
    let ran = 0;
    const send = defineTool({
      name: 'send',
      description: 'Sends a message (a side effect).',
      execute: async () => {
        ran += 1;
        return { sent: true };
      },
    });
    const { agent } = await liveFixture(
      {
        script: [
          [
            {
              frame: {
                serverContent: { modelTurn: { parts: [{ text: 'x'.repeat(5000) }] } },
                toolCall: { functionCalls: [{ id: 'a', name: 'send', args: {} }] },
              },
            },
          ],
        ],
      },
      { tools: [send] },
    );
    const session = await createLiveSession(agent, { maxBufferedBytes: 8000 });
    session.sendText('go');
    const error = await rejection(session.closed);
    expect(error).toMatchObject({ reason: 'buffer-full' });
    await session.close();
    // Before: the tool ran for a session that had already ended (its answer never sent).
    expect(ran).toBe(0);
  });
  it('calls whose own events fill the queue mid-frame: none of the frame runs after the end', async () => {
    const ran: string[] = [];
    const send = defineTool({
      name: 'send',
      description: 'Sends a message (a side effect).',
      execute: async (_args, { toolCallId }) => {
        ran.push(toolCallId);
        return { sent: true };
      },
    });
    const calls = Array.from({ length: 10 }, (_, index) => ({
      name: 'send',
      id: `c${index}`,
      args: {},
    }));
    const { agent } = await liveFixture({ script: [[{ toolCalls: calls }]] }, { tools: [send] });
    const session = await createLiveSession(agent, { maxBufferedBytes: 1200 });
    session.sendText('go');
    const error = await rejection(session.closed);
    expect(error).toMatchObject({ reason: 'buffer-full' });
    await session.close();
    // Before: c2 to c9 ran after the session had ended (the abort reached only c0 and c1).
    expect(ran).toEqual([]);
  });
});

describe('what a Live reader leaves unread, counted by what it holds (attack60)', () => {
  it('usage reports of 1 MB each nobody reads end the session with buffer-full at a 100 kB bound', async () => {
    const junk = 'j'.repeat(1_000_000);
    const { agent } = await liveFixture({
      script: [
        [
          ...Array.from({ length: 20 }, () => ({ usage: { promptTokenCount: 1, junk } })),
          { text: 'end' },
        ],
      ],
    });
    const session = await createLiveSession(agent, { maxBufferedBytes: 100_000 });
    session.sendText('go');
    // Before: each report counted 256 bytes, so 20 MB waited under the bound and the session
    // went on (a server's reports, calls or a tool's results of megabytes, by the hundred
    // thousand under the default 32 MiB).
    const error = await rejection(session.closed);
    expect(error).toMatchObject({ reason: 'buffer-full', limit: 100_000 });
  });

  it('tool calls with 200 kB of arguments nobody reads end it too; small ones are read in order', async () => {
    const echo = defineTool({
      name: 'echo',
      description: 'Echoes.',
      execute: async () => ({ ok: true }),
    });
    const { agent } = await liveFixture(
      {
        script: [
          [{ toolCalls: [{ name: 'echo', id: 'small', args: { note: 'hi' } }] }],
          [{ toolCalls: [{ name: 'echo', id: 'big', args: { note: 'n'.repeat(200_000) } }] }],
        ],
      },
      { tools: [echo] },
    );
    const session = await createLiveSession(agent, { maxBufferedBytes: 100_000 });
    const events = session[Symbol.asyncIterator]();
    session.sendText('go');
    const seen = await readUntil(events, (event) => event.type === 'tool-result');
    expect(seen.map((event) => event.type)).toEqual(['tool-call', 'tool-result']);
    // The next call's event holds 400 kB: past the bound, nobody reading.
    const error = await rejection(session.closed);
    expect(error).toMatchObject({ reason: 'buffer-full' });
  });
});

describe("a Live server's turnCompleteReason of any length (attack60)", () => {
  it('is cut and redacted in the span and in the recording, as a run’s finish reason', async () => {
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const dir = await mkdtemp(join(tmpdir(), 'gemloop-attack60-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const recorder = createLiveRecorder({ dir });
    const reason = `${'r'.repeat(100_000)} test-key`;
    const { agent } = await liveFixture(
      {
        script: [
          [
            { text: 'Done.' },
            { frame: { serverContent: { turnComplete: true, turnCompleteReason: reason } } },
          ],
        ],
      },
      { telemetry: { tracerProvider } },
    );
    const session = await recordLiveSession(agent, { recorder, model: 'gemini-live-test' });
    session.sendText('go');
    await readUntil(session[Symbol.asyncIterator](), (event) => event.type === 'turn-end');
    await session.close();
    await recorder.flush();
    const turn = exporter
      .getFinishedSpans()
      .find((span) => span.name.startsWith('generate_content'));
    const reasons = turn?.attributes['gen_ai.response.finish_reasons'] as string[];
    // Before: the 100 kB reason whole in the span.
    expect(reasons).toHaveLength(1);
    expect((reasons[0] as string).length).toBeLessThan(300);
    const [file] = await readdir(dir);
    const lines = (await readFile(join(dir, file as string), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const recorded = lines.find((line) => line['type'] === 'turn');
    // Before: a line of 100 kB (one 16 MB reason truncated the whole recording).
    expect(String(recorded?.['reason']).length).toBeLessThan(300);
    expect(String(recorded?.['reason'])).toMatch(/^r+… \[\d+ characters omitted\]$/);
    for (const line of lines) expect(JSON.stringify(line)).not.toContain('test-key');
    await tracerProvider.shutdown();
  });
});

describe("a Live server's hostile usage counts in the recording (attack60)", () => {
  it('negative, fractional and 1e308 counts are left out, as the cost and spans leave them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gemloop-attack60-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const recorder = createLiveRecorder({ dir });
    const { agent } = await liveFixture({
      script: [
        [
          {
            usage: {
              promptTokenCount: -5,
              responseTokenCount: 1e308,
              thoughtsTokenCount: 0.5,
              totalTokenCount: 1e308,
            },
          },
          { usage: { promptTokenCount: 3, responseTokenCount: 4, totalTokenCount: 7 } },
          { text: 'Done.' },
        ],
      ],
    });
    const session = await recordLiveSession(agent, { recorder, model: 'gemini-live-test' });
    session.sendText('go');
    await readUntil(session[Symbol.asyncIterator](), (event) => event.type === 'turn-end');
    await session.close();
    await recorder.flush();
    const [file] = await readdir(dir);
    const lines = (await readFile(join(dir, file as string), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.filter((line) => line['type'] === 'usage').map((line) => line['usage'])).toEqual([
      {},
      { promptTokenCount: 3, responseTokenCount: 4, totalTokenCount: 7 },
    ]);
    // Before: the totals were -2, 1e308, 0.5 and null (1e308 twice is Infinity).
    expect(lines.at(-1)).toMatchObject({
      type: 'live-end',
      usage: {
        promptTokenCount: 3,
        responseTokenCount: 4,
        thoughtsTokenCount: 0,
        totalTokenCount: 7,
      },
    });
  });
});

describe('a Live session read in a loop per turn (attack60)', () => {
  it('a loop that breaks at turn-end lets the next read on; two loops at once are refused, typed', async () => {
    const { agent } = await liveFixture({
      script: [[{ text: 'One.' }], [{ text: 'Two.' }, { text: 'Three.' }]],
    });
    const session = await createLiveSession(agent);
    session.sendText('first');
    const first: string[] = [];
    for await (const event of session) {
      if (event.type === 'text-delta') first.push(event.text);
      if (event.type === 'turn-end') break;
    }
    session.sendText('second');
    const reading = session[Symbol.asyncIterator]();
    const next = await reading.next();
    // Before: 'a live session has one reader: iterate it once', a plain Error, the rest unread.
    expect(next.value).toEqual({ type: 'text-delta', text: 'Two.' });
    const other = session[Symbol.asyncIterator]();
    const refused = await rejection(other.next());
    expect(refused).toBeInstanceOf(InvalidArgumentError);
    expect((refused as Error).message).toMatch(/one reader at a time/);
    const rest: string[] = [];
    while (true) {
      const item = await reading.next();
      if (item.done === true || item.value.type === 'turn-end') break;
      if (item.value.type === 'text-delta') rest.push(item.value.text);
    }
    expect(first).toEqual(['One.']);
    expect(rest).toEqual(['Three.']);
    await session.close();
  });
});

describe('maxReconnectAttempts: 0 (attack60)', () => {
  it('a dropped connection ends the session saying no resume was asked for, with the close code', async () => {
    const { agent } = await liveFixture({ script: [[{ text: 'a' }, { drop: true }]] });
    const session = await createLiveSession(agent, { maxReconnectAttempts: 0 });
    session.sendText('go');
    const error = await rejection(session.closed);
    // Before: "0 connections in a row ended within 30 s of their setup with nothing from the model".
    expect(error).toMatchObject({ reason: 'reconnect-failed', limit: 0, closeCode: 1006 });
    expect((error as Error).message).toBe(
      'The Live API connection ended (1006) and maxReconnectAttempts is 0, so the session does not resume.',
    );
  });

  it('a goAway does not end it early: the turn plays out, the session ends at the server’s close', async () => {
    const { fake, agent } = await liveFixture({
      script: [[{ text: 'a' }, { goAway: { timeLeftMs: 200 } }, { text: 'b' }]],
    });
    const session = await createLiveSession(agent, { maxReconnectAttempts: 0 });
    const events = session[Symbol.asyncIterator]();
    session.sendText('go');
    const seen = await readUntil(events, (event) => event.type === 'turn-end');
    expect(seen.filter((event) => event.type === 'text-delta')).toHaveLength(2);
    const error = await rejection(session.closed);
    // Before: ended by the session itself at the turn's end, with the fruitless count's words.
    expect(error).toMatchObject({ reason: 'reconnect-failed', limit: 0, closeCode: 1001 });
    expect(fake.connections).toHaveLength(1);
  });
});

describe("a Live server's duplicate call id in the spans (attack60)", () => {
  it('the running call keeps its span and its outcome; the refused second has none of its own', async () => {
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow = defineTool({
      name: 'slow',
      description: 'Answers once released.',
      execute: async () => {
        await held;
        return { ok: true };
      },
    });
    const { agent } = await liveFixture(
      {
        script: [
          [
            {
              toolCalls: [
                { name: 'slow', id: 'same' },
                { name: 'slow', id: 'same' },
              ],
            },
          ],
          [{ text: 'Done.' }],
        ],
      },
      { tools: [slow], telemetry: { tracerProvider } },
    );
    const session = await createLiveSession(agent);
    const events = session[Symbol.asyncIterator]();
    session.sendText('go');
    await readUntil(events, (event) => event.type === 'tool-error');
    release();
    await readUntil(events, (event) => event.type === 'turn-end');
    await session.close();
    const tools = exporter.getFinishedSpans().filter((span) => span.name === 'execute_tool slow');
    // Before: two spans, the running call's ended with no outcome when the second came, and the
    // second's (the refusal's) marked failed; the call that ran and answered had none.
    expect(tools).toHaveLength(1);
    expect(tools[0]?.attributes['error.type']).toBeUndefined();
    expect(tools[0]?.status.code).not.toBe(2);
    await tracerProvider.shutdown();
  });
});

describe('calls that wait for a tool slot, from a server faster than the tools (attack60)', () => {
  it('past the bound the session ends with buffer-full, though its reader reads every event', async () => {
    const held = new Promise<never>(() => {});
    // In the background, so the fake's turn goes on to its next frame of calls.
    const slow = defineTool({
      name: 'slow',
      description: 'Never answers.',
      behavior: 'NON_BLOCKING',
      execute: () => held,
    });
    const frame = (from: number) =>
      Array.from({ length: 40 }, (_, index) => ({ name: 'slow', id: `c${from + index}` }));
    const { agent } = await liveFixture(
      { script: [[{ toolCalls: frame(0) }, { toolCalls: frame(40) }, { toolCalls: frame(80) }]] },
      { tools: [slow], toolConcurrency: 2 },
    );
    // 100 kB: 48 waiting calls at 2048 bytes each; the reader takes every event as it comes.
    const session = await createLiveSession(agent, { maxBufferedBytes: 100_000 });
    session.sendText('go');
    const calls: string[] = [];
    const error = await (async () => {
      try {
        for await (const event of session)
          if (event.type === 'tool-call') calls.push(event.toolCallId);
      } catch (thrown) {
        return thrown;
      }
      return undefined;
    })();
    // Before: every call waited (~3 kB each, 50,000 held 165 MB), without end while calls came.
    expect(error).toMatchObject({ reason: 'buffer-full', limit: 100_000 });
    expect((error as Error).message).toMatch(/waited for one of toolConcurrency's slots/);
    expect(calls.length).toBeLessThan(120);
    await session.close();
  });
});
