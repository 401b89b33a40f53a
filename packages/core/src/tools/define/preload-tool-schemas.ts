import {
  importOpenApiConverter,
  loadOpenApiConverter as requireOpenApiConverter,
} from '#platform/load-schema-libraries';
import { SchemaLibraryNotLoadedError } from '../../errors/schema-library-not-loaded-error.ts';
import {
  DEFINITION_KEYWORDS,
  SUBSCHEMA_KEYWORDS,
  SUBSCHEMA_LIST_KEYWORDS,
  SUBSCHEMA_MAP_KEYWORDS,
} from '../schema/json-schema-keywords.ts';
import { SchemaLibraryLoader } from '../schema/schema-library-loader.ts';
import type { toOpenApiSchema } from '../schema/to-open-api-schema.ts';
import { loadJsonSchemaValidator } from '../schema/validate-json-schema-args.ts';
import { isZodV3Schema, loadZodV3Converter } from '../schema/zod-v3-to-json-schema.ts';
import type { AnyTool } from '../tool.ts';
import { isBuiltinTool, isFunctionTool } from './is-function-tool.ts';
import type { ToolParameters } from './resolve-tool-parameters.ts';

/**
 * Loads what the given tools (and schemas) need to validate and convert their schemas, so that
 * their synchronous API works: a JSON Schema tool's validator (`@cfworker/json-schema`, for
 * `parseArgs`), a zod 3 schema's converter (`zod-to-json-schema`, for a tool's `declaration`
 * and `inputSchema`, and for `createAgent` with a zod 3 tool or `output`), and the OpenAPI
 * converter of a tool with `schemaFormat: 'openapi'` (for its `declaration`, and for
 * `createAgent` with it).
 *
 * On Node there is nothing to wait for: both load synchronously where they are first needed, and
 * this resolves at once (Bun and Deno load the Node build too). In the portable build (browsers,
 * Workers, edge runtimes) they load with `import()`, each in a chunk of its own, so an app whose
 * tools are all zod 4 with the default `parametersJsonSchema` never loads any. `defineTool` starts the import for the tools that need one, and an agent's run waits
 * for its tools' by itself; user code that reads one of those tools synchronously first (or
 * `createAgent` with a zod 3 or openapi tool or a zod 3 `output` right after defining it) awaits this, or gets a
 * {@link SchemaLibraryNotLoadedError} saying so. The AI SDK defers the same work behind promises
 * (`Schema.jsonSchema` may be a `PromiseLike`, awaited by its `prepareTools`); gemloop keeps the
 * tool's API synchronous and waits where a run starts.
 *
 * @param items Tools (function tools, and built-ins whose client-side handlers are tools) and zod 3
 *   schemas (an agent's `output`); anything else is passed over.
 * @throws the import's own error when a library could not be loaded (a failed import is not
 *   kept: the next call tries again), and for a zod 3 or openapi tool the
 *   {@link InvalidArgumentError} `defineTool` throws on Node for a schema that cannot be converted
 *   (or, with `strictSchema`, loses something).
 *
 * @example
 * ```ts
 * const lookup = defineTool({ name: 'lookup', parameters: z3.object({ id: z3.string() }), execute });
 * await preloadToolSchemas([lookup]);
 * const agent = createAgent({ gemini, model: 'gemini-3-flash-preview', tools: [lookup] });
 * ```
 */
export async function preloadToolSchemas(items: Iterable<AnyTool | ToolParameters>): Promise<void> {
  const list = [...items];
  await Promise.all(startSchemaLoads(list));
  for (const tool of functionToolsOf(list)) {
    // Makes the declaration of a tool that waited for a converter (zod 3's, the OpenAPI one): a
    // schema it refuses fails here, where the caller awaits, not at the next synchronous read.
    if (parametersSourceOf(tool) !== undefined) void tool.declaration;
  }
}

/**
 * The imports that `items` still wait for, started here (or in flight); none on Node, and none
 * once loaded. An agent's runs wait for its tools' before the first one uses them.
 * @internal
 */
export function startSchemaLoads(items: Iterable<unknown>): Promise<void>[] {
  const loads: Promise<void>[] = [];
  const add = (load: Promise<void> | undefined): void => {
    if (load !== undefined && !loads.includes(load)) loads.push(load);
  };
  for (const item of items) {
    if (isZodV3Schema(item)) add(loadZodV3Converter());
    for (const tool of functionToolsOf([item])) {
      const source = parametersSourceOf(tool);
      if (source === 'json-schema') add(loadJsonSchemaValidator());
      else if (source === 'zod-v3') add(loadZodV3Converter());
      if ((tool as { schemaFormat?: unknown }).schemaFormat === 'openapi')
        add(loadOpenApiConverter());
      add(patternCheckOf(tool, source));
    }
  }
  return loads;
}

