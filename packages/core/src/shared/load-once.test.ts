import { describe, expect, it } from 'vitest';
import { LoadOnce } from './load-once.ts';

describe('LoadOnce', () => {
  it('loads once, shares the load in flight, and keeps the value for synchronous use', async () => {
    let loads = 0;
    const once = new LoadOnce(async () => {
      loads++;
      return { name: 'module' };
    });
    expect(once.value).toBeUndefined();
    const [first, second] = await Promise.all([once.load(), once.load()]);
    expect(first).toBe(second);
    expect(once.value).toBe(first);
    expect(await once.load()).toBe(first);
    expect(loads).toBe(1);
  });

  it('forgets a failed load, so the next use tries again', async () => {
    let loads = 0;
    const once = new LoadOnce(async () => {
      loads++;
      if (loads === 1) throw new Error('Cannot find module');
      return 'loaded';
    });
    await expect(once.load()).rejects.toThrow('Cannot find module');
    expect(once.value).toBeUndefined();
    expect(await once.load()).toBe('loaded');
    expect(once.value).toBe('loaded');
    expect(loads).toBe(2);
  });
});
