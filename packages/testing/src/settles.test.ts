import { describe, expect, it, vi } from 'vitest';
import { settles } from './settles.ts';

describe('settles', () => {
  it('gives back what the promise gives, and leaves no timer behind', async () => {
    vi.useFakeTimers();
    try {
      await expect(settles(Promise.resolve(7), 'the answer')).resolves.toBe(7);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it("rejects with the promise's own error", async () => {
    await expect(settles(Promise.reject(new Error('ENOENT')), 'the add')).rejects.toThrow('ENOENT');
  });

  it('names what never settled once the guard passes', async () => {
    vi.useFakeTimers();
    try {
      const pending = settles(new Promise<never>(() => {}), 'the flush', 50);
      const outcome = expect(pending).rejects.toThrow('the flush never settled');
      await vi.advanceTimersByTimeAsync(50);
      await outcome;
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
