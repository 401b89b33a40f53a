/**
 * A response body read a piece at a time: the part of a `ReadableStreamDefaultReader` the client
 * uses. `cancel` releases the connection; a pending `read` then settles.
 * @internal
 */
export type ByteReader = {
  read(): Promise<ReadableStreamReadResult<Uint8Array>>;
  cancel(reason?: unknown): Promise<void>;
};
