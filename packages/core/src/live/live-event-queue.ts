import type { LiveEvent } from './live-event.ts';

/**
 * The events of a live session waiting for their reader, bounded in bytes (audio is most of
 * them): a reader that stops reading while the server keeps talking makes `push` return false,
 * and the session fails with a typed error instead of growing without end. One reader.
 * @internal
 */
export class LiveEventQueue implements AsyncIterable<LiveEvent> {
  readonly #items: { event: LiveEvent; bytes: number }[] = [];
  #head = 0;
  #bytes = 0;
  #wake: (() => void) | undefined;
  #error: unknown;
  #ended = false;
  #iterating = false;
  readonly #maxBytes: number;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /** Queues an event; false when the queue is over its limit (the event is not queued). */
  push(event: LiveEvent): boolean {
    if (this.#ended) return true;
    const bytes = sizeOf(event);
    if (this.#bytes + bytes > this.#maxBytes) return false;
    this.#items.push({ event, bytes });
    this.#bytes += bytes;
    this.#notify();
    return true;
  }

  /** Ends the events: the reader gets what is queued, then `error` is thrown (or the end). */
  end(error?: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#error = error;
    this.#notify();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<LiveEvent> {
    if (this.#iterating) throw new Error('a live session has one reader: iterate it once');
    this.#iterating = true;
    while (true) {
      if (this.#head < this.#items.length) {
        const item = this.#items[this.#head] as { event: LiveEvent; bytes: number };
        this.#head += 1;
        this.#bytes -= item.bytes;
        // Compact now and then, so a long session's array does not keep what was read.
        if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
          this.#items.splice(0, this.#head);
          this.#head = 0;
        }
        yield item.event;
        continue;
      }
      if (this.#ended) {
        if (this.#error !== undefined) throw this.#error;
        return;
      }
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }
}

function sizeOf(event: LiveEvent): number {
  if (event.type === 'audio') return event.data.length + 64;
  if ('text' in event) return event.text.length * 2 + 64;
  return 256;
}
