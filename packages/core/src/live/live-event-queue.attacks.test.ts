import { describe, expect, it } from 'vitest';
import type { LiveEvent } from './live-event.ts';
import { LiveEventQueue } from './live-event-queue.ts';

// attack60: events that carry a server's or a tool's values (a call's arguments, a usage report,
// a result, a plugin's data) were counted at a flat 256 bytes, so a bound of 100 kB held 20 MB.
// Now counted by what they hold, walked no further than the room left.

const call = (args: Record<string, unknown>): LiveEvent => ({
  type: 'tool-call',
  toolCallId: 'c',
  toolName: 'echo',
  args,
  behavior: 'BLOCKING',
});

describe('LiveEventQueue counting what an event carries', () => {
  it('a call of 1 MB of arguments is refused under a 100 kB bound; a small one is taken', () => {
    const queue = new LiveEventQueue(100_000);
    expect(queue.push(call({ note: 'n'.repeat(1_000_000) }))).toBe(false);
    expect(queue.push(call({ note: 'hi' }))).toBe(true);
  });

  it('a usage report, a result and a plugin’s data count what they hold', () => {
    const big = { junk: 'j'.repeat(30_000) }; // 60 kB at two bytes a character
    const queue = new LiveEventQueue(100_000);
    expect(queue.push({ type: 'usage', usage: big as never, cost: { total: null } as never })).toBe(
      true,
    );
    expect(
      queue.push({
        type: 'tool-result',
        toolCallId: 'c',
        toolName: 'echo',
        output: big,
        scheduling: undefined,
      }),
    ).toBe(false);
    expect(queue.push({ type: 'plugin', plugin: 'p', kind: 'k', data: [big] })).toBe(false);
  });

  it('a cycle, a tree 100,000 deep and a million-entry list are counted to the bound, no further', () => {
    const cycle: Record<string, unknown> = { name: 'loop' };
    cycle['self'] = cycle;
    let deep: Record<string, unknown> = {};
    for (let depth = 0; depth < 100_000; depth += 1) deep = { deep };
    const queue = new LiveEventQueue(10_000);
    expect(queue.push({ type: 'plugin', plugin: 'p', kind: 'cycle', data: cycle })).toBe(false);
    expect(queue.push(call(deep))).toBe(false);
    expect(queue.push(call({ list: new Array(1_000_000).fill(1) }))).toBe(false);
    expect(queue.push({ type: 'interrupted' })).toBe(true);
  });

  it('a getter or a proxy that throws is counted as far as it reads: the event is still queued', async () => {
    const getter = Object.defineProperty({}, 'secret', {
      enumerable: true,
      get() {
        throw new Error('no');
      },
    });
    const proxy = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('no');
        },
      },
    );
    const queue = new LiveEventQueue(10_000);
    expect(queue.push({ type: 'plugin', plugin: 'p', kind: 'getter', data: getter })).toBe(true);
    expect(queue.push({ type: 'plugin', plugin: 'p', kind: 'proxy', data: proxy })).toBe(true);
    queue.end();
    const kinds: string[] = [];
    for await (const event of queue) if (event.type === 'plugin') kinds.push(event.kind);
    expect(kinds).toEqual(['getter', 'proxy']);
  });
});
