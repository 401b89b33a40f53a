import { afterEach, describe, expect, it, vi } from 'vitest';
import { openLiveConnection } from './live-connection.ts';

// A WebSocket closed while it is still CONNECTING may fire its close event inside `close()` itself
// (it fails the connection at once). Under load that is what a real one did: the timer's or the
// caller's abort called `socket.close()` before the 101 answer was read, the close handler ran
// first and the open failed "closed the connection before setupComplete (1006)", not with the
// time limit (`limit` missing) or as `closed` (seen at load 15-20 in create-live-session's
// attacks, this session's lead). These sockets fire it synchronously, so the order is fixed.

/** A socket that never opens and whose `close()` fires `onclose` (1006) before it returns. */
function syncClosingSocket() {
  return class SyncClosingSocket {
    binaryType = 'blob';
    onopen: (() => void) | null = null;
    onerror: (() => void) | null = null;
    onmessage: ((event: unknown) => void) | null = null;
    onclose: ((event: { code: number; reason: string }) => void) | null = null;
    send(): void {}
    close(): void {
      this.onclose?.({ code: 1006, reason: '' });
    }
  };
}

const open = (signal: AbortSignal, connectTimeoutMs: number) =>
  openLiveConnection({
    url: 'ws://127.0.0.1:9/live',
    WebSocket: syncClosingSocket() as unknown as typeof WebSocket,
    setup: { setup: {} },
    connectTimeoutMs,
    decode: () => undefined,
    isCurrent: () => true,
    onFrame: () => {},
    onClose: () => {},
    redact: (text) => text,
    signal,
  }).catch((thrown: unknown) => thrown);

afterEach(() => {
  vi.useRealTimers();
});

describe('a connect ended by us while the socket still connects (its close event fires inside close())', () => {
  it('the setup time limit passing fails with the limit, not as a close by the server', async () => {
    vi.useFakeTimers();
    const pending = open(new AbortController().signal, 100);
    await vi.advanceTimersByTimeAsync(100);
    const error = await pending;
    expect(error).toMatchObject({ reason: 'connect-failed', limit: 100 });
    expect((error as Error).message).toContain('did not answer the setup within 100 ms');
  });

  it("the caller's abort fails the open as closed, not as a close by the server", async () => {
    const controller = new AbortController();
    const pending = open(controller.signal, 120_000);
    controller.abort();
    const error = await pending;
    expect(error).toMatchObject({ reason: 'closed' });
    expect((error as Error).message).toBe('The live session was closed while it connected.');
  });

  it('a signal already aborted fails the open as closed', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await open(controller.signal, 120_000);
    expect(error).toMatchObject({ reason: 'closed' });
  });
});

describe('an invalid frame before setupComplete on a socket whose close event fires inside close()', () => {
  it('fails as invalid-frame, not as a close by the server', async () => {
    let socket:
      | { onopen: (() => void) | null; onmessage: ((event: unknown) => void) | null }
      | undefined;
    const Socket = syncClosingSocket();
    const Recording = class extends Socket {
      constructor() {
        super();
        socket = this;
      }
    };
    const pending = openLiveConnection({
      url: 'ws://127.0.0.1:9/live',
      WebSocket: Recording as unknown as typeof WebSocket,
      setup: { setup: {} },
      connectTimeoutMs: 120_000,
      decode: () => undefined,
      isCurrent: () => true,
      onFrame: () => {},
      onClose: () => {},
      redact: (text) => text,
      signal: new AbortController().signal,
    }).catch((thrown: unknown) => thrown);
    socket?.onmessage?.({ data: 'not json' });
    expect(await pending).toMatchObject({ reason: 'invalid-frame' });
  });
});
