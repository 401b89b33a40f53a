import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without declarations (it runs on Node 20 as is).
import { listPublicPackages } from '../scripts/pack.mjs';
// @ts-expect-error: a plain .mjs script without declarations.
import { configPath, expectedFixedGroups } from '../scripts/sync-changeset-fixed.mjs';

// What a published package needs that the workspace never notices: checked on the sources here
// (fast); test/packed-install.test.ts checks the tarballs themselves.

type PublicPackage = { name: string; version: string; directory: string };
const root = fileURLToPath(new URL('../', import.meta.url));
const packages = (listPublicPackages as () => PublicPackage[])();

describe('the public packages', () => {
  it('are every non-private packages/* folder', () => {
    const names = packages.map(({ name }) => name);
    expect(names).toEqual(
      expect.arrayContaining(['@gemloop/core', '@gemloop/testing', '@gemloop/tools', 'gemloop']),
    );
    for (const { directory } of packages) {
      expect(directory.startsWith(join(root, 'packages'))).toBe(true);
    }
  });

  it.each(packages.map((pkg) => [pkg.name, pkg]))(
    '%s has a README that stands on its own (no links into the repository)',
    (_name, { directory }) => {
      const readme = join(directory, 'README.md');
      expect(existsSync(readme), `${readme} is missing`).toBe(true);
      const text = readFileSync(readme, 'utf8');
      // Markdown links and images whose target is neither absolute nor an anchor in the page:
      // the tarball holds only this README, so `../../README.md` is a dead link on npm.
      const relative = [...text.matchAll(/!?\[[^\]]*\]\(([^)\s]+)[^)]*\)/g)]
        .map((match) => match[1] as string)
        .filter((target) => !/^(https?:|mailto:|#)/.test(target));
      expect(relative).toEqual([]);
    },
  );

  it.each(packages.map((pkg) => [pkg.name, pkg]))(
    '%s ships its build and sources, but no build caches',
    (_name, { directory }) => {
      const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8'));
      expect(manifest.files).toEqual(expect.arrayContaining(['dist', '!dist/.tsbuildinfo*']));
      expect(manifest.license).toBe('MIT');
      expect(manifest.engines).toEqual({ node: '>=20.19' });
    },
  );

  it('share one version: changesets has them all, and only them, in one fixed group', () => {
    const config = JSON.parse(readFileSync(configPath as string, 'utf8'));
    // When this fails after adding a package: node scripts/sync-changeset-fixed.mjs
    expect(config.fixed).toEqual((expectedFixedGroups as () => string[][])());
    expect(config.fixed[0]).toEqual(packages.map(({ name }) => name).sort());
    expect(new Set(packages.map(({ version }) => version)).size).toBe(1);
    expect(config.privatePackages).toEqual({ version: false, tag: false });
  });
});
