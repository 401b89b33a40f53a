/**
 * Module loader hooks (`module.register`) that append the URL of every ES module Node loads to
 * the file named by `LOADED_MODULES_LOG`: `process.moduleLoadList` lists CommonJS modules only.
 * Registered by `loaded-modules.ts` (see there); the hooks run on the loader's own thread, so they
 * write to a file rather than to the measured process's memory.
 */
import { appendFileSync } from 'node:fs';

type LoadResult = { format?: string | null | undefined; source?: unknown };
type NextLoad = (url: string, context: object) => Promise<LoadResult>;

const LOG = process.env['LOADED_MODULES_LOG'];

/** Node's `load` hook: loads as Node would, then notes the URL. */
export async function load(url: string, context: object, nextLoad: NextLoad): Promise<LoadResult> {
  const result = await nextLoad(url, context);
  if (LOG !== undefined) appendFileSync(LOG, `${url}\n`);
  return result;
}
