import { describe, expect, it } from 'vitest';
import { untilAborted } from './until-aborted.ts';

describe('untilAborted', () => {
  it('settles as the promise does and then stops listening to the signal', async () => {
    const controller = new AbortController();
    let aborted = 0;
    await expect(
      untilAborted(Promise.resolve(7), controller.signal, () => aborted++),
    ).resolves.toBe(7);
    const failure = new Error('failed');
    await expect(
      untilAborted(Promise.reject(failure), controller.signal, () => aborted++),
    ).rejects.toBe(failure);
    controller.abort();
    expect(aborted).toBe(0);
  });

  it("rejects with the signal's reason when it aborts first, after calling onAbort", async () => {
    const controller = new AbortController();
    const order: string[] = [];
    const waiting = untilAborted(new Promise<never>(() => {}), controller.signal, () =>
      order.push('onAbort'),
    );
    const reason = new Error('time limit');
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    expect(order).toEqual(['onAbort']);
  });

  it('rejects at once for an already aborted signal, calling onAbort', async () => {
    let called = false;
    const reason = new Error('gone');
    await expect(
      untilAborted(new Promise<never>(() => {}), AbortSignal.abort(reason), () => {
        called = true;
      }),
    ).rejects.toBe(reason);
    expect(called).toBe(true);
  });

  it('ignores a late settle after the abort (no unhandled rejection)', async () => {
    const controller = new AbortController();
    let reject: (error: unknown) => void = () => {};
    const late = new Promise<never>((_resolve, fail) => {
      reject = fail;
    });
    const waiting = untilAborted(late, controller.signal, () => {});
    controller.abort(new Error('first'));
    await expect(waiting).rejects.toThrow('first');
    reject(new Error('late'));
    await Promise.resolve();
  });
});
