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
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (signal.aborted) return { text: undefined, failure: 'timed-out' };
      if (done) break;
      bytes += value.byteLength;
      if (bytes > maxBytes) {
        cancel();
        return { text: undefined, failure: 'too-large' };
      }
      text += decoder.decode(value, { stream: true });
    }
  } catch (error) {
    // A body aborted by the fetch implementation itself (undici errors the stream on abort).
    if (signal.aborted) return { text: undefined, failure: 'timed-out' };
    throw error;
  } finally {
    signal.removeEventListener('abort', cancel);
  }
  return { text: text + decoder.decode(), failure: undefined };
}
