import { describe, expect, it } from 'vitest';
import { firstIdlessKey } from './live-tool-runner.ts';

const pending = (id: string) => ({ id, name: 'long_report', args: {}, idless: true });

describe('firstIdlessKey (where a session process counts its id-less calls from)', () => {
  it('is 0 for a new session', () => {
    expect(firstIdlessKey({ idlessKeyStart: undefined, pendingCalls: undefined })).toBe(0);
  });

  it('is past every held key, and past idlessKeyStart, whichever is higher', () => {
    const held = [pending('live-call-5'), pending('live-call-2')];
    expect(firstIdlessKey({ idlessKeyStart: undefined, pendingCalls: held })).toBe(6);
    expect(firstIdlessKey({ idlessKeyStart: 3, pendingCalls: held })).toBe(6);
    expect(firstIdlessKey({ idlessKeyStart: 9, pendingCalls: held })).toBe(9);
  });

  it('skips a server id shaped like a key too, and reads no other shape as one', () => {
    // A server's own `live-call-4`: a new id-less call keyed so would be a duplicate while it runs.
    const server = { id: 'live-call-4', name: 'long_report', args: {} };
    expect(firstIdlessKey({ idlessKeyStart: undefined, pendingCalls: [server] })).toBe(5);
    const others = [
      pending('r1'),
      pending('live-call-'),
      pending('live-call-1x'),
      pending(' live-call-8'),
      // 16 digits: past a safe integer, not a key this code gives out.
      pending(`live-call-${'9'.repeat(16)}`),
    ];
    expect(firstIdlessKey({ idlessKeyStart: undefined, pendingCalls: others })).toBe(0);
  });
});
