import { buildAlone } from './build-alone.ts';

/**
 * The root config's global setup that makes @gemloop/core's bundled JavaScript current before any
 * test runs (scripts/bundle-core.mjs; `tsc -b` writes core's declarations only): the tests that run
 * the built packages (the CLI's bin, the examples' emitted JavaScript, the CommonJS `require`, the
 * runtimes' suites) import core's `dist`, and an edit since the last bundle, or a `npx tsc -b`
 * without the bundle step, would have them run old code. Nothing to do (~0.3 s of CPU for the
 * check) when it is current; under the builds' lock, so two runs of a checkout write it once.
 */
export default async function coreBundleSetup(): Promise<void> {
  await buildAlone(async () => undefined);
}
