import { describe, expect, it } from 'vitest';
import type { ContenderRow, LoopScenarioResult } from './results.ts';
import { checkTargets } from './targets.ts';

// The peak-RSS target is measured against the hand-written loop on npm undici 7's request API,
// the HTTP client of gemloop's default transport (issue 53), not against the fetch floor, which
// runs Node's bundled undici; an older results file without that floor falls back to fetch's.

const MB = 1e6;

function row(name: string, streaming: boolean, maxRssMb: number): ContenderRow {
  return { name, library: 'x', streaming, status: 'ok', maxRssBytes: maxRssMb * MB };
}

function scenario(rows: ContenderRow[]): LoopScenarioResult {
  return {
    kind: 'loop',
    id: 'long-stream',
    title: 'Long streamed answer over HTTP: 20,000 chunks',
    what: '',
    concurrency: 1,
    runsPerSample: 1,
    samples: 1,
    stepsPerRun: 1,
    rows,
    serverUsPerRequest: 0,
    serverCpuUsPerRequest: 0,
  };
}

const rssCheck = (rows: ContenderRow[], id = 'long-stream') =>
  checkTargets([{ ...scenario(rows), id }]).find((check) => check.target.includes('peak RSS'));

describe('the peak RSS target', () => {
  it('takes the undici floor of the same mode, and names it', () => {
    const check = rssCheck([
      row('floor', false, 100),
      row('floor.stream', true, 130),
      row('floor.undici', false, 110),
      row('floor.undici.stream', true, 150),
      row('gemloop.run', false, 112),
      row('gemloop.stream', true, 170),
    ]);
    // 170 − 150 = 20 over the undici floor (40 over the fetch floor): the stream is the worst.
    expect(check).toMatchObject({
      goal: '≤ floor + 15 MB (the 20,000-chunk stream: floor.undici.stream)',
      measured:
        '+20.0 MB (gemloop.stream over floor.undici.stream, Long streamed answer over HTTP: 20,000 chunks)',
      result: 'MISS',
    });
    const passing = rssCheck([
      row('floor.undici', false, 110),
      row('floor.undici.stream', true, 160),
      row('gemloop.run', false, 100),
      row('gemloop.stream', true, 170),
    ]);
    expect(passing).toMatchObject({ result: 'pass' });
    expect(passing?.measured).toMatch(/^\+10.0 MB \(gemloop\.stream over floor\.undici\.stream/);
  });

  it('reports a gemloop below its floor with a minus sign', () => {
    const check = rssCheck([
      row('floor.undici', false, 120),
      row('floor.undici.stream', true, 150),
      row('gemloop.run', false, 100),
      row('gemloop.stream', true, 140),
    ]);
    expect(check?.measured).toMatch(/^−10.0 MB \(gemloop\.stream over floor\.undici\.stream/);
  });

  it('keeps the fetch floor for the other loop scenarios', () => {
    const check = rssCheck(
      [
        row('floor', false, 130),
        row('floor.stream', true, 130),
        row('floor.undici', false, 100),
        row('floor.undici.stream', true, 100),
        row('gemloop.run', false, 120),
        row('gemloop.stream', true, 125),
      ],
      'parallel-calls',
    );
    expect(check?.measured).toMatch(/^−5\.0 MB \(gemloop\.stream over floor\.stream,/);
  });

  it('falls back to the fetch floor, named, for results without the undici floor', () => {
    const check = rssCheck([
      row('floor', false, 100),
      row('floor.stream', true, 130),
      row('gemloop.run', false, 105),
      row('gemloop.stream', true, 140),
    ]);
    expect(check?.measured).toMatch(/^\+10.0 MB \(gemloop\.stream over floor\.stream,/);
  });
});
