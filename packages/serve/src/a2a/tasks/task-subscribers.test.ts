import { getMaxListeners } from 'node:events';
import { ServerCallContext } from '@a2a-js/sdk/server';
import { afterEach, describe, expect, it } from 'vitest';
import { ownerUser } from '../json-rpc/json-rpc-reply.ts';
import { TaskSubscribers } from './task-subscribers.ts';

const alice = new ServerCallContext({ user: ownerUser('alice') });
const bob = new ServerCallContext({ user: ownerUser('bob') });

/** A resubscription's events that stay open (one event, then they wait until returned). */
async function* openEvents(): AsyncGenerator<string, void, undefined> {
  yield 'task';
  await new Promise(() => {});
}

const warnings: Error[] = [];
const onWarning = (warning: Error) => warnings.push(warning);
afterEach(() => {
  process.off('warning', onWarning);
  warnings.length = 0;
});

describe('TaskSubscribers', () => {
  it("holds at most max resubscribers of a task's bus, per caller; one that ends makes room", async () => {
    const buses = new TaskSubscribers(2);
    buses.createOrGetByTaskId('t1', alice);
    buses.createOrGetByTaskId('t1', bob);
    const open = [buses.counted('t1', alice, openEvents), buses.counted('t1', alice, openEvents)];
    for (const events of open) expect((await events.next()).value).toBe('task');
    const third = buses.counted('t1', alice, openEvents);
    await expect(third.next()).rejects.toMatchObject({
      message: expect.stringContaining('2 subscribers'),
    });
    await expect(buses.counted('t1', alice, openEvents).next()).rejects.toThrow(
      /maxSubscribersPerTask/,
    );
    // Bob's task of the same id is another bus, and a task with no bus is not counted.
    expect((await buses.counted('t1', bob, openEvents).next()).value).toBe('task');
    expect((await buses.counted('t2', alice, openEvents).next()).value).toBe('task');
    await open[0]?.return();
    expect((await buses.counted('t1', alice, openEvents).next()).value).toBe('task');
  });

  it('lets a bus take max resubscribers and its own listeners with no MaxListenersExceededWarning', async () => {
    process.on('warning', onWarning);
    const max = 40;
    const bus = new TaskSubscribers(max).createOrGetByTaskId('t1', alice);
    // Each resubscriber's queue listens to both kinds; the door's own listeners come on top.
    for (let index = 0; index < max + 10; index++) {
      bus.on('event', () => {});
      bus.on('finished', () => {});
    }
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings.map((warning) => warning.name)).toEqual([]);
    // One more than that is past what the door allows: there Node warns again.
    expect(getMaxListeners(bus as unknown as EventTarget)).toBe(max + 10);
  });
});
