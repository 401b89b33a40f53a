import { describe, expect, it } from 'vitest';
import { ABBA_DEFAULTS, parseAbbaArguments } from './abba-options.ts';

describe('parseAbbaArguments', () => {
  it("defaults to issue 53's design: d5ff9c8, both modes and transports, 3 pairs of 20 blocks", () => {
    expect(parseAbbaArguments([])).toEqual(ABBA_DEFAULTS);
    expect(ABBA_DEFAULTS).toMatchObject({
      base: 'd5ff9c8',
      modes: ['run', 'stream'],
      transports: ['auto', 'fetch'],
      pairs: 3,
      blocks: 20,
      build: true,
    });
  });

  it('reads every flag, past the `--` that `pnpm run abba --` passes on', () => {
    const options = parseAbbaArguments([
      '--',
      '--base=abc1234',
      '--modes=stream',
      '--transports=node,fetch',
      '--pairs=5',
      '--blocks=30',
      '--runs=10',
      '--warmup=200',
      '--cache-dir=/tmp/x',
      '--no-build',
      '--json=/tmp/abba.json',
    ]);
    expect(options).toEqual({
      base: 'abc1234',
      modes: ['stream'],
      transports: ['auto', 'fetch'],
      pairs: 5,
      blocks: 30,
      runsPerLeg: 10,
      warmupRuns: 200,
      cacheDirectory: '/tmp/x',
      build: false,
      json: '/tmp/abba.json',
    });
  });

  it('names what was wrong', () => {
    expect(() => parseAbbaArguments(['--pairs=0'])).toThrow(
      '--pairs takes a whole number ≥ 1, got "0"',
    );
    expect(() => parseAbbaArguments(['--blocks=2.5'])).toThrow(/--blocks takes a whole number/);
    expect(() => parseAbbaArguments(['--transports=undici'])).toThrow(
      '--transports: unknown "undici"; known: node, auto, fetch',
    );
    expect(() => parseAbbaArguments(['--modes=toString'])).toThrow(/--modes: unknown "toString"/);
    expect(() => parseAbbaArguments(['--base'])).toThrow(/options take a value: --base=/);
    expect(() => parseAbbaArguments(['--rounds=3'])).toThrow('unknown option --rounds=3');
  });
});
