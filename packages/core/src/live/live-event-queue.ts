import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import type { LiveEvent } from './live-event.ts';

/**
 * The events of a live session waiting for their reader, bounded in bytes (audio is most of
 * them): a reader that stops reading while the server keeps talking makes `push` return false,
 * and the session fails with a typed error instead of growing without end. One reader at a time.
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
    const bytes = sizeOf(event, this.#maxBytes - this.#bytes);
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
    // One loop at a time: two at once would each miss the events the other took. A loop that
    // ended (a `break` at a turn's end) lets the next one read on from where it stopped: a plain
    // Error refused it before, the session's later events unread for good (attack60).
    if (this.#iterating) {
      throw new InvalidArgumentError({
        argument: 'session',
        message:
          "This live session's events are being read by another loop: they have one reader at a time. Read them in one loop, or end it (break) before the next one.",
      });
    }
    this.#iterating = true;
    try {
      yield* this.#read();
    } finally {
      this.#iterating = false;
    }
  }

  async *#read(): AsyncGenerator<LiveEvent> {
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

/** What any event costs beyond what it carries (its object, the queue's entry). */
const EVENT_OVERHEAD_BYTES = 256;

/**
 * An event's bytes, as the queue counts them: audio by its base64, text at two bytes a character,
 * and any other event at a flat size plus what it carries, walked up to `budget` (the room left).
 * A flat size alone let a server's calls, usage reports or a tool's results of megabytes each
 * queue by the hundred thousand under a bound of a few megabytes (attack60: 20 reports of 1 MB
 * waited under a bound of 100 kB).
 */
function sizeOf(event: LiveEvent, budget: number): number {
  if (event.type === 'audio') return event.data.length + 64;
  if ('text' in event) return event.text.length * 2 + 64;
  return EVENT_OVERHEAD_BYTES + carriedBytes(event, budget - EVENT_OVERHEAD_BYTES);
}

/**
 * The bytes `value` holds (strings at two a character, eight a number, key or entry), counted
 * until past `budget` (so its cost is bounded by the room left, not by the value: a cycle or a
 * tree 100,000 deep ends there too). Walked with a stack, never recursion. A getter or a proxy
 * trap that throws counts as what was walked so far: the event is still the session's.
 */
function carriedBytes(value: unknown, budget: number): number {
  let total = 0;
  const stack: unknown[] = [value];
  try {
    while (stack.length > 0 && total <= budget) {
      const item = stack.pop();
      if (typeof item === 'string') total += item.length * 2;
      else if (typeof item !== 'object' || item === null) total += 8;
      else if (Array.isArray(item)) {
        total += 8 + item.length * 8;
        for (let index = 0; index < item.length && total <= budget; index += 1)
          stack.push(item[index]);
      } else {
        for (const key of Object.keys(item)) {
          total += 8 + key.length * 2;
          if (total > budget) break;
          stack.push((item as Record<string, unknown>)[key]);
        }
      }
    }
  } catch {
    // Counted as far as it could be read.
  }
  return total;
}
