/**
 * What one {@link ByteReader.read} gives: the shape of the web streams' `ReadableStreamReadResult`,
 * declared here so that gemloop's `.d.ts` do not name that DOM type (a Node project with
 * `lib: ["es2023"]`, no DOM, and `skipLibCheck` off has no such name; issue 28). A DOM reader's
 * result is assignable to it.
 * @internal
 */
export type ByteReadResult =
  | { done: false; value: Uint8Array }
  | { done: true; value?: Uint8Array | undefined };

/**
 * A response body read a piece at a time: the part of a `ReadableStreamDefaultReader` the client
 * uses. `cancel` releases the connection; a pending `read` then settles.
 * @internal
 */
export type ByteReader = {
  read(): Promise<ByteReadResult>;
  cancel(reason?: unknown): Promise<void>;
};
