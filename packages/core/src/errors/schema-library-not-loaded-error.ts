import { GemloopError } from './gemloop-error.ts';

/**
 * The libraries gemloop loads on first need to handle a schema: `@cfworker/json-schema` validates
 * a JSON Schema tool's arguments, `zod-to-json-schema` converts a zod 3 schema,
 * `openapi-converter` (gemloop's `toOpenApiSchema`) makes the declaration of a tool with
 * `schemaFormat: 'openapi'`, and `pattern-analysis` (scslre, refa) checks a schema's regular
 * expressions before a model's string meets them (loaded with import() on every runtime, Node's
 * included).
 */
export type SchemaLibrary =
  | '@cfworker/json-schema'
  | 'zod-to-json-schema'
  | 'openapi-converter'
  | 'pattern-analysis';

/**
 * In the portable build (browsers, Workers, edge runtimes) a schema library loads with
 * `import()`, so it is not there the instant a tool is defined: a synchronous use before it
 * arrived (`tool.parseArgs` of a JSON Schema tool, the `declaration` of a zod 3 tool or of one
 * with `schemaFormat: 'openapi'`, `createAgent` with such a tool or a zod 3 `output` right after
 * `defineTool`) fails with this error. Its loading has started; `await preloadToolSchemas([tool])`
 * (from `@gemloop/core/tools`) first. An agent's run waits for what its tools need by itself. The
 * Node build (Node, Bun, Deno) loads the first three synchronously and throws this only for
 * `pattern-analysis`: the
 * `parseArgs` of a tool whose schema has a `pattern`, called by hand in the instant after
 * `defineTool` (the import takes ~0.2 s once a process).
 */
export class SchemaLibraryNotLoadedError extends GemloopError {
  override readonly code = 'schema-library-not-loaded';
  /** The library that is still loading. */
  readonly library: SchemaLibrary;
  /** The tool whose schema needed it, or undefined for an agent's `output` schema. */
  readonly toolName: string | undefined;

  constructor({
    library,
    toolName,
    cause,
  }: {
    library: SchemaLibrary;
    toolName?: string | undefined;
    cause?: unknown;
  }) {
    const subject =
      toolName === undefined ? 'This zod 3 output schema' : `The schema of tool "${toolName}"`;
    const need =
      library === '@cfworker/json-schema'
        ? 'its JSON Schema validator (@cfworker/json-schema)'
        : library === 'pattern-analysis'
          ? 'the check of its patterns'
          : library === 'openapi-converter'
            ? "its OpenAPI converter (schemaFormat 'openapi')"
            : 'its zod 3 converter (zod-to-json-schema)';
    const what = toolName === undefined ? 'the schema' : 'the tool';
    super({
      message: `${subject} needs ${need}, which loads with import() and has not arrived yet. Await preloadToolSchemas([${what}]) from @gemloop/core/tools before using it synchronously (an agent's run waits by itself)${library === 'zod-to-json-schema' ? ', or use zod 4, which converts itself' : ''}.`,
      cause,
    });
    this.library = library;
    this.toolName = toolName;
  }

  static override isInstance(error: unknown): error is SchemaLibraryNotLoadedError {
    return GemloopError.hasCode(error, 'schema-library-not-loaded');
  }
}

// MissingDependencyError and requireDependency in this file, not in modules of their own: every
// `import '@gemloop/core'` loads it (the Node half of the schema libraries calls them), and the
// root's static graph holds at most 132 modules (index.static-imports.test.ts). Their kin: a
// library gemloop loads on first need, not there.
/**
 * A package gemloop loads on first use on Node (`pino` for `createLogger`, `zod-to-json-schema` for
 * a zod 3 schema, `zod/v4/core` for a zod 4 schema that cannot convert itself,
 * `@cfworker/json-schema` for a JSON Schema tool's validation) that an app's bundle cannot load.
 * A bundle that inlines `@gemloop/core` (esbuild, rolldown, Vite) takes these packages in by
 * itself; this is thrown when one was marked external and is not installed where the bundle runs,
 * or when the package is in the bundle but its own `require()` of a Node built-in fails there
 * (`requires` names it: esbuild's ES module output has no `require` unless given one). Two are
 * left out of bundles on purpose and named the same way when missing: `zod/v4/core` (zod's CommonJS
 * copy, ~500 KB minified in every Node bundle for the few schemas that need it) and turndown (the web
 * fetch tool runs it from its installed files, in a worker thread).
 */
export class MissingDependencyError extends GemloopError {
  override readonly code = 'missing-dependency';
  /** The package that could not be loaded, e.g. `pino`. */
  readonly packageName: string;
  /** What needed it, e.g. `createLogger`. */
  readonly neededBy: string;
  /**
   * The module the bundled package itself could not `require()` (e.g. `node:os`), or undefined
   * when the package is neither in the bundle nor installed.
   */
  readonly requires: string | undefined;

