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
 * One palindromic block: the three processes, then the same backwards, `runsPerLeg` runs a leg,
 * starting from the floor (`rotation` 0), the contender (1) or the twin (2). Each process's two
 * legs sit at the same mean position, so load that rises or falls steadily over the block lands on
 * all three alike (ABBA, for three). `undefined` once a process failed.
 */
async function measureBlock(
  group: PairedGroup,
  runsPerLeg: number,
  rotation: number,
): Promise<PairedBlock | undefined> {
  const roles = ['floor', 'contender', 'twin'] as const;
  const forward = [0, 1, 2].map((offset) => roles[(rotation + offset) % 3]!);
  const legs: Record<(typeof roles)[number], Leg[]> = { floor: [], contender: [], twin: [] };
  for (const role of [...forward, ...forward.toReversed()]) {
    const sample = await group[role].leg(runsPerLeg);
    if (sample === undefined) return undefined;
    legs[role].push(legOf(sample));
  }
  const both = (role: (typeof roles)[number]) => legs[role] as unknown as readonly [Leg, Leg];
  return { floor: both('floor'), contender: both('contender'), twin: both('twin') };
}

/**
 * `blocks` palindromic blocks of every group, the groups alternating block by block so they
 * share the machine's moods too, and each group's blocks rotating which process opens them
 * (see {@link ROTATIONS}). Returns each group's blocks, in order; a group whose process failed
 * keeps the blocks it finished.
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
      const measured = await measureBlock(group, runsPerLeg, block % ROTATIONS);
      if (measured === undefined) live[index] = false;
      else results[index]!.push(measured);
    }
  }
  return results;
}

/**
 * Blocks a rotation takes: each process opens (and closes) one of them, sits second in one and
 * in the middle in one. A leg's place in a block matters beyond drift: a process that waited
 * through the other group's block reads slower on its first leg, and a middle one runs twice in a
 * row. Without the rotation (the floor always outside) the twin read 0.92–0.95 × the floor, three
 * runs at load 13–36; so ratios are taken over whole rotations, where every process sat
 * everywhere once.
 */
export const ROTATIONS = 3;

const sum = (legs: readonly Leg[], key: keyof Leg): number =>
  legs.reduce((total, leg) => total + leg[key], 0);

/**
 * The group's ratios from its blocks, a whole rotation ({@link ROTATIONS} blocks) at a time: the
 * contender's legs over the floor's (and the twin's over the floor's: the A/A control); the median
 * and quartiles over rotations. A last, partial rotation is left out.
 */
export function pairedRatioOf(
  reference: string,
  blocks: readonly PairedBlock[],
  runsPerLeg: number,
): PairedRatio {
  const rotations: PairedBlock[][] = [];
  for (let start = 0; start + ROTATIONS <= blocks.length; start += ROTATIONS)
    rotations.push(blocks.slice(start, start + ROTATIONS));
  const legs = (rotation: PairedBlock[], side: 'floor' | 'contender' | 'twin') =>
    rotation.flatMap((block) => block[side]);
  const ratios = (side: 'contender' | 'twin', key: keyof Leg) =>
    spread(
      rotations.map(
        (rotation) => sum(legs(rotation, side), key) / sum(legs(rotation, 'floor'), key),
      ),
    );
  const perStep = (side: 'floor' | 'contender') =>
    spread(
      rotations.map((rotation) => sum(legs(rotation, side), 'wallUs') / (2 * rotation.length)),
    );
  return {
    reference,
    blocks: rotations.length * ROTATIONS,
    runsPerLeg,
    wall: ratios('contender', 'wallUs'),
    cpu: ratios('contender', 'cpuUs'),
    controlWall: ratios('twin', 'wallUs'),
    controlCpu: ratios('twin', 'cpuUs'),
    floorWallUs: perStep('floor'),
    contenderWallUs: perStep('contender'),
  };
}
