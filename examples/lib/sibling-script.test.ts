import { describe, expect, it } from 'vitest';
import { siblingScript } from './sibling-script.ts';

describe('siblingScript', () => {
  it('runs the TypeScript sibling with the loader flags this process was started with', () => {
    const flags = ['--conditions=@gemloop/source', '--import', 'tsx'];
    expect(siblingScript('worker', 'file:///app/fleet/fleet.ts', flags)).toEqual([
      ...flags,
      '/app/fleet/worker.ts',
    ]);
  });

  it('runs the emitted JavaScript sibling on plain node from emitted JavaScript', () => {
    expect(siblingScript('worker', 'file:///cache/examples/fleet/fleet.js', [])).toEqual([
      '/cache/examples/fleet/worker.js',
    ]);
  });
});
