#!/usr/bin/env node
// Writes the one `fixed` group of .changeset/config.json: every public workspace package (each
// packages/* whose package.json is not private), so all of them always share one version.
// A glob like `@gemloop/*` cannot do it: it also matches the private workspace packages, which have
// no version, and changesets then fails. test/public-packages.test.ts fails when the group is stale.
// Usage: node scripts/sync-changeset-fixed.mjs [--check]

import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listPublicPackages } from './pack.mjs';

export const configPath = fileURLToPath(new URL('../.changeset/config.json', import.meta.url));

/** The `fixed` groups the config should have: one group, every public package by name. */
export function expectedFixedGroups() {
  return [
    listPublicPackages()
      .map(({ name }) => name)
      .sort(),
  ];
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const config = JSON.parse(readFileSync(configPath, 'utf8'));
  const expected = expectedFixedGroups();
  if (JSON.stringify(config.fixed) !== JSON.stringify(expected)) {
    if (process.argv.includes('--check')) {
      process.stderr.write(
        `.changeset/config.json has fixed ${JSON.stringify(config.fixed)}; the public packages are ` +
          `${JSON.stringify(expected)}. Run: node scripts/sync-changeset-fixed.mjs\n`,
      );
      process.exitCode = 1;
    } else {
      config.fixed = expected;
      writeFileSync(configPath, `${JSON.stringify(config, null, 2)}\n`);
      // Formatted as `npm run lint` expects it.
      const biome = fileURLToPath(new URL('../node_modules/.bin/biome', import.meta.url));
      execFileSync(biome, ['format', '--write', configPath], { stdio: 'ignore' });
      process.stdout.write(`.changeset/config.json: fixed ${JSON.stringify(expected)}\n`);
    }
  }
}
