import { describe, expect, it } from 'vitest';
import type { MeasuredWorker } from '../worker/measured-worker.ts';
import type { SampleResult } from '../worker/worker-protocol.ts';
import { measurePairedBlocks, type PairedGroup, pairedRatioOf } from './paired-ratio.ts';

/**
 * A stand-in process whose legs cost `cost(leg) × base` µs a step, where `leg` counts every leg
 * any fake took so far (the machine's load as it changes); `log` records the order legs ran in.
 */
function fake(
  name: string,
  base: number,
  cost: (leg: number) => number,
  log: string[],
  failAt = Number.POSITIVE_INFINITY,
): MeasuredWorker {
  const worker = {
    name,
    status: 'ok',
    legRuns: 0,
    async leg(runs: number): Promise<SampleResult | undefined> {
      if (log.length >= failAt) {
        worker.status = 'failed';
        return undefined;
      }
      const us = base * cost(log.length);
      log.push(name);
      worker.legRuns += runs;
      const steps = runs * 5;
      return {
        type: 'sample',
        wallNs: us * 1000 * steps,
        cpuUs: (us / 2) * steps,
        steps,
        bytes: 0,
      };
    },
  };
  return worker as unknown as MeasuredWorker;
}

const group = (log: string[], cost: (leg: number) => number, failAt?: number): PairedGroup => ({
  floor: fake('floor', 100, cost, log, failAt),
  contender: fake('gemloop', 125, cost, log, failAt),
  twin: fake('twin', 100, cost, log, failAt),
});

describe('paired blocks', () => {
  it('run floor, contender, twin, then backwards, the groups alternating block by block', async () => {
    const log: string[] = [];
    const first = group(log, () => 1);
    const second: PairedGroup = {
      floor: fake('floor2', 100, () => 1, log),
      contender: fake('gemloop2', 100, () => 1, log),
      twin: fake('twin2', 100, () => 1, log),
    };
    const blocks = await measurePairedBlocks([first, second], 2, 3);
    expect(blocks.map((entry) => entry.length)).toEqual([2, 2]);
    const forward = ['floor', 'gemloop', 'twin', 'twin', 'gemloop', 'floor'];
    const forward2 = forward.map((name) => `${name}2`);
    expect(log).toEqual([...forward, ...forward2, ...forward, ...forward2]);
    expect(first.contender.legRuns).toBe(12);
  });

  it('cancel load that rises steadily over a block, which one-after-the-other legs keep', async () => {
    // The machine slows by 10 % a leg, all along: a plain floor-then-gemloop pair would read
    // 1.25 × 1.1 = 1.375; the palindrome reads the true 1.25, and the A/A control 1.00.
    const log: string[] = [];
    const [blocks] = await measurePairedBlocks([group(log, (leg) => 1 + leg * 0.1)], 5, 2);
    const ratio = pairedRatioOf('floor.http.stream', blocks!, 2);
    expect(ratio).toMatchObject({ reference: 'floor.http.stream', blocks: 5, runsPerLeg: 2 });
    expect(ratio.wall.median).toBeCloseTo(1.25, 10);
    expect(ratio.cpu.median).toBeCloseTo(1.25, 10);
    expect(ratio.controlWall.median).toBeCloseTo(1, 10);
    expect(ratio.controlCpu.p75).toBeCloseTo(1, 10);
  });

  it('keep the blocks finished before a process failed, and stop that group', async () => {
    const log: string[] = [];
    const [blocks] = await measurePairedBlocks([group(log, () => 1, 8)], 4, 1);
    // The second block stopped at its third leg: only the first counts.
    expect(blocks).toHaveLength(1);
    expect(log).toHaveLength(8);
  });
});
