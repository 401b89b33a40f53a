import { fileURLToPath } from 'node:url';

/**
 * The node arguments that run the script `name` beside the module at `from` (its
 * `import.meta.url`) the way this process itself was started: from `npm run` (tsx, the
 * `@gemloop/source` condition) the TypeScript source with the same loader flags, and from the
 * JavaScript that `tsc -b` emits (how the tests run most examples) the emitted file beside it on
 * plain node, so a worker never pays for a loader its parent did not use.
 *
 * @param name The sibling script's file name without its extension (`'worker'`).
 * @param from The calling module's `import.meta.url`.
 * @param execArgv This process's node arguments (`process.execArgv`).
 */
export function siblingScript(
  name: string,
  from: string,
  execArgv: readonly string[] = process.execArgv,
): string[] {
  const extension = new URL(from).pathname.endsWith('.js') ? 'js' : 'ts';
  return [...execArgv, fileURLToPath(new URL(`./${name}.${extension}`, from))];
}
