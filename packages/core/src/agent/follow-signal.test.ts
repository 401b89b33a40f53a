import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { followSignal } from './follow-signal.ts';

describe('followSignal', () => {
  it('aborts the follower with the reason, at once when the signal has already aborted', () => {
    const source = new AbortController();
    const follower = new AbortController();
    followSignal(source.signal, follower);
    source.abort('stop');
    expect(follower.signal.reason).toBe('stop');
    const late = new AbortController();
    followSignal(AbortSignal.abort('done'), late);
    expect(late.signal.reason).toBe('done');
  });

  it('stops following when told, so a long-lived signal does not abort finished work', () => {
    const source = new AbortController();
    const follower = new AbortController();
    const unfollow = followSignal(source.signal, follower);
    unfollow();
    source.abort();
    expect(follower.signal.aborted).toBe(false);
    expect(() => followSignal(undefined, follower)()).not.toThrow();
  });

  it('follows one signal many times through one listener (runs sharing a shutdown signal)', () => {
    const source = new AbortController();
    const followers = Array.from({ length: 20 }, () => new AbortController());
    const unfollows = followers.map((follower) => followSignal(source.signal, follower));
    expect(getEventListeners(source.signal, 'abort')).toHaveLength(1);
    unfollows[0]?.();
    source.abort('shutdown');
    expect(followers.map((follower) => follower.signal.reason)).toEqual([
      undefined,
      ...followers.slice(1).map(() => 'shutdown'),
    ]);
  });
});
