import { describe, expect, it } from 'vitest';
import { LiveSessionError } from '../live-session-error.ts';
import type { Connection } from './live-connection.ts';
import { LiveOutbox } from './live-outbox.ts';
import { FRUITLESS_MS, LiveResumptionHandle } from './live-resumption-handle.ts';

/** The fields of a connection a resume's count reads. */
function left(fields: Pick<Connection, 'resumed' | 'heard' | 'readyAt'>): Connection {
  return fields as Connection;
}

describe('LiveResumptionHandle', () => {
  it('takes a resumable update’s handle and counts it; ignores one that is not resumable', () => {
    const handle = new LiveResumptionHandle();
    expect(handle.update({ resumable: true, newHandle: 'h1' })).toBe(true);
    expect(handle.update({ resumable: false, newHandle: 'h2' })).toBe(false);
    expect(handle.update({ resumable: true, newHandle: '' })).toBe(false);
    expect(handle.update({ resumable: true, newHandle: 7 })).toBe(false);
    expect({ value: handle.value, count: handle.count }).toEqual({ value: 'h1', count: 1 });
  });

  it('ends the session at the maxAttempts-th fruitless resume in a row; a heard one resets the count', () => {
    const handle = new LiveResumptionHandle();
    const fruitless = left({ resumed: true, heard: false, readyAt: Date.now() });
    expect(handle.fruitlessError(fruitless, 2)).toBeUndefined();
    // Model output on it: not fruitless, the count starts again.
    expect(handle.fruitlessError(left({ ...fruitless, heard: true }), 2)).toBeUndefined();
    expect(handle.fruitlessError(fruitless, 2)).toBeUndefined();
    const error = handle.fruitlessError(fruitless, 2);
    expect(LiveSessionError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'reconnect-failed', limit: 2 });
    // One that lived past FRUITLESS_MS is no failed resume.
    const lived = left({ resumed: true, heard: false, readyAt: Date.now() - FRUITLESS_MS - 1 });
    expect(new LiveResumptionHandle().fruitlessError(lived, 1)).toBeUndefined();
  });

  it('makes a resume’s setup with the handle, without the history unless it is sent again', () => {
    const setup = { setup: { model: 'm', historyConfig: { initialHistoryInClientContent: true } } };
    expect(LiveResumptionHandle.setupFor(setup, undefined, false)).toEqual(setup);
    expect(LiveResumptionHandle.setupFor(setup, 'h', false)).toEqual({
      setup: { model: 'm', sessionResumption: { handle: 'h' } },
    });
    expect(LiveResumptionHandle.setupFor(setup, 'h', true)).toEqual({
      setup: { ...setup.setup, sessionResumption: { handle: 'h' } },
    });
    // A copy: the session's own setup is sent as it is on the next resume.
    expect(setup.setup).not.toHaveProperty('sessionResumption');
  });
});

describe('LiveOutbox', () => {
  it('holds messages in order up to its bound, then refuses with a buffer-full error', () => {
    const outbox = new LiveOutbox(10);
    expect(outbox.hold({ text: '12345', history: false })).toBeUndefined();
    expect(outbox.hold({ text: '678', history: false })).toBeUndefined();
    const full = outbox.hold({ text: 'abc', history: false });
    expect(full).toMatchObject({ reason: 'buffer-full', limit: 10 });
    expect(outbox.take().map((held) => held.text)).toEqual(['12345', '678']);
    // Taken: empty, and its bytes counted from nothing again.
    expect(outbox.take()).toEqual([]);
    expect(outbox.hold({ text: '0123456789', history: false })).toBeUndefined();
  });
});