  constructor({
    packageName,
    neededBy,
    requires,
    fix,
    cause,
  }: {
    packageName: string;
    neededBy: string;
    requires?: string | undefined;
    /** What to do, where the usual advice (bundle it, or install it) does not fit the package. */
    fix?: string | undefined;
    cause?: unknown;
  }) {
    super({
      message:
        requires === undefined
          ? `${neededBy} needs the package "${packageName}", which is neither in this bundle nor installed where it runs. ${fix ?? `Bundle it (do not mark "${packageName}" external: esbuild, rolldown and Vite take it in from @gemloop/core by themselves), or install it beside the bundle (npm install ${packageName}).`}`
          : `${neededBy} needs the package "${packageName}", which is in this bundle but cannot require("${requires}") there: the bundle is an ES module with no require() (esbuild's --format=esm). Give it one with esbuild's banner (--banner:js="import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);"), bundle as CommonJS, or mark "${packageName}" external and install it beside the bundle.`,
      cause,
    });
    this.packageName = packageName;
    this.neededBy = neededBy;
    this.requires = requires;
  }

  static override isInstance(error: unknown): error is MissingDependencyError {
    return GemloopError.hasCode(error, 'missing-dependency');
  }
}

/**
 * Loads a package synchronously on first use, bundled or not. `bundled` is the caller's literal
 * `require('<name>')`: a bundler that inlines the caller (esbuild, rolldown) sees that call, puts
 * the package in the bundle and makes `require` a function there, so a bundle deployed without
 * `node_modules` still has it. `nodeRequire` makes Node's `createRequire(import.meta.url)` of the
 * caller's file (a Node half of `#platform`), which Node runs unbundled (an ES module has no
 * `require`): a call no bundler follows. Alone, it failed in such a bundle at the first zod 3 tool
 * or logger with Node's bare "Cannot find module" (attack47b). A package the bundler left external
 * (esbuild's `require` then throws "Dynamic require of ... is not supported" in an ES module) is
 * loaded by Node from where the bundle runs.
 *
 * Platform-neutral (the caller brings `createRequire`), beside the error it throws, in a module
 * the root import loads anyway: no module of its own, and no layer rule, since the logging and
 * the tools halves both call it.
 *
 * @throws {@link MissingDependencyError} when the package is neither bundled nor installed, or
 *   when the bundled package's own `require()` of another module fails for want of a `require`.
 * @internal
 */
export function requireDependency({
  name,
  neededBy,
  bundled,
  nodeRequire,
  fix,
}: {
  name: string;
  /** What needed it, for the error (`createLogger`). */
  neededBy: string;
  /** The literal `() => require('<name>')`; undefined for a package kept out of bundles. */
  bundled: (() => unknown) | undefined;
  /** `() => createRequire(import.meta.url)` of the caller's file. */
  nodeRequire: () => (id: string) => unknown;
  /** The error's advice, where bundling it is not the fix. */
  fix?: string | undefined;
}): unknown {
  let failure: unknown;
  if (bundled !== undefined && typeof require === 'function') {
    try {
      return bundled();
    } catch (error) {
      failure = error;
    }
    // The check above reads core's own scope, and core's dist is an esbuild bundle (bundle56), in
    // which `typeof require` reads esbuild's `__require`: a function even in an ES module. A caller
    // that is not bundled (the tools' own ES modules, as users install them) has no `require`, and
    // its literal call throws a ReferenceError that means "not bundled" and nothing more: Node
    // loads the package (attack59b; built, every web fetch failed on ipaddr.js so).
    if (isRequireUndefined(failure)) {
      failure = undefined;
    } else {
      const requires = /^Dynamic require of "([^"]+)"/.exec(messageOf(failure))?.[1];
      if (requires !== undefined && requires !== name)
        throw new MissingDependencyError({ packageName: name, neededBy, requires, cause: failure });
      // A package in the bundle that failed as it loaded fails as itself.
      if (requires === undefined && !isNotFound(failure)) throw failure;
    }
  }
  try {
    return nodeRequire()(name);
  } catch (error) {
    // Unbundled, a failing package fails as itself; in a bundle, `import.meta.url` may be gone.
    if (failure === undefined && !isNotFound(error)) throw error;
    throw new MissingDependencyError({ packageName: name, neededBy, fix, cause: failure ?? error });
  }
}

function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : '';
}

/** The ReferenceError of a `require` that the calling module does not have. */
function isRequireUndefined(error: unknown): boolean {
  return error instanceof ReferenceError && /^require is not defined\b/.test(error.message);
}

/** Node's error for a package that is not installed. */
function isNotFound(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === 'MODULE_NOT_FOUND';
}
