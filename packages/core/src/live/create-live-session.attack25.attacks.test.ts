import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { z } from 'zod';
import { definePlugin } from '../agent/plugins/define-plugin.ts';
import { createLiveRecorder } from '../recorder/create-live-recorder.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { closeBeforeSetup } from './__fixtures__/close-before-setup.ts';
import { liveFixture, messagesOf, readUntil } from './__fixtures__/live-fixture.ts';
import { createLiveSession } from './create-live-session.ts';
import type { LiveEvent } from './live-event.ts';
import { LiveSessionError } from './live-session-error.ts';
import { recordLiveSession } from './record-live-session.ts';
import { type Connection, openLiveConnection } from './session/live-connection.ts';
import { resumeOnNewConnection } from './session/live-resume.ts';

// attack25: the Live session against a hostile server and a hostile user, second pass (the first:
// create-live-session.attacks.test.ts, .outside4.attacks.test.ts).

const KEY = 'AIzaSyAttack25-0123456789abcdefghijklm';

/** Reads every event until the session ends, and returns them with the error it ended with. */
async function drain(
  session: AsyncIterable<LiveEvent>,
): Promise<{ events: LiveEvent[]; error: unknown }> {
  const events: LiveEvent[] = [];
  try {
    for await (const event of session) events.push(event);
    return { events, error: undefined };
  } catch (error) {
    return { events, error };
  }
}

/** Everything an error shows: its message, its fields, its JSON. */
function shown(error: unknown): string {
  const fields = error as LiveSessionError;
  return `${fields.message} ${fields.closeReason} ${JSON.stringify(fields.toJSON())}`;
}

describe('a hostile Live server (attack25)', () => {
  it('a close reason holding the key is redacted in the error (message, closeReason, JSON)', async () => {
    const { agent } = await liveFixture(
      { script: [[{ text: 'a' }, { close: { code: 4001, reason: `bad key ${KEY}` } }]] },
      {},
      KEY,
    );
    const session = await createLiveSession(agent);
    session.sendText('hi');
    const { events, error } = await drain(session);
    expect(events[0]).toEqual({ type: 'text-delta', text: 'a' });
    expect(error).toMatchObject({ reason: 'closed-by-server', closeCode: 4001 });
    expect(shown(error)).toContain('bad key [redacted]');
    expect(shown(error)).not.toContain(KEY);
  });

  it('a close before setupComplete whose reason holds the key: connect-failed, the reason redacted', async () => {
    // A gateway in front of the Live API that refuses the key and echoes it (the fake never does).
    const error = await closeBeforeSetup(
      { code: 1008, reason: `API key ${KEY} not valid` },
      {
        url: `ws://127.0.0.1:9/live?key=${KEY}`,
        redact: (text) => text.replaceAll(KEY, '[redacted]'),
      },
    );
    expect(error).toMatchObject({ reason: 'connect-failed', closeCode: 1008 });
    expect((error as LiveSessionError).closeReason).toBe('API key [redacted] not valid');
    expect(shown(error)).not.toContain(KEY);
  });

  it('a close worth resuming before any handle: no-resumption-handle, the reason redacted', async () => {
    const { agent } = await liveFixture(
      {
        resumptionUpdates: false,
        script: [[{ text: 'a' }, { close: { code: 1011, reason: `internal ${KEY}` } }]],
      },
      {},
      KEY,
    );
    const session = await createLiveSession(agent);
    session.sendText('hi');
    const { error } = await drain(session);
    expect(error).toMatchObject({ reason: 'no-resumption-handle', closeCode: 1011 });
    expect(shown(error)).not.toContain(KEY);
    expect((error as LiveSessionError).closeReason).toBe('internal [redacted]');
  });

  it('JSON in a binary frame is read; invalid UTF-8 in one ends the session with invalid-frame', async () => {
    const text = { serverContent: { modelTurn: { parts: [{ text: 'from bytes' }] } } };
    const { agent } = await liveFixture({
      script: [
        [
          { frame: new TextEncoder().encode(JSON.stringify(text)) },
          { frame: new Uint8Array([0xff, 0xfe, 0x7b]) },
        ],
      ],
    });
    const session = await createLiveSession(agent);
    session.sendText('hi');
    const { events, error } = await drain(session);
    expect(events).toEqual([{ type: 'text-delta', text: 'from bytes' }]);
    expect(LiveSessionError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'invalid-frame' });
  });

  it('tool arguments nested 100,000 deep: the calls are answered, nothing thrown from the socket', async () => {
    const deep = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
    const frame = `{"toolCall":{"functionCalls":[{"id":"c1","name":"echo","args":{"q":${deep}}},{"id":"c2","name":"nope","args":${deep}}]}}`;
    const echo = defineTool({
      name: 'echo',
      description: 'Echoes.',
      parameters: z.object({ q: z.unknown() }),
      execute: async () => 'ok',
    });
    const { fake, agent } = await liveFixture(
      { script: [[{ frame }, { text: 'after' }]] },
      { tools: [echo] },
    );
    const session = await createLiveSession(agent);
    session.sendText('hi');
    const iterator = session[Symbol.asyncIterator]();
    const events = await readUntil(iterator, (event) => event.type === 'turn-end');
    expect(events.filter((event) => event.type === 'tool-call').length).toBe(2);
    await readUntil(iterator, (event) => event.type === 'tool-error');
    await expect.poll(() => messagesOf(fake, 0, 'toolResponse').length).toBe(1);
    const answered = messagesOf(fake, 0, 'toolResponse')[0] as {
      toolResponse: { functionResponses: { id: string }[] };
    };
    expect(answered.toolResponse.functionResponses.map((response) => response.id)).toEqual([
      'c1',
      'c2',
    ]);
    await session.close();
  });

  it('usage with negative, string, overflowing and past-2^53 counts costs nothing of them', async () => {
    const { agent } = await liveFixture({
      script: [
        [
          {
            frame:
              '{"usageMetadata":{"promptTokenCount":-5,"responseTokenCount":1e400,"promptTokensDetails":[{"modality":"AUDIO","tokenCount":"7"}],"thoughtsTokenCount":9007199254740993}}',
          },
          { text: 'x' },
        ],
      ],
    });
    const session = await createLiveSession(agent, {
      prices: {
        'gemini-live-test': {
          input: '1',
          audioInput: '1',
          output: '1',
          audioOutput: '1',
          source: 'test',
        },
      },
    });
    session.sendText('hi');
    const events = await readUntil(session[Symbol.asyncIterator](), (e) => e.type === 'turn-end');
    const usage = events.find((event) => event.type === 'usage');
    expect(usage).toMatchObject({ cost: { total: '0', input: '0', output: '0', thinking: '0' } });
    await session.close();
  });
});

