import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { siblingScript } from './sibling-script.ts';

/** An emitted tree and a bundle of it, each with fleet/fleet.js and fleet/worker.js. */
const root = mkdtempSync(join(tmpdir(), 'gemloop-sibling-script-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
for (const tree of ['emitted', 'bundle']) {
  mkdirSync(join(root, tree, 'fleet'), { recursive: true });
  for (const file of ['fleet.js', 'worker.js']) writeFileSync(join(root, tree, 'fleet', file), '');
}
const emitted = (file: string) => join(root, 'emitted', file);
const bundled = (file: string) => join(root, 'bundle', file);

describe('siblingScript', () => {
  it('runs the TypeScript sibling with the loader flags this process was started with', () => {
    const flags = ['--conditions=@gemloop/source', '--import', 'tsx'];
    expect(
      siblingScript('worker', 'file:///app/fleet/fleet.ts', flags, '/app/fleet/fleet.ts'),
    ).toEqual([...flags, '/app/fleet/worker.ts']);
  });

  it('runs the emitted JavaScript sibling on plain node from emitted JavaScript', () => {
    expect(
      siblingScript('worker', 'file:///cache/examples/fleet/fleet.js', [], '/cache/x/fleet.js'),
    ).toEqual(['/cache/examples/fleet/worker.js']);
    const from = pathToFileURL(emitted('fleet/fleet.js')).href;
    expect(siblingScript('worker', from, [], emitted('fleet/fleet.js'))).toEqual([
      emitted('fleet/worker.js'),
    ]);
  });

  it("runs the bundle's sibling when this process runs a bundle whose folder has it", () => {
    // A bundled module's import.meta.url still names its emitted file.
    const from = pathToFileURL(emitted('fleet/fleet.js')).href;
    expect(siblingScript('worker', from, ['--liftoff-only'], bundled('fleet/fleet.js'))).toEqual([
      '--liftoff-only',
      bundled('fleet/worker.js'),
    ]);
    // Not in the bundle: the emitted sibling.
    expect(siblingScript('agents', from, [], bundled('fleet/fleet.js'))).toEqual([
      emitted('fleet/agents.js'),
    ]);
    // A main script in a folder of another name is no copy of the caller's folder.
    expect(siblingScript('worker', from, [], bundled('other/fleet.js'))).toEqual([
      emitted('fleet/worker.js'),
    ]);
    // No main script (node -e, a REPL).
    expect(siblingScript('worker', from, [], undefined)).toEqual([emitted('fleet/worker.js')]);
  });
});
