import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The node arguments that run the script `name` beside the module at `from` (its
 * `import.meta.url`) the way this process itself was started: from `npm run` (tsx, the
 * `@gemloop/source` condition) the TypeScript source with the same loader flags, and from the
 * JavaScript that `tsc -b` emits (how the tests run most examples) the emitted file beside it on
 * plain node, so a worker never pays for a loader its parent did not use.
 *
 * And from a bundle (how the tests run the examples: each script bundled at its own place in a
 * folder of its own, scripts/example-bundles-setup.ts), the sibling bundled beside the script node
 * was given (`main`), when the bundle has it: a bundled module's `import.meta.url` still names
 * its emitted file, whose sibling loads ~1,100 modules (DBOS, pg, core) one by one.
 *
 * @param name The sibling script's file name without its extension (`'worker'`).
 * @param from The calling module's `import.meta.url`.
 * @param execArgv This process's node arguments (`process.execArgv`).
 * @param main The script this process runs (`process.argv[1]`).
 */
export function siblingScript(
  name: string,
  from: string,
  execArgv: readonly string[] = process.execArgv,
  main: string | undefined = process.argv[1],
): string[] {
  const extension = new URL(from).pathname.endsWith('.js') ? 'js' : 'ts';
  const beside = fileURLToPath(new URL(`./${name}.${extension}`, from));
  return [...execArgv, extension === 'js' ? besideMain(beside, main) : beside];
}

/**
 * `path`'s file in the folder of `main` when that is another folder of the same name (a bundle's
 * copy of `path`'s folder) and holds it; else `path`.
 */
function besideMain(path: string, main: string | undefined): string {
  if (main === undefined) return path;
  const folder = dirname(main);
  if (folder === dirname(path) || basename(folder) !== basename(dirname(path))) return path;
  const bundled = join(folder, basename(path));
  return existsSync(bundled) ? bundled : path;
}
