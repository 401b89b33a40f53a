import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LiveSessionError } from '../live-session-error.ts';
import type { Connection } from './live-connection.ts';
import { dropError, resumeOnNewConnection } from './live-resume.ts';

/** A connection whose socket records its closes and is gone as soon as it is closed. */
function connection(name: string, log: string[]): Connection {
  let markGone: () => void = () => {};
  const gone = new Promise<void>((resolve) => {
    markGone = resolve;
  });
  return {
    socket: {
      close: (code: number) => {
        log.push(`close ${name} ${code}`);
        markGone();
      },
    } as unknown as WebSocket,
    sent: [],
    sentBytes: 0,
    nextIndex: 0,
    ready: true,
    closedByUs: false,
    takenBefore: 0,
    readyAt: 0,
    heard: false,
    resumed: false,
    gone,
    markGone,
    early: undefined,
  };
}

const refusal = (closeCode: number) =>
  new LiveSessionError({ reason: 'connect-failed', closeCode, message: `refused ${closeCode}` });

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('resumeOnNewConnection', () => {
  it('closes the old connection first, then opens the new one (the server refuses a resume beside it)', async () => {
    const log: string[] = [];
    const old = connection('old', log);
    const next = connection('next', log);
    const resumed = await resumeOnNewConnection({
      old,
      overlap: false,
      maxAttempts: 3,
      ended: () => false,
      connect: async () => {
        log.push('connect');
        return next;
      },
    });
    expect(resumed).toEqual({ type: 'resumed', next, attempt: 1 });
    expect(log[0]).toBe('close old 1000');
    expect(log[1]).toBe('connect');
    expect(old.closedByUs).toBe(true);
  });

  it('with overlap, opens the new one before closing the old one', async () => {
    const log: string[] = [];
    const old = connection('old', log);
    const next = connection('next', log);
    const resumed = await resumeOnNewConnection({
      old,
      overlap: true,
      maxAttempts: 3,
      ended: () => false,
      connect: async () => {
        log.push('connect');
        return next;
      },
    });
    expect(resumed.type).toBe('resumed');
    expect(log).toEqual(['connect', 'close old 1000']);
  });

  it('falls back at once to closing the old socket when the overlap is refused, even with one attempt', async () => {
    const log: string[] = [];
    const old = connection('old', log);
    const next = connection('next', log);
    let calls = 0;
    const resumed = await resumeOnNewConnection({
      old,
      overlap: true,
      maxAttempts: 1,
      ended: () => false,
      connect: async () => {
        calls += 1;
        log.push(`connect ${calls}`);
        if (calls === 1) throw refusal(1011);
        return next;
      },
    });
    // The refused overlap is no failed resume: overlapReconnect's documented fallback ("the old
    // socket is closed and the resume tried again") must happen with maxReconnectAttempts: 1.
    expect(resumed).toMatchObject({ type: 'resumed', next });
    // (The old socket is closed again once resumed: a no-op on a closed WebSocket.)
    expect(log.slice(0, 3)).toEqual(['connect 1', 'close old 1000', 'connect 2']);
  });

  it('backs off 250 ms, 500 ms, 1 s between failed attempts, then fails with the last error', async () => {
    const log: string[] = [];
    const old = connection('old', log);
    const errors = [new Error('one'), new Error('two'), new Error('three')];
    const started: number[] = [];
    const start = Date.now();
    const pending = resumeOnNewConnection({
      old,
      overlap: false,
      maxAttempts: 3,
      ended: () => false,
      connect: async () => {
        started.push(Date.now() - start);
        throw errors[started.length - 1];
      },
    });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await pending).toEqual({ type: 'failed', error: errors[2] });
    expect(started).toEqual([0, 250, 750]);
  });

  it('stops at once on a close code not worth retrying (1008: the key)', async () => {
    const log: string[] = [];
    let calls = 0;
    const error = refusal(1008);
    const resumed = await resumeOnNewConnection({
      old: connection('old', log),
      overlap: false,
      maxAttempts: 5,
      ended: () => false,
      connect: async () => {
        calls += 1;
        throw error;
      },
    });
    expect(resumed).toEqual({ type: 'failed', error });
    expect(calls).toBe(1);
  });

  it('closes a connection that opened after the session ended, and says ended', async () => {
    const log: string[] = [];
    let ended = false;
    const next = connection('next', log);
    const resumed = await resumeOnNewConnection({
      old: connection('old', log),
      overlap: false,
      maxAttempts: 3,
      ended: () => ended,
      connect: async () => {
        ended = true;
        return next;
      },
    });
    expect(resumed).toEqual({ type: 'ended' });
    expect(next.closedByUs).toBe(true);
    expect(log).toContain('close next 1000');
  });

  it('tries nothing for a session that already ended', async () => {
    let calls = 0;
    const resumed = await resumeOnNewConnection({
      old: connection('old', []),
      overlap: false,
      maxAttempts: 3,
      ended: () => true,
      connect: async () => {
        calls += 1;
        return connection('next', []);
      },
    });
    expect(resumed).toEqual({ type: 'ended' });
    expect(calls).toBe(0);
  });
});

describe('dropError', () => {
  it('resumes after a close code worth retrying when there is a handle', () => {
    for (const code of [1000, 1001, 1005, 1006, 1011, 1012, 1013, 1014]) {
      expect(dropError(code, '', true)).toBeUndefined();
    }
  });

  it('ends the session on another close code, with the code and reason', () => {
    const error = dropError(1008, 'API key not valid', true);
    expect(error).toMatchObject({
      reason: 'closed-by-server',
      closeCode: 1008,
      closeReason: 'API key not valid',
    });
    expect(error?.message).toBe('The Live API closed the session (1008: API key not valid).');
    expect(dropError(4000, '', true)?.message).toBe('The Live API closed the session (4000).');
  });

  it('ends the session when no resumable handle came yet', () => {
    expect(dropError(1006, '', false)).toMatchObject({
      reason: 'no-resumption-handle',
      closeCode: 1006,
    });
  });
});