/**
 * `toOpenApiSchema`, for `schemaFormat: 'openapi'`: on Node part of the root import (a tool's
 * declaration is made when it is defined); off Node imported when such a tool is defined, a chunk
 * a default app, whose tools send `parametersJsonSchema`, never loads. Here, not in a module of
 * its own: the root import's static graph is at its ceiling of modules.
 */
const openApi = new SchemaLibraryLoader<typeof toOpenApiSchema>(
  requireOpenApiConverter,
  importOpenApiConverter,
);

/**
 * Off Node, the import of the OpenAPI converter: started here (by `defineTool` for a tool with
 * `schemaFormat: 'openapi'`, by `startSchemaLoads`), or the one in flight. Undefined when there is
 * nothing to wait for: it is loaded, or this is Node.
 * @internal
 */
export function loadOpenApiConverter(): Promise<void> | undefined {
  return openApi.load();
}

/**
 * The OpenAPI converter of `schemaFormat: 'openapi'`.
 * @throws {@link SchemaLibraryNotLoadedError} off Node before its import arrived (started then).
 * @internal
 */
export function openApiConverter(toolName: string): typeof toOpenApiSchema {
  const loaded = openApi.get();
  if (loaded !== undefined) return loaded;
  openApi.load();
  throw new SchemaLibraryNotLoadedError({ library: 'openapi-converter', toolName });
}

/** The function tools among `items`, and those of the built-ins' client-side handlers. */
function* functionToolsOf(items: Iterable<unknown>): Generator<AnyTool & { kind: 'function' }> {
  for (const item of items) {
    if (isFunctionTool(item)) yield item;
    else if (isBuiltinTool(item)) for (const handler of item.handlers ?? []) yield handler;
  }
}

/**
 * The check of a `defineTool` tool's patterns, which a run awaits so that an unsafe one is refused
 * before any model call: the one `defineTool` started (with its zod regexes' flags and marks; off
 * Node, for a zod 3 tool defined before its converter, once that has loaded), else made here from
 * the JSON Schema (a copy of a tool, which does not carry the non-enumerable `patternCheck`).
 */
function patternCheckOf(tool: object, source: unknown): Promise<void> | undefined {
  const defined = tool as {
    inputSchema?: unknown;
    allowUnsafePatterns?: unknown;
    name: string;
    patternCheck?: Promise<void>;
  };
  if (source === undefined || defined.allowUnsafePatterns) return undefined;
  if (defined.patternCheck !== undefined) return defined.patternCheck;
  try {
    return checkSchemaPatterns(defined.inputSchema, defined.name, source === 'zod-v4');
  } catch {
    return undefined;
  }
}

/**
 * The analysis of a JSON Schema's regular expressions (`pattern` keywords, `patternProperties`
 * keys), which rejects with an {@link UnsafePatternError} when one can backtrack super-linearly on
 * a model's string; undefined when the schema has none (a `pattern` string elsewhere, in a `default`, only loads the
 * analysis, whose walk knows the difference). A small chunk decides most patterns first (no
 * unbounded quantifier, or one of zod's format patterns already judged: `prejudgeSchemaPatterns`);
 * only the rest load the analysis (scslre, refa, regexpp) with import(), on every runtime: modules
 * the root import does not load and chunks of their own in a browser bundle, so an app whose
 * schemas have no pattern loads neither, and one with `z.email()` or `z.uuid()` only the small one.
 * `regexes`: the zod schema the JSON Schema came from, whose RegExps keep the flags the JSON
 * Schema loses. A rejection nobody awaits is not reported as unhandled. Here, not in a module of its own: the
 * root import's static graph is at its ceiling of modules.
 * @internal
 */
export function checkSchemaPatterns(
  schema: unknown,
  toolName: string | undefined,
  zod4: boolean,
  regexes?: unknown,
): Promise<void> | undefined {
  // `"pattern":"` is the keyword (a property named `pattern` is followed by `{`), which a tool
  // with a `pattern` argument (a file search) must not wait for.
  if (!/"pattern(":"|Properties")/.test(JSON.stringify(schema ?? 0))) return undefined;
  const checked = import('../patterns/prejudge-schema-patterns.ts').then((judge) =>
    judge.prejudgeSchemaPatterns(schema, {
      toolName,
      regexes,
      source: zod4 ? 'zod-v4' : 'other',
      keywords: [
        SUBSCHEMA_KEYWORDS,
        SUBSCHEMA_LIST_KEYWORDS,
        SUBSCHEMA_MAP_KEYWORDS,
        DEFINITION_KEYWORDS,
      ],
    }),
  );
  checked.catch(() => {});
  return checked;
}

/** A tool's `parametersSource` (tools made by `defineTool` have one; others validate alone). */
function parametersSourceOf(tool: object): unknown {
  return (tool as { parametersSource?: unknown }).parametersSource;
}
