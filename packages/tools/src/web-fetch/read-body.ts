import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { WebFetchError } from './web-fetch-error.ts';

/** A body read up to a byte limit. @internal */
export type ReadBodyResult = {
  bytes: Buffer;
  /** The body was longer than the limit; reading stopped there and the connection was closed. */
  truncated: boolean;
};

/**
 * Reads a response body, decompressing gzip, deflate or br, and stops at `maxBytes` of
 * decompressed data: the rest is never read (the socket is destroyed), so a huge or endless body,
 * or a decompression bomb, costs at most `maxBytes` of memory.
 *
 * @throws {@link WebFetchError} `network` for an unknown encoding or a corrupt or cut body; the
 * signal's reason on abort.
 * @internal
 */
export async function readBody({
  response,
  url,
  maxBytes,
  signal,
}: {
  response: IncomingMessage;
  url: string;
  maxBytes: number;
  signal: AbortSignal;
}): Promise<ReadBodyResult> {
  const source = decode(response, url);
  const chunks: Buffer[] = [];
  let joined = 0;
  let size = 0;
  let truncated = false;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      const room = maxBytes - size;
      // A body of exactly maxBytes is whole: only a byte beyond the limit proves it was cut.
      if (chunk.length > room) {
        chunks.push(chunk.subarray(0, room));
        size += room;
        truncated = true;
        break;
      }
      size += chunk.length;
      // A page sent a byte at a time is a Buffer (and its memory) per socket read: every 4,096
      // chunks in a row are joined as they come, so a 2 MB page holds ~500 pieces, not 2 million
      // (core's readReaderBytes does the same for model answers; bench/RESULTS.md, attack19).
      if (chunks.push(chunk) - joined > 4095)
        joined = chunks.push(Buffer.concat(chunks.splice(joined)));
    }
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    throw new WebFetchError({
      reason: 'network',
      url,
      message: `The response from ${url} broke off or is corrupt (${(error as Error).message}). Try again later.`,
      cause: error,
    });
  } finally {
    source.destroy();
    response.destroy();
  }
  return { bytes: Buffer.concat(chunks, size), truncated };
}

function decode(response: IncomingMessage, url: string): Readable {
  const encoding = (response.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  let decoder: Readable | undefined;
  switch (encoding) {
    case '':
    case 'identity':
      return response;
    case 'gzip':
    case 'x-gzip':
      decoder = createGunzip();
      break;
    case 'deflate':
      decoder = createInflate();
      break;
    case 'br':
      decoder = createBrotliDecompress();
      break;
    default:
      response.destroy();
      throw new WebFetchError({
        reason: 'network',
        url,
        message: `The server sent the page with content-encoding "${encoding.slice(0, 40)}", which is not supported (gzip, deflate, br are).`,
      });
  }
  response.on('error', (error) => decoder.destroy(error));
  return response.pipe(decoder as NodeJS.WritableStream & Readable) as Readable;
}
