import { describe, expect, it } from 'vitest';
import { transportFrameBound } from '../platform/node/live-web-socket.ts';
import { liveFixture } from './__fixtures__/live-fixture.ts';
import { createLiveSession } from './create-live-session.ts';
import type { LiveEvent } from './live-event.ts';
import { LiveSessionError } from './live-session-error.ts';

// leftovers33 (attack25's leftover): a hostile Live server's one huge frame. undici's WebSocket
// buffers a message whole before `onmessage` (its own cap: 128 MiB), so a 50 MB frame cost ~500 MB
// of RSS before the session's `maxFrameBytes` could refuse it. Now the session's socket is undici's
// with a dispatcher bounding a message to `transportFrameBound(maxFrameBytes)`: a larger frame is
// refused at its header, its payload never buffered. Memory is measured (the test process's
// `arrayBuffers`, where undici keeps a message's chunks), never time.
// live1009 (the lead's decision, not a loosening): that refusal used to look like a dropped
// connection (undici reports a close 1006) and the session resumed, the message lost without a
// word. Now the session ends with a typed `frame-too-large` naming the socket's bound, its value
// and `maxFrameBytes`, even with a resumable handle in hand: nothing is lost silently.

const MIB = 1024 * 1024;

describe('a Live server sending one frame far over maxFrameBytes (leftovers33)', () => {
  it('is refused at its header: the payload is never buffered, the session ends typed', async () => {
    // Built before the baseline: the fake server sends this buffer as it is (a binary frame).
    const huge = new Uint8Array(48 * MIB).fill(0x20);
    const { fake, agent } = await liveFixture({
      script: [[{ frame: huge }], [{ text: 'after' }]],
    });
    const session = await createLiveSession(agent, { maxFrameBytes: MIB });
    const before = process.memoryUsage().arrayBuffers;
    let peak = before;
    // undici reads a message in socket chunks over many turns of the event loop: a sample every
    // few milliseconds sees the chunks it holds (before: the whole 48 MiB, then its copy).
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    }, 2);
    const events: LiveEvent[] = [];
    let ended: unknown;
    try {
      session.sendText('send the big one');
      for await (const event of session) events.push(event);
    } catch (error) {
      ended = error;
    } finally {
      clearInterval(sampler);
      peak = Math.max(peak, process.memoryUsage().arrayBuffers);
      await session.close();
    }
    const grewMiB = (peak - before) / MIB;
    // Before leftovers33: the frame read whole (≥ 48 MiB held, then refused as frame-too-large).
    expect(grewMiB).toBeLessThan(transportFrameBound(MIB) / MIB + 8);
    // The socket failed the connection (a close 1009 to the server): the session ends with the
    // typed error naming the bound, its value and the option, and does not resume (it had a
    // handle: the fake sends one per turn), so the second script entry is never reached.
    expect(ended).toBeInstanceOf(LiveSessionError);
    expect(ended).toMatchObject({ reason: 'frame-too-large', limit: MIB, closeCode: 1009 });
    const message = (ended as Error).message;
    expect(message).toContain(`bound of ${transportFrameBound(MIB)} bytes`);
    expect(message).toContain('maxFrameBytes');
    expect(events.map((event) => event.type)).not.toContain('reconnect');
    expect(fake.connections).toHaveLength(1);
    await expect(session.closed).rejects.toBe(ended);
  });

  it('with no resumable handle yet, it is the same typed error, not no-resumption-handle', async () => {
    // 2 MiB: past transportFrameBound(1000) (1 MiB and 1000 bytes). Before live1009: a drop with
    // no handle, `no-resumption-handle` with a close 1006, which said nothing of the frame.
    const { fake, agent } = await liveFixture({
      resumptionUpdates: false,
      script: [[{ frame: new Uint8Array(2 * MIB).fill(0x20) }]],
    });
    const session = await createLiveSession(agent, { maxFrameBytes: 1000 });
    session.sendText('send the big one');
    const error = await session.closed.catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(LiveSessionError);
    expect(error).toMatchObject({ reason: 'frame-too-large', limit: 1000, closeCode: 1009 });
    expect((error as Error).message).toContain(`bound of ${transportFrameBound(1000)} bytes`);
    expect(fake.connections).toHaveLength(1);
  });

  it('a frame over maxFrameBytes but under the socket’s bound is still refused by name and size', async () => {
    const { agent } = await liveFixture({ script: [[{ text: 'x'.repeat(5000) }]] });
    const session = await createLiveSession(agent, { maxFrameBytes: 1000 });
    session.sendText('hi');
    const error = await session.closed.catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ reason: 'frame-too-large', limit: 1000 });
    expect(transportFrameBound(1000)).toBeGreaterThan(5000);
  });
});
