import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** What `gemloop eval from-runs --database-url` prints when @gemloop/dbos is missing, and how to fix it. */
export const INSTALL_DBOS =
  'gemloop eval from-runs --database-url reads a durable fleet through @gemloop/dbos, which is not installed here: install it in the project (npm install @gemloop/dbos), or run from the project that has it.';

/** One run as `readRecordedRuns` of `@gemloop/dbos/recorded-runs` yields it (the fields read here). */
export type LoadedRecordedRun = {
  runId: string;
  lines: unknown[];
  /** Whether the run started subagents as child workflows (their model calls are not in `lines`). */
  hasSubagents?: boolean | undefined;
};

/** The options `readRecordedRuns` takes (the ones the command passes). */
export type RecordedRunsQuery = {
  databaseUrl: string;
  runIds?: string[] | undefined;
  since?: Date | undefined;
  limit?: number | undefined;
};

/** `readRecordedRuns` of `@gemloop/dbos/recorded-runs`, as the command calls it. */
export type ReadRecordedRuns = (query: RecordedRunsQuery) => AsyncIterable<LoadedRecordedRun>;

/** The subpath that reads a fleet's runs back as recorded runs. */
const SPECIFIER = '@gemloop/dbos/recorded-runs';

/**
 * `readRecordedRuns` of `@gemloop/dbos/recorded-runs`, loaded when the command runs, or `undefined`
 * when @gemloop/dbos is not installed. gemloop does not depend on @gemloop/dbos (DBOS and the
 * Postgres driver are heavy, and the package order keeps the cli beside dbos, not above it:
 * `.dependency-cruiser.mjs`, `package-order-cli`): it is looked for beside gemloop, then in the
 * project the command runs in (`cwd`), where a fleet's code has it as a dependency.
 */
export async function loadRecordedRuns(cwd: string): Promise<ReadRecordedRuns | undefined> {
  const fromCli = await tryImport(SPECIFIER);
  if (fromCli !== undefined) return readerOf(fromCli);
  let path: string;
  try {
    path = createRequire(join(cwd, 'package.json')).resolve(SPECIFIER);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  const fromProject = await tryImport(pathToFileURL(path).href);
  return fromProject === undefined ? undefined : readerOf(fromProject);
}

async function tryImport(specifier: string): Promise<Record<string, unknown> | undefined> {
  try {
    // A computed specifier: loaded at run time only, never a dependency of the cli's build.
    return (await import(/* @vite-ignore */ specifier)) as Record<string, unknown>;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

function readerOf(module: Record<string, unknown>): ReadRecordedRuns | undefined {
  const read = module['readRecordedRuns'];
  return typeof read === 'function' ? (read as ReadRecordedRuns) : undefined;
}

function isNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    code === 'ERR_MODULE_NOT_FOUND' ||
    code === 'MODULE_NOT_FOUND' ||
    code === 'ERR_PACKAGE_PATH_NOT_EXPORTED'
  );
}