describe('a hostile Live user (attack25)', () => {
  it('sendAudio with a mimeType that is no string is refused at the call, naming it; nothing sent', async () => {
    const { fake, agent } = await liveFixture({ script: [] });
    const session = await createLiveSession(agent);
    for (const mimeType of [42, null, '', { rate: 16000 }]) {
      expect(() => session.sendAudio(new Uint8Array(4), mimeType as never)).toThrow(
        expect.objectContaining({ name: 'InvalidArgumentError', argument: 'mimeType' }),
      );
    }
    session.sendAudio(new Uint8Array(4), 'audio/pcm;rate=24000');
    await expect.poll(() => messagesOf(fake, 0, 'realtimeInput').length).toBe(1);
    expect(fake.errors).toEqual([]);
    await session.close();
  });

  it('three close() at once and one after: each resolves, the socket closed once', async () => {
    const { fake, agent } = await liveFixture({ script: [] });
    const session = await createLiveSession(agent);
    await Promise.all([session.close(), session.close(), session.close()]);
    await session.close();
    await expect(session.closed).resolves.toBeUndefined();
    await expect.poll(() => fake.connections[0]?.open).toBe(false);
    expect(fake.connections).toHaveLength(1);
  });

  it('an abort while a tool runs: the tool sees the abort, its late answer is never sent', async () => {
    const controller = new AbortController();
    let release!: () => void;
    let toolSignal: AbortSignal | undefined;
    const held = defineTool({
      name: 'held',
      description: 'Waits.',
      parameters: z.object({}),
      execute: async (_args, { signal }) => {
        toolSignal = signal;
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        return 'late';
      },
    });
    const { fake, agent } = await liveFixture(
      { script: [[{ toolCalls: [{ name: 'held' }] }], [{ text: 'x' }]] },
      { tools: [held] },
    );
    const session = await createLiveSession(agent, { signal: controller.signal });
    session.sendText('hi');
    await readUntil(session[Symbol.asyncIterator](), (event) => event.type === 'tool-call');
    await expect.poll(() => toolSignal).toBeDefined();
    controller.abort();
    await expect(session.closed).resolves.toBeUndefined();
    expect(toolSignal?.aborted).toBe(true);
    release();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(messagesOf(fake, 0, 'toolResponse')).toEqual([]);
  });

  it("a plugin's startRun that throws fails the open with its PluginError, key redacted, no socket", async () => {
    const plugin = definePlugin({
      name: 'bad-start',
      startRun: () => {
        throw new Error(`boom ${KEY}`);
      },
    });
    const { fake, agent } = await liveFixture({ script: [] }, { plugins: [plugin] }, KEY);
    const error = await createLiveSession(agent).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ name: 'PluginError', hook: 'startRun' });
    expect(JSON.stringify(error)).not.toContain(KEY);
    expect(fake.connections).toHaveLength(0);
  });

  it('an async onEvent and onHandle that reject are logged as a throw is, never an unhandled rejection', async () => {
    const warned: string[] = [];
    const logger = {
      child: () => logger,
      debug: () => {},
      info: () => {},
      warn: (object: { err?: unknown }) => warned.push(String(object.err)),
      error: () => {},
    };
    const { agent } = await liveFixture({ script: [[{ text: 'a' }]] }, { logger });
    const session = await createLiveSession(agent, {
      onEvent: async () => {
        throw new Error('onEvent rejects');
      },
      onHandle: async () => {
        throw new Error('onHandle rejects');
      },
    });
    session.sendText('hi');
    await readUntil(session[Symbol.asyncIterator](), (event) => event.type === 'turn-end');
    await session.close();
    // text-delta and turn-end, and the handle after the setup and after the turn.
    await expect.poll(() => warned.filter((text) => text.includes('onEvent')).length).toBe(2);
    await expect.poll(() => warned.filter((text) => text.includes('onHandle')).length).toBe(2);
  });

  it('recordLiveSession passes an async onEvent on: its rejection is logged, not left unhandled', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gemloop-attack25-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const warned: string[] = [];
    const logger = {
      child: () => logger,
      debug: () => {},
      info: () => {},
      warn: (object: { err?: unknown }) => warned.push(String(object.err)),
      error: () => {},
    };
    const { agent } = await liveFixture({ script: [[{ text: 'a' }]] }, { logger });
    const session = await recordLiveSession(agent, {
      recorder: createLiveRecorder({ dir }),
      onEvent: async () => {
        throw new Error('onEvent rejects');
      },
    });
    session.sendText('hi');
    await readUntil(session[Symbol.asyncIterator](), (event) => event.type === 'turn-end');
    await session.close();
    await expect.poll(() => warned.filter((text) => text.includes('onEvent')).length).toBe(2);
  });

  it("a plugin's endRun that throws is logged; close() still resolves", async () => {
    const warned: unknown[] = [];
    const logger = {
      child: () => logger,
      debug: () => {},
      info: () => {},
      warn: (object: unknown) => warned.push(object),
      error: () => {},
    };
    const plugin = definePlugin({
      name: 'bad-end',
      endRun: () => {
        throw new Error('boom');
      },
    });
    const { agent } = await liveFixture({ script: [] }, { plugins: [plugin], logger });
    const session = await createLiveSession(agent);
    await session.close();
    await expect(session.closed).resolves.toBeUndefined();
    expect(warned).toHaveLength(1);
  });
});

