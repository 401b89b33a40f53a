import { describe, expect, it } from 'vitest';
import { createCriticalPathProbe } from './critical-path-probe.ts';

describe('createCriticalPathProbe', () => {
  it("splits a sequential loop's steps into the client's part and the wait for the server", () => {
    const probe = createCriticalPathProbe();
    probe.record(true);
    // One run of two model calls (times in ms): start, write, read, read, write, read.
    probe.startRun(0);
    probe.onWrite(0.1); // run set-up: 100 us
    probe.onWrite(0.12); // the same request's body: not another step
    probe.onRead(0.5); // waited 400 us
    probe.onRead(0.55); // the rest of the response
    probe.onWrite(0.8); // client: 250 us from the last read
    probe.onRead(1.0); // waited 200 us
    const summary = probe.summary();
    expect(summary.steps).toBe(1);
    expect(summary.runStart.median).toBeCloseTo(100);
    expect(summary.client.median).toBeCloseTo(250);
    expect(summary.waiting.mean).toBeCloseTo(300);
  });

  it('counts nothing while not recording (the warm-up)', () => {
    const probe = createCriticalPathProbe();
    probe.startRun(0);
    probe.onWrite(0.1);
    probe.onRead(0.2);
    probe.onWrite(0.3);
    expect(probe.summary().steps).toBe(0);
    expect(Number.isNaN(probe.summary().client.median)).toBe(true);
  });
});
