/**
 * The most bytes of an event stream a door holds for a client that does not read them: past it,
 * the client is cut off and its run aborted. gemloop's `agent.stream()` does not wait for its
 * reader (its events queue up until read), so a door that waited for a stalled client would only
 * move the answer into the agent's queue: a Gemini stream may be 128 MB (`maxStreamBytes`) a
 * step, and a client that stopped reading had the door hold all of it (16.7 MB of 16.7 MB read
 * from Gemini while the client read nothing; 8.2 MB with this cap). 8 MiB is thousands of text
 * deltas' frames: a reader that is merely slow never gets near it. @internal
 */
export const MAX_UNREAD_EVENT_BYTES: number = 8 * 1024 * 1024;

/** An event stream's queue, measured in bytes, so `desiredSize < 0` means past the cap. @internal */
export const unreadBytesStrategy: QueuingStrategy<Uint8Array> = {
  highWaterMark: MAX_UNREAD_EVENT_BYTES,
  size: (chunk) => chunk.byteLength,
};

/**
 * Whether the stream's client left more than {@link MAX_UNREAD_EVENT_BYTES} unread (the stream
 * made with {@link unreadBytesStrategy}); if so the stream is errored (the node adapter then
 * drops the connection rather than end it as if the answer were whole) and the caller aborts
 * its run. @internal
 */
export function cutOffStalledReader(
  controller: ReadableStreamDefaultController<Uint8Array>,
): boolean {
  if ((controller.desiredSize ?? 0) >= 0) return false;
  controller.error(
    new RangeError(
      `The client left over ${MAX_UNREAD_EVENT_BYTES} bytes of the event stream unread: cut off.`,
    ),
  );
  return true;
}
