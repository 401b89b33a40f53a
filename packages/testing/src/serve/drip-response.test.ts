import { describe, expect, it, onTestFinished } from 'vitest';
import { dripResponse } from './drip-response.ts';
import { listenOnLoopback } from './listen-on-loopback.ts';

async function serve(
  bytes: number,
): Promise<{ url: string; written: () => number; closed: Promise<void> }> {
  let written = 0;
  let onClose: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    onClose = resolve;
  });
  const server = await listenOnLoopback((_request, response) => {
    response.on('close', onClose);
    response.writeHead(200, { 'content-type': 'text/plain' });
    dripResponse(response, {
      head: '<',
      filler: 'x'.repeat(64 * 1024),
      bytes,
      tail: '>',
      onWrite: (count) => {
        written += count;
      },
    });
  });
  onTestFinished(() => server.close());
  return {
    url: `${server.url}/`,
    written: () => written,
    closed,
  };
}

describe('dripResponse', () => {
  it('writes the head, the filler up to the bytes asked, then the tail', async () => {
    const { url, written } = await serve(1024 * 1024);
    const text = await (await fetch(url)).text();
    expect(text.length).toBe(1024 * 1024 + 2);
    expect(text.startsWith('<x') && text.endsWith('x>')).toBe(true);
    expect(written()).toBe(1024 * 1024);
  });

  it('stops writing an endless answer once the client hangs up', async () => {
    const { url, written, closed } = await serve(Number.POSITIVE_INFINITY);
    const response = await fetch(url);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let read = 0;
    while (read < 256 * 1024) read += ((await reader.read()).value as Uint8Array).length;
    await reader.cancel();
    await closed;
    const atClose = written();
    // The socket's buffers hold what was written but not read: a few MiB at most, never more.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(written()).toBe(atClose);
    expect(atClose).toBeLessThan(64 * 1024 * 1024);
  });
});
