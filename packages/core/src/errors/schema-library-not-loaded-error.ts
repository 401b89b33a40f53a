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
