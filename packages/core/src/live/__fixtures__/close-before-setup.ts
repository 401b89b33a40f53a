import { openLiveConnection } from '../session/live-connection.ts';

/**
 * What `openLiveConnection` rejects with when a gateway in front of the Live API closes the
 * socket before the setup is answered (the fake never does), with `close`'s code and reason.
 */
export function closeBeforeSetup(
  close: { code: number; reason: string },
  options: { url: string; redact: (text: string) => string },
): Promise<unknown> {
  class RefusingSocket {
    binaryType = 'blob';
    onopen: (() => void) | null = null;
    onerror: (() => void) | null = null;
    onmessage: ((event: unknown) => void) | null = null;
    onclose: ((event: { code: number; reason: string }) => void) | null = null;
    constructor() {
      setTimeout(() => this.onclose?.(close), 1);
    }
    send(): void {}
    close(): void {}
  }
  return openLiveConnection({
    url: options.url,
    WebSocket: RefusingSocket as unknown as typeof WebSocket,
    setup: { setup: {} },
    connectTimeoutMs: 10_000,
    decode: () => undefined,
    isCurrent: () => true,
    onFrame: () => {},
    onClose: () => {},
    redact: options.redact,
  }).catch((thrown: unknown) => thrown);
}
