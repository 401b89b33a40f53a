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
  cost: (leg: number, previous: string | undefined, name: string) => number,
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
      const us = base * cost(log.length, log.at(-1), name);
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

type Cost = (leg: number, previous: string | undefined, name: string) => number;

const group = (log: string[], cost: Cost, failAt?: number): PairedGroup => ({
  floor: fake('floor', 100, cost, log, failAt),
  contender: fake('gemloop', 125, cost, log, failAt),
  twin: fake('twin', 100, cost, log, failAt),
});

describe('paired blocks', () => {
  it('run three processes there and back, rotating who opens, the groups alternating', async () => {
    const log: string[] = [];
    const first = group(log, () => 1);
    const second: PairedGroup = {
      floor: fake('floor2', 100, () => 1, log),
      contender: fake('gemloop2', 100, () => 1, log),
      twin: fake('twin2', 100, () => 1, log),
    };
    const blocks = await measurePairedBlocks([first, second], 3, 3);
    expect(blocks.map((entry) => entry.length)).toEqual([3, 3]);
    const there = (order: string[]) => [...order, ...order.toReversed()];
    const block0 = there(['floor', 'gemloop', 'twin']);
    const block1 = there(['gemloop', 'twin', 'floor']);
    const block2 = there(['twin', 'floor', 'gemloop']);
    const second2 = (names: string[]) => names.map((name) => `${name}2`);
    expect(log).toEqual([
      ...block0,
      ...second2(block0),
      ...block1,
      ...second2(block1),
      ...block2,
      ...second2(block2),
    ]);
    expect(first.contender.legRuns).toBe(18);
  });

  it('cancel what a leg pays for its place in a block, over a whole rotation', async () => {
    // A process's leg costs 20 % more when another process ran just before it (caches gone
    // cold while it waited): the floor, always outside, would pay it on both legs and the twin,
    // in the middle, on one: A/A 2.2 / 2.4 = 0.92, as three runs read at load without rotating.
    // Rotated, each process pays it on five of its six legs: A/A 1, and the contender's 1.25.
    const log: string[] = [];
    const cold: Cost = (_leg, previous, name) => (previous === name ? 1 : 1.2);
    const [blocks] = await measurePairedBlocks([group(log, cold)], 6, 1);
    const ratio = pairedRatioOf('floor.http', blocks!, 1);
    expect(ratio.blocks).toBe(6);
    expect(ratio.wall.count).toBe(2);
    expect(ratio.controlWall.median).toBeCloseTo(1, 10);
    expect(ratio.wall.median).toBeCloseTo(1.25, 10);
    // One block alone (the floor outside) leans as the unrotated measure did.
    const [single] = blocks!;
    const twin = single!.twin[0].wallUs + single!.twin[1].wallUs;
    const floor = single!.floor[0].wallUs + single!.floor[1].wallUs;
    expect(twin / floor).toBeCloseTo(2.2 / 2.4, 10);
  });

  it('cancel load that rises steadily over a block, which one-after-the-other legs keep', async () => {
    // The machine slows by 10 % a leg, all along: a plain floor-then-gemloop pair would read
    // 1.25 × 1.1 = 1.375; the palindrome reads the true 1.25, and the A/A control 1.00.
    const log: string[] = [];
    const [blocks] = await measurePairedBlocks([group(log, (leg) => 1 + leg * 0.1)], 7, 2);
    const ratio = pairedRatioOf('floor.http.stream', blocks!, 2);
    // Two whole rotations of three blocks; the seventh block is left out.
    expect(ratio).toMatchObject({ reference: 'floor.http.stream', blocks: 6, runsPerLeg: 2 });
    expect(ratio.wall.count).toBe(2);
    expect(ratio.wall.median).toBeCloseTo(1.25, 10);
    expect(ratio.cpu.median).toBeCloseTo(1.25, 10);
    expect(ratio.controlWall.median).toBeCloseTo(1, 10);
    expect(ratio.controlCpu.p75).toBeCloseTo(1, 10);
    // Each process's own µs a step is kept beside the ratios: the contender's 1.25 × the floor's.
    expect(ratio.contenderWallUs!.median / ratio.floorWallUs!.median).toBeCloseTo(1.25, 10);
  });

  it('keep the blocks finished before a process failed, and stop that group', async () => {
    const log: string[] = [];
    const [blocks] = await measurePairedBlocks([group(log, () => 1, 8)], 4, 1);
    // The second block stopped at its third leg: only the first counts.
    expect(blocks).toHaveLength(1);
    expect(log).toHaveLength(8);
  });
});
