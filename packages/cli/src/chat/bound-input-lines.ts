import { Transform, type TransformCallback } from 'node:stream';

/** The longest line `gemloop chat` reads: a message is never near it, a runaway input soon is. */
export const MAX_INPUT_LINE_BYTES: number = 1024 * 1024;

/** What {@link boundInputLines}' stream fails with when a line passes its bound. */
export class InputLineTooLongError extends Error {
  /** The bound passed, in bytes. */
  readonly maxBytes: number;

  constructor(maxBytes: number) {
    super(
      `a line of input is longer than ${maxBytes} bytes (${Math.round(maxBytes / 1024)} KiB): send a message of a line, not a file or a stream without line ends.`,
    );
    this.name = 'InputLineTooLongError';
    this.maxBytes = maxBytes;
  }
}

/** {@link boundInputLines}' stream and its stop. */
export type BoundedInput = {
  /** `input`'s bytes, failing with {@link InputLineTooLongError} at a line past the bound. */
  stream: Transform;
  /** Unpipes and pauses `input`, so that a terminal's stdin no longer holds the process open. */
  stop(): void;
};

/**
 * `input` as it comes, failing with {@link InputLineTooLongError} once a line passes `maxBytes`
 * without a line end. Node's readline keeps a line until its end with no limit of its own:
 * `gemloop chat < /dev/zero` grew until memory ran out, and a 30 MB line took 311 MB (attack44d).
 * Counted in bytes as they pass, before decoding, so nothing of the line is held here.
 */
export function boundInputLines(
  input: NodeJS.ReadableStream,
  maxBytes: number = MAX_INPUT_LINE_BYTES,
): BoundedInput {
  let sinceLineEnd = 0;
  const stream = new Transform({
    transform(chunk: Buffer | string, _encoding: BufferEncoding, done: TransformCallback) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      const first = bytes.indexOf(0x0a);
      const last = first === -1 ? -1 : bytes.lastIndexOf(0x0a);
      // The line this chunk ends (begun in earlier chunks) or goes on, then the one it leaves
      // open; a line wholly inside one chunk is shorter than the chunk (64 KiB from a pipe).
      const ended = first === -1 ? 0 : sinceLineEnd + first;
      sinceLineEnd = first === -1 ? sinceLineEnd + bytes.length : bytes.length - last - 1;
      if (Math.max(ended, sinceLineEnd) > maxBytes) {
        done(new InputLineTooLongError(maxBytes));
        return;
      }
      done(null, bytes);
    },
  });
  const onError = (error: Error): void => {
    stream.destroy(error);
  };
  input.on('error', onError);
  input.pipe(stream);
  return {
    stream,
    stop() {
      input.off('error', onError);
      input.unpipe(stream);
      input.pause();
    },
  };
}
