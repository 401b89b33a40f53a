// Preloaded with `node --import`: writes the URL of every module the process then loads, one a
// line, to the file GEMLOOP_LOADED_LOG names (a loader hook, Node >= 20.6's `module.register`;
// the hooks run on a thread of their own, so they append to the file synchronously).
import { register } from 'node:module';

register(
  `data:text/javascript,${encodeURIComponent(`
import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  appendFileSync(process.env.GEMLOOP_LOADED_LOG, url + '\\n');
  return next(url, context);
}`)}`,
);
