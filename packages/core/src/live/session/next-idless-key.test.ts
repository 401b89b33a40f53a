import { describe, expect, it } from 'vitest';
import { idlessKey, nextIdlessKey } from './next-idless-key.ts';

describe('nextIdlessKey (where a session process counts its id-less calls from)', () => {
  it('is 0, or start, when no id is a key', () => {
    expect(nextIdlessKey([])).toBe(0);
    expect(nextIdlessKey([], 3)).toBe(3);
  });

  it('is past every key given, and past start, whichever is higher', () => {
    const held = ['live-call-5', 'live-call-2'];
    expect(nextIdlessKey(held)).toBe(6);
    expect(nextIdlessKey(held, 3)).toBe(6);
    expect(nextIdlessKey(held, 9)).toBe(9);
    // The key it gives is none of those held.
    expect(held).not.toContain(idlessKey(nextIdlessKey(held)));
  });

  it('reads no other shape as a key', () => {
    const others = [
      'r1',
      'live-call-',
      'live-call-1x',
      ' live-call-8',
      'live-call--1',
      // 16 digits: past a safe integer, not a key this code gives out.
      `live-call-${'9'.repeat(16)}`,
    ];
    expect(nextIdlessKey(others)).toBe(0);
    expect(nextIdlessKey([`live-call-${'9'.repeat(15)}`])).toBe(10 ** 15);
  });
});
