import { describe, expect, it } from 'vitest';
import { CallSlots, maxWaitingCalls } from './call-slots.ts';

/** Lets every queued promise callback run (no timers: the slots never wait on a clock). */
async function settle(): Promise<void> {
  for (let index = 0; index < 10; index++) await Promise.resolve();
}

describe('CallSlots', () => {
  it('gives at most `size` slots at once and the next one to the first waiter on release', async () => {
    const slots = new CallSlots(2);
    const signal = new AbortController().signal;
    const taken: string[] = [];
    const take = (name: string) =>
      slots.acquire(signal).then((granted) => {
        if (granted) taken.push(name);
        return granted;
      });
    const all = ['a', 'b', 'c', 'd'].map(take);
    await settle();
    expect(taken).toEqual(['a', 'b']);
    slots.release();
    await settle();
    expect(taken).toEqual(['a', 'b', 'c']);
    slots.release();
    slots.release();
    await settle();
    expect(taken).toEqual(['a', 'b', 'c', 'd']);
    expect(await Promise.all(all)).toEqual([true, true, true, true]);
  });

  it('hands a released slot to the waiter, not to a call that comes in the same tick', async () => {
    const slots = new CallSlots(1);
    const signal = new AbortController().signal;
    const order: string[] = [];
    await slots.acquire(signal);
    const waiter = slots.acquire(signal).then(() => order.push('waiter'));
    await settle();
    slots.release();
    // A call arriving right after the release must queue behind the one that waited.
    const latecomer = slots.acquire(signal).then(() => order.push('latecomer'));
    await settle();
    expect(order).toEqual(['waiter']);
    slots.release();
    await Promise.all([waiter, latecomer]);
    expect(order).toEqual(['waiter', 'latecomer']);
  });

  it('answers false for an aborted signal, at once or while waiting, and takes no slot', async () => {
    const slots = new CallSlots(1);
    const aborted = AbortSignal.abort();
    expect(await slots.acquire(aborted)).toBe(false);
    const holder = new AbortController();
    expect(await slots.acquire(holder.signal)).toBe(true);
    const waiting = new AbortController();
    const pending = slots.acquire(waiting.signal);
    waiting.abort();
    expect(await pending).toBe(false);
    // The aborted waiter left no trace: the next release frees the slot for a new call.
    slots.release();
    expect(await slots.acquire(new AbortController().signal)).toBe(true);
  });

  it('passes a slot on to the next waiter when the one woken is aborted in the same tick', async () => {
    const slots = new CallSlots(1);
    await slots.acquire(new AbortController().signal);
    const first = new AbortController();
    // As the tool runner does: a call that got a slot releases it when it is done.
    const firstDone = slots.acquire(first.signal).then((granted) => {
      if (granted) slots.release();
      return granted;
    });
    const second = slots.acquire(new AbortController().signal);
    await settle();
    slots.release();
    first.abort();
    // Whoever got the slot, the other call must not wait forever with a free slot.
    const outcomes = await Promise.race([
      Promise.all([firstDone, second]),
      settle().then(() => 'stuck' as const),
    ]);
    expect(outcomes).not.toBe('stuck');
  });

  it('keeps a thousand waiters in order without a listener leak warning', async () => {
    const slots = new CallSlots(1);
    const controller = new AbortController();
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      await slots.acquire(controller.signal);
      const order: number[] = [];
      const waiters = Array.from({ length: 1000 }, (_, index) =>
        slots.acquire(new AbortController().signal).then(() => {
          order.push(index);
          slots.release();
        }),
      );
      slots.release();
      await Promise.all(waiters);
      expect(order).toEqual(Array.from({ length: 1000 }, (_, index) => index));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).toEqual([]);
  });

  it('is full once maxWaiting calls wait, and not once one got its slot (attack60)', async () => {
    const slots = new CallSlots(1, 2);
    const signal = new AbortController().signal;
    void slots.acquire(signal);
    expect(slots.full()).toBe(false);
    void slots.acquire(signal);
    void slots.acquire(signal);
    expect(slots.full()).toBe(true);
    slots.release();
    await settle();
    expect(slots.full()).toBe(false);
    expect(maxWaitingCalls(100_000)).toBe(48);
    expect(maxWaitingCalls(1)).toBe(1);
  });
});