describe('a session closed while it resumes (attack25)', () => {
  /** A socket whose server accepts it and never answers the setup; it records its closes. */
  function silentSocket(closes: number[]) {
    return class SilentSocket {
      binaryType = 'blob';
      onopen: (() => void) | null = null;
      onerror: (() => void) | null = null;
      onmessage: ((event: unknown) => void) | null = null;
      onclose: ((event: { code: number; reason: string }) => void) | null = null;
      send(): void {}
      close(code: number): void {
        closes.push(code);
        queueMicrotask(() => this.onclose?.({ code, reason: '' }));
      }
    };
  }

  it('a resume connecting to a server that never answers is closed at once, not at connectTimeoutMs', async () => {
    vi.useFakeTimers();
    onTestFinished(() => {
      vi.useRealTimers();
    });
    const closes: number[] = [];
    const lifetime = new AbortController();
    const pending = openLiveConnection({
      url: 'ws://127.0.0.1:9/live',
      WebSocket: silentSocket(closes) as unknown as typeof WebSocket,
      setup: { setup: {} },
      connectTimeoutMs: 30_000,
      decode: () => undefined,
      isCurrent: () => true,
      onFrame: () => {},
      onClose: () => {},
      redact: (text) => text,
      signal: lifetime.signal,
    }).catch((thrown: unknown) => thrown);
    lifetime.abort(new Error('the live session closed'));
    const error = await pending;
    expect(error).toMatchObject({ reason: 'closed' });
    expect(closes).toEqual([1000]);
    // Its 30 s connect timer is gone with it: nothing keeps the process up after close().
    await vi.advanceTimersByTimeAsync(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("the caller's signal aborted while the server hangs on the setup: the open fails at once, typed", async () => {
    const { fake, agent } = await liveFixture({ script: [], hangOnSetup: true });
    const controller = new AbortController();
    const opening = createLiveSession(agent, {
      signal: controller.signal,
      connectTimeoutMs: 120_000,
    }).catch((thrown: unknown) => thrown);
    await expect.poll(() => fake.connections.length).toBe(1);
    controller.abort();
    const error = await opening;
    expect(LiveSessionError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'closed' });
    await expect.poll(() => fake.connections[0]?.open).toBe(false);
  });

  it('a session closed during the backoff between two resumes ends the wait at once', async () => {
    vi.useFakeTimers();
    onTestFinished(() => {
      vi.useRealTimers();
    });
    const lifetime = new AbortController();
    let attempts = 0;
    const old = {
      socket: { close: () => {} },
      closedByUs: false,
      gone: Promise.resolve(),
    } as unknown as Connection;
    const pending = resumeOnNewConnection({
      old,
      overlap: false,
      maxAttempts: 5,
      ended: () => lifetime.signal.aborted,
      signal: lifetime.signal,
      connect: async () => {
        attempts += 1;
        throw new Error('refused');
      },
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(attempts).toBe(1);
    lifetime.abort(new Error('the live session closed'));
    expect(await pending).toEqual({ type: 'ended' });
    expect(attempts).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });
});
