import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
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
 * @throws What the import throws, unchanged (the caller names the flag and the file); an `Error`
 * saying so for a path (or a link to one) that is no regular file.
 */
export async function importUserModule(
  path: string,
  preload?: () => Promise<unknown>,
): Promise<Record<string, unknown>> {
  await refuseNonFile(path);
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

/**
 * Refuses a path that is there but no regular file, the link followed: Node's loader reads a module
 * whole before parsing it, so `gemloop chat /dev/zero` (or an `agent.ts` linked to it, which every
 * extension check passes) grew to 7.5 GB in 15 s, and a FIFO would wait for a writer for ever. A
 * missing path is left to the import, whose error names it as before.
 */
async function refuseNonFile(path: string): Promise<void> {
  const found = await stat(path).catch(() => undefined);
  if (found === undefined || found.isFile()) return;
  const kind = found.isDirectory()
    ? 'a folder'
    : found.isFIFO()
      ? 'a FIFO'
      : found.isCharacterDevice() || found.isBlockDevice()
        ? 'a device'
        : 'no regular file';
  throw new Error(`it is ${kind}, not a module file: give the path of a .ts, .js or .mjs file`);
}

/** Loads `preload` (its failure ignored: the command meets it where it is used), then tsx's hooks. */
async function register(preload: (() => Promise<unknown>) | undefined): Promise<void> {
  await preload?.().catch(() => undefined);
  const [esm, cjs, { default: Module }] = await Promise.all([
    import('tsx/esm/api'),
    import('tsx/cjs/api'),
    import('node:module'),
  ]);
  esm.register();
  const extensions = (Module as unknown as { _extensions: Record<string, JsLoader> })._extensions;
  const native = extensions['.js'];
  cjs.register();
  if (native !== undefined && process.features.require_module === true)
    extensions['.js'] = esmFilesNatively(extensions['.js'] as JsLoader, native);
}

/** How `require` loads a file of one extension (`Module._extensions`, Node's CommonJS loader). */
type JsLoader = (this: unknown, module: unknown, filename: string) => unknown;

/**
 * `transformed` (tsx's `.js` loader), except for a file of a `"type": "module"` package, which
 * Node's own loader (`native`) takes: Node >= 20.19 `require`s an ES module itself
 * (https://nodejs.org/api/modules.html#loading-ecmascript-modules-using-require), from the ES
 * module cache, so a CommonJS suite's `require('@gemloop/core')` gets the instance the command
 * loaded. tsx's loader compiles every `.js` file written as an ES module to CommonJS (tsx 4.23
 * `dist/register-*.cjs`, its `transformer`): a suite of a CommonJS project (what `npm init`
 * writes) loaded a second copy of core, evals and testing beside the command's (~1.2 s a start,
 * two module graphs; bench/RESULTS.md, test-speed8). The project's own files (a CommonJS
 * package's) stay tsx's.
 */
function esmFilesNatively(transformed: JsLoader, native: JsLoader): JsLoader {
  // why (cache): the package type of each folder looked up, for this registration only.
  const types = new Map<string, string | undefined>();
  return function load(this: unknown, module: unknown, filename: string): unknown {
    const loader = packageTypeOf(dirname(filename), types) === 'module' ? native : transformed;
    return loader.call(this, module, filename);
  };
}

/** The `type` of the nearest `package.json` above `folder` (`undefined`: none says one). */
function packageTypeOf(folder: string, types: Map<string, string | undefined>): string | undefined {
  if (types.has(folder)) return types.get(folder);
  let type: string | undefined;
  let found = false;
  try {
    const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as unknown;
    found = true;
    const declared = (manifest as { type?: unknown } | null)?.type;
    type = typeof declared === 'string' ? declared : undefined;
  } catch {
    // No manifest here (or not one Node would read either): the folder above decides.
  }
  const parent = dirname(folder);
  if (!found && parent !== folder && basename(folder) !== 'node_modules')
    type = packageTypeOf(parent, types);
  types.set(folder, type);
  return type;
}
