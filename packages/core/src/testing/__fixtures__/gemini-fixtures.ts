import { readdirSync, readFileSync } from 'node:fs';

/**
 * The recorded Gemini traffic in `shared/fixtures/gemini/` (see its SOURCES.md), read by tests.
 * Test-only: this folder is excluded from the build.
 */
export const fixtureRoot: URL = new URL('../../../../../../shared/fixtures/gemini/', import.meta.url);

/** The text of a fixture, by its path under `shared/fixtures/gemini/`. */
export function readFixtureText(path: string): string {
  return readFileSync(new URL(path, fixtureRoot), 'utf8');
}

/** A JSON fixture, parsed. */
export function readFixtureJson<T = unknown>(path: string): T {
  return JSON.parse(readFixtureText(path)) as T;
}

/** The file names in one fixture folder (`requests`, `errors`, `streams`, `responses`). */
export function listFixtures(folder: string): string[] {
  return readdirSync(new URL(`${folder}/`, fixtureRoot)).sort();
}
