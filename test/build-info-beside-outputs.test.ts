import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// `tsc -b` decides from a project's build info (`tsBuildInfoFile`) that its outputs are up to
// date; it does not look for the outputs themselves. A project that emits into node_modules
// (the dbos fixtures, the examples: the JavaScript the tests start as processes) but keeps its
// build info in dist/ loses its outputs to a reinstall and keeps the build info: every later
// `tsc -b` skips it, and the tests fall back to tsx for every process, silently (the dbos
// fixture workers: ~6 s of CPU a start at load 40 against ~1.5 bundled, helper test-speed5).

const root = fileURLToPath(new URL('../', import.meta.url));

/** A tsconfig's text as JSON: its whole-line `//` comments and trailing commas removed. */
function readConfig(path: string): { compilerOptions?: Record<string, unknown> } {
  const text = readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => !/^\s*\/\//.test(line))
    .join('\n')
    .replace(/,(\s*[}\]])/g, '$1');
  return JSON.parse(text);
}

/** Every tsconfig*.json of the workspace's packages, the examples and the bench. */
function configs(): string[] {
  const folders = [
    ...readdirSync(join(root, 'packages')).map((name) => join(root, 'packages', name)),
    join(root, 'examples'),
    join(root, 'bench'),
  ];
  return folders.flatMap((folder) =>
    readdirSync(folder)
      .filter((name) => /^tsconfig.*\.json$/.test(name))
      .map((name) => join(folder, name)),
  );
}

/** The folder a path removed with node_modules or dist lives in, if it does. */
function removedWith(path: string): string | undefined {
  return /(^|\/)(node_modules|dist)(\/|$)/.exec(path)?.[2];
}

describe('the build info of a project that emits', () => {
  it('lives where its outputs do, so that losing the outputs loses it too', () => {
    const misplaced = configs().flatMap((path) => {
      const options = readConfig(path).compilerOptions ?? {};
      const outDir = options['outDir'];
      const info = options['tsBuildInfoFile'];
      if (typeof outDir !== 'string' || typeof info !== 'string') return [];
      if (removedWith(outDir) === removedWith(info)) return [];
      return [`${relative(root, path)}: outDir ${outDir}, tsBuildInfoFile ${info}`];
    });
    expect(misplaced).toEqual([]);
  });

  it('is read from every config that emits: the check sees the dbos fixtures and the examples', () => {
    const emitting = configs()
      .filter((path) => typeof readConfig(path).compilerOptions?.['outDir'] === 'string')
      .map((path) => relative(root, path));
    expect(emitting).toEqual(
      expect.arrayContaining(['packages/dbos/tsconfig.test.json', 'examples/tsconfig.json']),
    );
  });
});
