import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { onAbort } from './on-abort.ts';

describe('onAbort', () => {
  it('calls every waiter once through one listener, and drops it when the last one leaves', () => {
    const controller = new AbortController();
    const signal = controller.signal;
    const listening = (): number => getEventListeners(signal, 'abort').length;
    const calls: number[] = [];
    const stops = Array.from({ length: 50 }, (_, index) =>
      onAbort(signal, () => calls.push(index)),
    );
    expect(listening()).toBe(1);
    for (const stop of stops.slice(0, 49)) stop();
    expect(listening()).toBe(1);
    stops[49]?.();
    expect(listening()).toBe(0);
    // A stop called twice does nothing more.
    stops[49]?.();
    expect(listening()).toBe(0);

    const again = onAbort(signal, () => calls.push(100));
    onAbort(signal, () => calls.push(101));
    again();
    controller.abort();
    expect(calls).toEqual([101]);
    expect(listening()).toBe(0);
  });

  it('lets no Node MaxListenersExceededWarning out for many waiters on one signal', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(warning);
    };
    process.on('warning', onWarning);
    try {
      const controller = new AbortController();
      const stops = Array.from({ length: 64 }, () => onAbort(controller.signal, () => {}));
      // Node emits the warning on the next tick.
      await new Promise((resolve) => setTimeout(resolve, 10));
      for (const stop of stops) stop();
      expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning')).toEqual(
        [],
      );
    } finally {
      process.off('warning', onWarning);
    }
  });
});
