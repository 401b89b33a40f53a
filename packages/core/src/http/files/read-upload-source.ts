import type { UploadPathHandle } from '#platform/open-upload-path';
import { UploadError } from '../../errors/files-and-batches/upload-error.ts';
import { GemloopError } from '../../errors/gemloop-error.ts';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { describeName } from '../../shared/describe-name.ts';
import type { UploadSource } from './files.ts';

/** An upload source opened for reading a chunk at a time. @internal */
export type OpenedUploadSource = {
  /** The size when known (a stream without `size` has none). */
  size: number | undefined;
  /** A Blob's own type, the fallback `mimeType`. */
  type: string | undefined;
  /** The next `length` bytes (fewer only at the end; empty once done). */
  next(length: number): Promise<Uint8Array>;
  close(): Promise<void>;
};

/**
 * Opens what `files.upload` was given. Bytes are sliced without copying; a Blob is read a slice
 * at a time; a path (Node) and a stream are read a chunk at a time, so the upload never holds the
 * whole file in memory.
 * @internal
 */
export async function openUploadSource(
  source: UploadSource,
  size: number | undefined,
  method = 'files.upload',
): Promise<OpenedUploadSource> {
  if (typeof source === 'string') {
    const { openUploadPath } = await import('#platform/open-upload-path');
    return fromPath(await openUploadPath(source, method));
  }
  if (source instanceof ArrayBuffer) return fromBytes(new Uint8Array(source));
  if (source instanceof Uint8Array) return fromBytes(source);
  if (typeof Blob !== 'undefined' && source instanceof Blob) return fromBlob(source);
  if (typeof ReadableStream !== 'undefined' && source instanceof ReadableStream) {
    if (size !== undefined && (!Number.isSafeInteger(size) || size < 0)) {
      throw new InvalidArgumentError({
        argument: 'options.size',
        message: "options.size must be the stream's length in bytes (a non-negative integer).",
      });
    }
    return fromStream(source, size, method);
  }
  throw new InvalidArgumentError({
    argument: 'source',
    message: `${method} takes a file path (Node), a Blob, a Uint8Array, an ArrayBuffer or a ReadableStream of bytes.`,
  });
}

function fromBytes(bytes: Uint8Array): OpenedUploadSource {
  let position = 0;
  return {
    size: bytes.byteLength,
    type: undefined,
    next: async (length) => {
      const chunk = bytes.subarray(position, position + length);
      position += chunk.byteLength;
      return chunk;
    },
    close: async () => {},
  };
}

function fromBlob(blob: Blob): OpenedUploadSource {
  let position = 0;
  return {
    size: blob.size,
    type: blob.type === '' ? undefined : blob.type,
    next: async (length) => {
      const end = Math.min(blob.size, position + length);
      const chunk = new Uint8Array(await blob.slice(position, end).arrayBuffer());
      position = end;
      return chunk;
    },
    close: async () => {},
  };
}

function fromPath(handle: UploadPathHandle): OpenedUploadSource {
  let position = 0;
  return {
    size: handle.size,
    type: undefined,
    next: async (length) => {
      // No size (a /proc file): up to `length`, until a read gives nothing.
      const left = handle.size === undefined ? length : Math.max(0, handle.size - position);
      const into = new Uint8Array(Math.min(length, left));
      let filled = 0;
      while (filled < into.byteLength) {
        const read = await handle.read(into.subarray(filled), position + filled);
        if (read === 0) break;
        filled += read;
      }
      position += filled;
      return into.subarray(0, filled);
    },
    close: () => handle.close(),
  };
}

function fromStream(
  stream: ReadableStream<Uint8Array>,
  size: number | undefined,
  method: string,
): OpenedUploadSource {
  const reader = stream.getReader();
  let pending: Uint8Array | undefined;
  let done = false;
  return {
    size,
    type: undefined,
    async next(length) {
      const into = new Uint8Array(length);
      let filled = 0;
      while (filled < length) {
        let piece = pending;
        pending = undefined;
        if (piece === undefined) {
          if (done) break;
          const read = await reader.read();
          if (read.done) {
            done = true;
            break;
          }
          piece = toBytes(read.value, method);
        }
        const take = Math.min(piece.byteLength, length - filled);
        into.set(piece.subarray(0, take), filled);
        filled += take;
        if (take < piece.byteLength) pending = piece.subarray(take);
      }
      return into.subarray(0, filled);
    },
    async close() {
      // Not awaited: a source's cancel may never settle (attack31), and the upload has ended.
      if (!done) reader.cancel().catch(() => {});
      reader.releaseLock();
    },
  };
}

/**
 * A stream chunk as bytes: a Uint8Array as it is, another view or an ArrayBuffer without a copy.
 * Anything else (a string from a text stream, an object) is refused by name: read on as bytes, it
 * failed with "piece.subarray is not a function".
 */
function toBytes(chunk: unknown, method: string): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (ArrayBuffer.isView(chunk))
    return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  throw new InvalidArgumentError({
    argument: 'source',
    message: `${method} read a ${typeof chunk === 'string' ? 'string' : typeof chunk} from the ReadableStream; it takes a stream of bytes (Uint8Array chunks). For text, pipe it through a TextEncoderStream first.`,
  });
}

/** The source as a message names it: a path quoted (cut at 200), else its kind. @internal */
export function describeUploadSource(source: UploadSource): string {
  if (typeof source === 'string') return describeName(source);
  if (typeof ReadableStream !== 'undefined' && source instanceof ReadableStream) {
    return 'the ReadableStream';
  }
  return typeof Blob !== 'undefined' && source instanceof Blob ? 'the Blob' : 'the bytes';
}

/**
 * A source that failed to open or read (a disk's `EIO` under a path, a stream that errored part-way,
 * `EMFILE`) as an {@link UploadError} naming the method, the source and the bytes uploaded, the
 * failure kept as `cause`: raw, it told none of them. Only the failure's `code` is quoted (a
 * stream's error text is anyone's, a URL with a key included); a typed error (the caller's stream
 * of strings) and the caller's abort stay as they are. @internal
 */
export function toSourceReadError(
  error: unknown,
  read: { method: string; source: string; size: number | undefined; offset: number },
  signal: AbortSignal | undefined,
): unknown {
  if (signal?.aborted === true || GemloopError.isInstance(error)) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const shown = typeof code === 'string' && /^[A-Z][A-Z0-9_]{0,39}$/.test(code) ? ` (${code})` : '';
  return new UploadError({
    message: `${read.method}: reading ${read.source} failed${shown} after ${read.offset} bytes were uploaded; nothing was finalised. Upload it again once it reads.`,
    reason: 'read-failed',
    size: read.size ?? read.offset,
    offset: read.offset,
    cause: error,
  });
}
