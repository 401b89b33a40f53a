import { readFileSync } from 'node:fs';

/**
 * The storage format of the durable records this @gemloop/dbos writes (run event streams, step
 * outputs): a worker records it in `gemloop.workers` with each heartbeat, and
 * {@link checkFleetVersions} keeps workers of two formats out of one application version. Bump
 * it when a worker of the previous format could not read what this one writes.
 * 1: before the packed stream record (`sharedStrings`, the result stored once: store-once42).
 * 2: the packed stream record. A worker that records none (NULL) predates the column: older.
 * @internal
 */
export const STORAGE_FORMAT = 2;

/**
 * This package's version, from its package.json, for the fence's words only (the format
 * decides). `undefined` where the file is not beside the code (a bundle of it).
 * @internal
 */
export function gemloopDbosVersion(): string | undefined {
  try {
    const text = readFileSync(new URL('../../../package.json', import.meta.url), 'utf8');
    const version: unknown = (JSON.parse(text) as { version?: unknown }).version;
    return typeof version === 'string' ? version : undefined;
  } catch {
    return undefined;
  }
}
