import { createServer, type Socket } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { definePlugin } from '../agent/plugins/define-plugin.ts';
import { createGemini } from '../http/create-gemini.ts';
import { liveFixture } from './__fixtures__/live-fixture.ts';
import { createLiveSession } from './create-live-session.ts';
import { LiveSessionError } from './live-session-error.ts';

// misc64 (attack68a's leftover): a session whose signal is aborted during its setup fails with
// ONE reason, `closed`, whatever point of the setup the abort reaches, and carries the abort's
// reason as its cause (before: no cause at any point; and, before cde791b9f, `connect-failed`
// in some tries when the socket fired its close inside close()). Each point is reached by an
// event (a plugin's start, the server's accept, the setup received), never by a delay.

/** What `promise` rejected with (it must reject). */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

/** The one error an abort during the setup gives: `closed`, the signal's reason as its cause. */
function expectAbortedSetup(error: unknown, reason: unknown): void {
  expect(LiveSessionError.isInstance(error)).toBe(true);
  expect(error).toMatchObject({ reason: 'closed' });
  expect((error as Error).cause).toBe(reason);
}

/** A TCP server that accepts and never answers the WebSocket upgrade: the socket stays CONNECTING. */
async function silentServer(): Promise<{ url: string; accepted: Promise<void> }> {
  const sockets: Socket[] = [];
  let onAccept!: () => void;
  const accepted = new Promise<void>((resolve) => {
    onAccept = resolve;
  });
  const server = createServer((socket) => {
    sockets.push(socket);
    onAccept();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  const address = server.address() as { port: number };
  return { url: `http://127.0.0.1:${address.port}`, accepted };
}

describe("a Live session's signal aborted during its setup: one reason, the abort's reason as cause", () => {
  it('aborted before createLiveSession is called', async () => {
    const { fake, agent } = await liveFixture({ script: [] });
    const reason = new Error('caller gave up (before)');
    const controller = new AbortController();
    controller.abort(reason);
    const error = await rejection(createLiveSession(agent, { signal: controller.signal }));
    expectAbortedSetup(error, reason);
    expect(fake.connections).toEqual([]);
  });

  it("aborted in createLiveSession's first await (the schema loads), before the session exists", async () => {
    const { fake, agent } = await liveFixture({ script: [] });
    const reason = new Error('caller gave up (loading)');
    const controller = new AbortController();
    const opening = rejection(createLiveSession(agent, { signal: controller.signal }));
    controller.abort(reason);
    expectAbortedSetup(await opening, reason);
    expect(fake.connections).toEqual([]);
  });

  it("aborted while a plugin's startRun runs", async () => {
    const reason = new Error('caller gave up (plugin)');
    const controller = new AbortController();
    let started!: () => void;
    const starting = new Promise<void>((resolve) => {
      started = resolve;
    });
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const plugin = definePlugin({
      name: 'slow-start',
      startRun: async () => {
        started();
        await held;
        return {};
      },
    });
    const { fake, agent } = await liveFixture({ script: [] }, { plugins: [plugin] });
    const opening = rejection(createLiveSession(agent, { signal: controller.signal }));
    await starting;
    controller.abort(reason);
    release();
    expectAbortedSetup(await opening, reason);
    expect(fake.connections).toEqual([]);
  });

  it('aborted while the socket connects (the server accepted, never answered the upgrade)', async () => {
    const server = await silentServer();
    const gemini = createGemini({ apiKey: 'test-key', baseUrl: server.url, retry: false });
    const agent = createAgent({ gemini, model: 'gemini-live-test' });
    const reason = new Error('caller gave up (connecting)');
    const controller = new AbortController();
    const opening = rejection(
      createLiveSession(agent, { signal: controller.signal, connectTimeoutMs: 120_000 }),
    );
    await server.accepted;
    controller.abort(reason);
    expectAbortedSetup(await opening, reason);
  });

  it('aborted after the socket opened and the setup was sent, before setupComplete', async () => {
    const { fake, agent } = await liveFixture({ script: [], hangOnSetup: true });
    const reason = new Error('caller gave up (setup sent)');
    const controller = new AbortController();
    const opening = rejection(
      createLiveSession(agent, { signal: controller.signal, connectTimeoutMs: 120_000 }),
    );
    // The fake records the setup as it reads it: the socket is open and the setup on the wire.
    await expect.poll(() => fake.connections[0]?.setup, { timeout: 60_000 }).toBeDefined();
    controller.abort(reason);
    expectAbortedSetup(await opening, reason);
    await expect.poll(() => fake.connections[0]?.open, { timeout: 60_000 }).toBe(false);
  });

  it('an abort without a reason of its own: the AbortError the signal made is the cause', async () => {
    const { agent } = await liveFixture({ script: [], hangOnSetup: true });
    const controller = new AbortController();
    const opening = rejection(createLiveSession(agent, { signal: controller.signal }));
    controller.abort();
    const error = await opening;
    expectAbortedSetup(error, controller.signal.reason);
    expect((error as Error & { cause: Error }).cause.name).toBe('AbortError');
  });
});
