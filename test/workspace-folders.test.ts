import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain JavaScript without declarations (it runs before anything is installed).
import { workspaceFolders } from '../scripts/install-if-changed.mjs';

const folders = workspaceFolders as (text?: string) => string[];

// `npm test` installs when a workspace package.json is newer than the last install: a folder the
// list misses is never looked at (a comment line in pnpm-workspace.yaml's list ended it, and
// `docs` and `test/runtimes/node-binaries`, each after one, were missed).
describe('workspaceFolders (scripts/install-if-changed.mjs)', () => {
  it('lists every entry of the workspace’s own list, comment lines between them', () => {
    const text = readFileSync(new URL('../pnpm-workspace.yaml', import.meta.url), 'utf8');
    const entries = [...text.matchAll(/^ {2}- ([^\s#]+)$/gm)].map((match) => match[1] as string);
    expect(entries).toContain('test/runtimes/node-binaries');
    const listed = folders();
    for (const entry of entries.filter((entry) => !entry.endsWith('/*'))) {
      expect(listed).toContain(entry);
    }
    expect(listed).toContain('packages/core');
  });

  it('reads past a comment line and stops at the next key', () => {
    const text = 'packages:\n  - examples\n  # the docs build\n  - docs\n\nallowBuilds:\n  - x\n';
    expect(folders(text)).toEqual(['examples', 'docs']);
  });
});
