import type { PairedRatio } from '../report/results.ts';
import { spread } from '../report/stats.ts';
import type { MeasuredWorker } from '../worker/measured-worker.ts';
import type { SampleResult } from '../worker/worker-protocol.ts';

/** One contender, its raw `node:http` floor and a second process of that floor (the A/A twin). */
export type PairedGroup = {
  floor: MeasuredWorker;
  contender: MeasuredWorker;
  twin: MeasuredWorker;
};

/** One block of a group: each process's two legs, wall µs and CPU µs a step. */
export type PairedBlock = {
  floor: readonly [Leg, Leg];
  contender: readonly [Leg, Leg];
  twin: readonly [Leg, Leg];
};

/** One leg's wall and CPU time a step, µs. */
export type Leg = { wallUs: number; cpuUs: number };

function legOf(sample: SampleResult): Leg {
  return { wallUs: sample.wallNs / 1000 / sample.steps, cpuUs: sample.cpuUs / sample.steps };
}

/**
 * One palindromic block: floor, contender, twin, twin, contender, floor, `runsPerLeg` runs a leg.
 * Each process's two legs sit at the same mean position, so load that rises or falls steadily
 * over the block lands on all three alike (ABBA, for three). `undefined` once a process failed.
 */
async function measureBlock(
  group: PairedGroup,
  runsPerLeg: number,
): Promise<PairedBlock | undefined> {
  const order = [
    group.floor,
    group.contender,
    group.twin,
    group.twin,
    group.contender,
    group.floor,
  ];
  const legs: Leg[] = [];
  for (const worker of order) {
    const sample = await worker.leg(runsPerLeg);
    if (sample === undefined) return undefined;
    legs.push(legOf(sample));
  }
  const [f1, c1, t1, t2, c2, f2] = legs as [Leg, Leg, Leg, Leg, Leg, Leg];
  return { floor: [f1, f2], contender: [c1, c2], twin: [t1, t2] };
}

/**
 * `blocks` palindromic blocks of every group, the groups alternating block by block so they
 * share the machine's moods too. Returns each group's blocks, in order; a group whose process
 * failed keeps the blocks it finished.
 */
export async function measurePairedBlocks(
  groups: readonly PairedGroup[],
  blocks: number,
  runsPerLeg: number,
): Promise<PairedBlock[][]> {
  const results: PairedBlock[][] = groups.map(() => []);
  const live = groups.map(() => true);
  for (let block = 0; block < blocks; block++) {
    for (const [index, group] of groups.entries()) {
      if (!live[index]) continue;
      const measured = await measureBlock(group, runsPerLeg);
      if (measured === undefined) live[index] = false;
      else results[index]!.push(measured);
    }
  }
  return results;
}

const sum = (legs: readonly [Leg, Leg], key: keyof Leg): number => legs[0][key] + legs[1][key];

/**
 * The group's ratios from its blocks: per block, the contender's two legs over the floor's two
 * (and the twin's over the floor's: the A/A control); the median and quartiles over blocks.
 */
export function pairedRatioOf(
  reference: string,
  blocks: readonly PairedBlock[],
  runsPerLeg: number,
): PairedRatio {
  const ratios = (side: 'contender' | 'twin', key: keyof Leg) =>
    spread(blocks.map((block) => sum(block[side], key) / sum(block.floor, key)));
  return {
    reference,
    blocks: blocks.length,
    runsPerLeg,
    wall: ratios('contender', 'wallUs'),
    cpu: ratios('contender', 'cpuUs'),
    controlWall: ratios('twin', 'wallUs'),
    controlCpu: ratios('twin', 'cpuUs'),
  };
}
