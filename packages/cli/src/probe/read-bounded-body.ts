import { readReaderBytes } from '@gemloop/core/internal';

/** What {@link readBoundedBody} read: the whole body, or why it stopped. @internal */
export type BoundedBody =
  | { text: string; failure: undefined }
  | { text: undefined; failure: 'too-large' | 'timed-out' };

/**
 * Reads a response body as UTF-8 text, at most `maxBytes` of it, and stops when `signal` aborts
 * (the answer's time limit, which began before the request was sent). A gateway's body is hostile
 * and unbounded: `response.text()` would buffer gigabytes, and a body that drips a byte a second
 * never ends. Past either bound the body is cancelled, which closes the connection, and the
 * reason is returned, never thrown.
 *
 * Cancelling the reader settles a pending `read()` at once (WHATWG Streams, ReadableStreamCancel
 * closes the stream and resolves read requests with `done: true`), whatever the fetch
 * implementation does with the signal, so the time limit holds for an injected `fetch` too.
 * @internal
 */
export async function readBoundedBody(
  response: Response,
  { maxBytes, signal }: { maxBytes: number; signal: AbortSignal },
): Promise<BoundedBody> {
  const body = response.body;
  if (body === null) return { text: '', failure: undefined };
  const reader = body.getReader();
  const cancel = (): void => {
    reader.cancel().catch(() => {});
  };
  if (signal.aborted) cancel();
  else signal.addEventListener('abort', cancel, { once: true });
  try {
    // Joined every 4,096 chunks as they come: a gateway that drips a byte a read would
    // otherwise leave a string per byte (bench/RESULTS.md, attack19).
    const [bytes, read] = await readReaderBytes(reader, maxBytes);
    if (signal.aborted) return { text: undefined, failure: 'timed-out' };
    if (read > maxBytes) return { text: undefined, failure: 'too-large' };
    return { text: new TextDecoder().decode(bytes), failure: undefined };
  } catch (error) {
    // A body aborted by the fetch implementation itself (undici errors the stream on abort).
    if (signal.aborted) return { text: undefined, failure: 'timed-out' };
    throw error;
  } finally {
    signal.removeEventListener('abort', cancel);
  }
}
