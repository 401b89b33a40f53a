import chromiumSetup from './chromium-setup.ts';
import coreBundleSetup from './core-bundle-setup.ts';
import exampleBundlesSetup from './example-bundles-setup.ts';
import fixtureBundleSetup from './fixture-bundle-setup.ts';
import postgresSetup from './postgres-setup.ts';
import scratchDirectorySetup from './scratch-directory-setup.ts';
import { firstThenTogether } from './start-together.ts';

/**
 * The run's shared fixtures, the root config's one global setup (vitest.config.ts): core's bundle
 * made current (scripts/core-bundle-setup.ts), then the run's TMPDIR first (the others make their folders in it, and the Postgres keeps its data there, so it
 * is removed last), then the Postgres, the Chromium and the two bundle checks side by side. As five
 * `globalSetup` files, which Vitest runs one after another, initdb and the server's start, the
 * browser's launch and the bundles' hashing waited on each other while a core sat idle before the
 * first test (the four alone, six pairs interleaved at load 13-19: 7.0 -> 5.5 s of wall, the mean;
 * their teardowns at load 17-20: 0.82 -> 0.48 s; bench/RESULTS.md, test-speed19).
 */
export default firstThenTogether(async () => {
  // core's bundle first: the bundle checks below hash what imports core's `dist`.
  await coreBundleSetup();
  return scratchDirectorySetup();
}, [postgresSetup, chromiumSetup, fixtureBundleSetup, exampleBundlesSetup]);
