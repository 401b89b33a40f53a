/**
 * Frames in the order they came, taken from the front: a page's unread frames, or the frames a
 * run keeps for resuming. Counts their bytes.
 * @internal
 */
export type FrameQueue<T> = {
  push(item: T): void;
  /** The oldest, taken out; `undefined` when none is left. */
  shift(): T | undefined;
  /** The oldest, left in. */
  first(): T | undefined;
  /** Each one, oldest first. */
  values(): Iterable<T>;
  readonly size: number;
  readonly bytes: number;
  clear(): void;
};

/**
 * A {@link FrameQueue} whose `shift` moves nothing: the items are read by an index, and the
 * read ones dropped in one copy once they are half the array. `Array.prototype.shift` moves every
 * element left on each call once an array is past V8's small sizes: a page that fell 100,000
 * events behind (no replay buffer bounds how far) cost the server ~13 s of its one thread to hand
 * them out, 50,000 ~4 s (attack45b).
 * @internal
 */
export function createFrameQueue<T>(bytesOf: (item: T) => number): FrameQueue<T> {
  let items: (T | undefined)[] = [];
  let head = 0;
  let bytes = 0;
  return {
    push(item) {
      items.push(item);
      bytes += bytesOf(item);
    },
    shift() {
      if (head === items.length) return undefined;
      const item = items[head] as T;
      items[head] = undefined;
      head += 1;
      bytes -= bytesOf(item);
      if (head === items.length) {
        items = [];
        head = 0;
      } else if (head >= 1024 && head * 2 >= items.length) {
        items = items.slice(head);
        head = 0;
      }
      return item;
    },
    first: () => (head === items.length ? undefined : items[head]),
    *values() {
      for (let index = head; index < items.length; index++) yield items[index] as T;
    },
    get size() {
      return items.length - head;
    },
    get bytes() {
      return bytes;
    },
    clear() {
      items = [];
      head = 0;
      bytes = 0;
    },
  };
}
