import { pathToFileURL } from 'node:url';

/** The extensions of the files that are TypeScript, which Node 20 cannot import itself. */
const TYPESCRIPT = /\.(?:ts|mts|cts|tsx)$/i;

// why (lazy): tsx's loader, registered once for the rest of the process (a Node loader is
// process-wide, see below).
let registered: Promise<void> | undefined;

/**
 * Imports a module the user names on the command line (`gemloop eval suite.ts`, `gemloop fake
 * --script script.ts`): a `.js`/`.mjs` file as Node imports it, a TypeScript file through tsx's
 * loader, registered for the rest of the process the first time one is imported.
 *
 * Why tsx, on every Node: Node 20 cannot import a `.ts` file at all (type stripping came in 22.6
 * behind a flag and is on by default from 22.18 and 23.6: https://nodejs.org/api/typescript.html),
 * and where it strips types it still refuses what a project's TypeScript commonly has (enums,
 * parameter properties, `import './agent.js'` meaning agent.ts). tsx (a dependency of gemloop)
 * registers its hooks with `module.register` (its `tsx/esm/api` `register()`, documented at
 * https://tsx.is/dev-api/register-esm), so `npx gemloop eval suite.ts` runs in a fresh project
 * with nothing else installed, and the same suite loads the same way on every Node gemloop
 * supports. Both of tsx's hooks: its ESM ones for a project with `"type": "module"`, its CommonJS
 * ones for one without (tsx compiles the file to CommonJS there, and Node's ESM loader alone then
 * fails it as a `require()` cycle). A global registration, not a namespaced `tsImport`: the suite must import the same
 * @gemloop/core and @gemloop/evals module instances as the command (one module graph), which a
 * namespace would load a second time. The other commands, and `.js` files, never load tsx.
 *
 * @param path An absolute path.
 * @param preload What the command loads after the module (the agent's run path, the fake): loaded
 * before tsx's hooks are registered, once, when the module is TypeScript. Every module Node loads
 * after the registration crosses to the hooks' thread and through tsx's transform: core's run path
 * and the fake loaded after it made `gemloop eval suite.ts` cost ~2 s more CPU than the same suite
 * as `.js` (bench/RESULTS.md, test-speed8). What it loads is what the module would load anyway,
 * the same instances; a failure is left for the command's own use to report.
 * @returns The module's namespace.
 * @throws What the import throws, unchanged (the caller names the flag and the file).
 */
export async function importUserModule(
  path: string,
  preload?: () => Promise<unknown>,
): Promise<Record<string, unknown>> {
  if (TYPESCRIPT.test(path)) {
    registered ??= register(preload);
    await registered;
  }
  const namespace = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  // A `.ts` file in a package without `"type": "module"` (what `npm init` writes) is CommonJS to
  // tsx, as to Node: its exports arrive as `default`, marked `__esModule` by the compiler; what the
  // file wrote is inside.
  const exports = namespace['default'] as { __esModule?: unknown } | null | undefined;
  if (typeof exports === 'object' && exports !== null && exports.__esModule === true) {
    return exports as Record<string, unknown>;
  }
  return namespace;
}

/** Loads `preload` (its failure ignored: the command meets it where it is used), then tsx's hooks. */
async function register(preload: (() => Promise<unknown>) | undefined): Promise<void> {
  await preload?.().catch(() => undefined);
  const [esm, cjs] = await Promise.all([import('tsx/esm/api'), import('tsx/cjs/api')]);
  esm.register();
  cjs.register();
}
