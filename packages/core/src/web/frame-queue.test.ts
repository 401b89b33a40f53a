import { describe, expect, it } from 'vitest';
import { createFrameQueue } from './frame-queue.ts';

describe('createFrameQueue', () => {
  it('hands items out first in first out across its compactions, counting their bytes', () => {
    const queue = createFrameQueue<number>(() => 2);
    const out: number[] = [];
    // Interleaved, so that the read front passes 1,024 with items still behind it.
    for (let item = 0; item < 5000; item++) {
      queue.push(item);
      if (item % 3 === 2) out.push(queue.shift() as number, queue.shift() as number);
    }
    expect(queue.first()).toBe(out.length);
    expect([...queue.values()]).toEqual(
      Array.from({ length: 5000 - out.length }, (_, index) => out.length + index),
    );
    expect(queue.size).toBe(5000 - out.length);
    expect(queue.bytes).toBe(queue.size * 2);
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) out.push(item);
    expect(out).toEqual(Array.from({ length: 5000 }, (_, index) => index));
    expect([queue.size, queue.bytes, queue.first(), queue.shift()]).toEqual([
      0,
      0,
      undefined,
      undefined,
    ]);
  });

  it('clear empties it', () => {
    const queue = createFrameQueue<Uint8Array>((bytes) => bytes.byteLength);
    queue.push(new Uint8Array(3));
    queue.clear();
    expect([queue.size, queue.bytes, queue.shift()]).toEqual([0, 0, undefined]);
  });
});
