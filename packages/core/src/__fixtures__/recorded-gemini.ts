// Test-only (excluded from the build): the one place that knows where the real recorded Gemini
// traffic lives: test/fixtures/gemini in this repository (provenance in its SOURCES.md), so a clone
// anywhere runs the whole suite. GEMLOOP_GEMINI_FIXTURES points at another copy (a newer set).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

function locate(): URL {
  const override = process.env['GEMLOOP_GEMINI_FIXTURES'];
  const root =
    override === undefined || override === ''
      ? new URL('../../../../test/fixtures/gemini/', import.meta.url)
      : pathToFileURL(override.endsWith('/') ? override : `${override}/`);
  if (!existsSync(new URL('SOURCES.md', root))) {
    // Fail loudly rather than skip: a suite that silently tested nothing would look green.
    throw new Error(
      `The recorded Gemini fixtures are missing at ${fileURLToPath(root)}. They live in test/fixtures/gemini ` +
        'of the gemloop repository; restore that folder from git, or set GEMLOOP_GEMINI_FIXTURES to a ' +
        'folder that holds SOURCES.md.',
    );
  }
  return root;
}

/** `test/fixtures/gemini/` in this repository (or `GEMLOOP_GEMINI_FIXTURES`). */
export const fixtureRoot: URL = locate();

/** The same folder as a path, ending in `/`. */
export const fixturesDirectory: string = fileURLToPath(fixtureRoot);

/** The text of a fixture, by its path under `test/fixtures/gemini/` (e.g. `errors/x.json`). */
export function readFixtureText(path: string): string {
  return readFileSync(new URL(path, fixtureRoot), 'utf8');
}

/** A JSON fixture, parsed. */
export function readFixtureJson<T = unknown>(path: string): T {
  return JSON.parse(readFixtureText(path)) as T;
}

/** The file names in one fixture folder (`requests`, `errors`, `streams`, `responses`), sorted. */
export function listFixtures(folder: string): string[] {
  return readdirSync(new URL(`${folder}/`, fixtureRoot)).sort();
}
