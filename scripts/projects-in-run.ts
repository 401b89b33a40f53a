import type { TestProject } from 'vitest/node';

/**
 * The names of the projects that have a test file in this run, for the global setups that start
 * a shared server only when a project that uses it runs (scripts/postgres-setup.ts,
 * scripts/chromium-setup.ts). A run given file filters (`vitest run path/to/a.test.ts`, how one
 * test file is run while working) keeps every project in `vitest.projects`, so each such run of
 * one core file started Postgres (initdb: 15-30 s at load 25-34, ~2 s of CPU) and Chromium for
 * nothing. Vitest keeps those filters in `filenamePattern` (not typed: internal in Vitest 4.1);
 * the projects are then those of the files they match. Every project when there is no filter
 * (`npm test`, `--project`), in watch mode (a later filter may pick another project, and a setup
 * runs once), and when Vitest has no such field.
 */
export async function projectsInRun(project: TestProject): Promise<ReadonlySet<string>> {
  const { vitest } = project;
  const every = new Set(vitest.projects.map((each) => each.name));
  const filters: unknown = Reflect.get(vitest, 'filenamePattern');
  if (vitest.config.watch || !Array.isArray(filters) || filters.length === 0) return every;
  const specifications = await vitest.globTestSpecifications(filters as string[]);
  return new Set(specifications.map((specification) => specification.project.name));
}
