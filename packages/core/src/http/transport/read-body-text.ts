import { readReaderBytes } from './read-reader-text.ts';
import type { TransportResponse } from './transport.ts';

/**
 * The most of an error body read (64 KiB): its status says what failed, Google's error bodies
 * are a few KiB, and only an excerpt is ever shown. The rest is cancelled unread.
 */
export const MAX_ERROR_BODY_BYTES: number = 64 * 1024;

/** What {@link readBodyText} read. */
export type BodyText = {
  text: string;
  /** Whether the body was longer than `maxBytes` (then `text` holds its first `maxBytes`). */
  truncated: boolean;
  /** The bytes read, or the length the `Content-Length` header announced when it was too large. */
  bytes: number;
};

/**
 * Reads a response body as UTF-8 text (as `response.text()` does), at most `maxBytes` of it.
 * A longer body is cut there and the rest cancelled, so it is never buffered; a `Content-Length`
 * past the cap ends the reading before any byte with `truncated: true` when `onlyPrefix` is false.
 *
 * A body within the cap whose `Content-Length` says so is read with `response.text()` (Node's
 * fetch enforces the header, and it is the fastest path); any other is read chunk by chunk, as
 * is a compressed one (its `Content-Length` counts the compressed bytes, not what is decoded),
 * gathered by `readReaderBytes` (a piece per 4,096 chunks, however small the chunks) and decoded
 * once.
 * @internal
 */
export async function readBodyText(
  response: TransportResponse,
  { maxBytes, onlyPrefix }: { maxBytes: number; onlyPrefix: boolean },
): Promise<BodyText> {
  const length = declaredLength(response);
  if (maxBytes === Number.POSITIVE_INFINITY || length <= maxBytes) {
    const text = await response.text();
    return { text, truncated: false, bytes: Number.isFinite(length) ? length : text.length };
  }
  const reader = response.reader();
  if (!onlyPrefix && Number.isFinite(length)) {
    reader?.cancel().catch(() => {});
    return { text: '', truncated: true, bytes: length };
  }
  if (reader === undefined) {
    // A custom fetch's Response without a stream: its text is already in memory anyway.
    const text = await response.text();
    const bytes = new TextEncoder().encode(text);
    if (bytes.byteLength <= maxBytes) return { text, truncated: false, bytes: bytes.byteLength };
    return {
      text: new TextDecoder().decode(bytes.subarray(0, maxBytes)),
      truncated: true,
      bytes: bytes.byteLength,
    };
  }
  const [body, bytes] = await readReaderBytes(reader, maxBytes);
  const truncated = bytes > maxBytes;
  const text = new TextDecoder().decode(truncated ? body.subarray(0, maxBytes) : body);
  return { text, truncated, bytes };
}

/** The `Content-Length` of an uncompressed body, or `NaN` when there is none to trust. */
function declaredLength(response: TransportResponse): number {
  const encoding = response.header('content-encoding');
  if (encoding !== null && encoding.trim().toLowerCase() !== 'identity') return Number.NaN;
  const length = response.header('content-length');
  return length !== null && /^\d+$/.test(length.trim()) ? Number(length) : Number.NaN;
}
