import { mergeJsonSchemaAllOf } from '#platform/load-schema-libraries';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { SchemaLibraryNotLoadedError } from '../../errors/schema-library-not-loaded-error.ts';
import type { Logger } from '../../logging/logger.ts';
import { isLevelEnabled } from '../../logging/logger.ts';
import {
  booleanOption,
  checkedWhereUsed,
  type DeclaredOptions,
  defineOptions,
  describeValue,
  functionOption,
  optionCheck,
} from '../../options/define-options.ts';
import type { FunctionDeclaration } from '../../wire/request.ts';
import { cleanJsonSchema } from '../schema/clean-json-schema.ts';
import { assertUsableJsonSchema } from '../schema/find-json-schema-problems.ts';
import { formatPath } from '../schema/inline-refs.ts';
import type { SchemaWarning } from '../schema/schema-warning.ts';
import { loadJsonSchemaValidator } from '../schema/validate-json-schema-args.ts';
import { loadZodV3Converter, type ZodV3SchemaLike } from '../schema/zod-v3-to-json-schema.ts';
import type { ToolArgumentsResult } from '../tool.ts';
import { assertValidToolName } from './check-tool-name.ts';
import type {
  DefinedTool,
  DefineToolOptions,
  InferToolArgs,
  ToolSchemaFormat,
} from './define-tool-options.ts';
import {
  checkSchemaPatterns,
  loadOpenApiConverter,
  openApiConverter,
} from './preload-tool-schemas.ts';
import { checkSecretArguments } from './redact-arguments.ts';
import type { ResolvedToolParameters, ToolParameters } from './resolve-tool-parameters.ts';
import { createZodV3ArgsParser, resolveToolParameters } from './resolve-tool-parameters.ts';

/**
 * Defines a function tool: validates the name against Gemini's rule, converts the parameter schema
 * to the declaration once, and types `execute`'s arguments from the schema.
 *
 * @example
 * const weather = defineTool({
 *   name: 'get_weather',
 *   description: 'Current weather for a city.',
 *   parameters: z.object({ city: z.string(), unit: z.enum(['c', 'f']).default('c') }),
 *   execute: async ({ city, unit }) => ({ city, temperature: 21, unit }),
 * });
 *
 * @throws {@link InvalidArgumentError} for an invalid name, a schema that is not an object schema
 * or cannot be converted, a recursive schema with `schemaFormat: 'openapi'`, or any schema warning
 * with `strictSchema: true` (off Node, for a zod 3 schema or `schemaFormat: 'openapi'`, what needs
 * the converter is thrown where the declaration is made: `preloadToolSchemas` or its first read).
 */
export function defineTool<
  Parameters extends ToolParameters | undefined = undefined,
  Result = unknown,
>(options: DefineToolOptions<Parameters, Result>): DefinedTool<InferToolArgs<Parameters>, Result> {
  // A misspelt `parameters` would otherwise define a tool without arguments, silently.
  defineToolOptions.check(options);
  const {
    name,
    description,
    parameters,
    execute,
    timeoutMs,
    secretArguments,
    schemaFormat = 'json-schema',
    strictSchema = false,
    onSchemaWarning,
    logger,
    close,
    behavior,
    scheduling,
    allowUnsafePatterns,
  } = options;
  assertValidToolName(name);
  if (description !== undefined && typeof description !== 'string') {
    throw new InvalidArgumentError({
      argument: 'description',
      message: `The description of tool "${name}" must be a string.`,
    });
  }
  if (typeof execute !== 'function') {
    throw new InvalidArgumentError({
      argument: 'execute',
      message: `Tool "${name}" needs an execute function: (args, context) => result.`,
    });
  }
  if (timeoutMs !== undefined && !(typeof timeoutMs === 'number' && timeoutMs > 0)) {
    throw new InvalidArgumentError({
      argument: 'timeoutMs',
      message: `The timeoutMs of tool "${name}" must be a positive number of milliseconds, got ${describeValue(timeoutMs)}.`,
    });
  }
  if (schemaFormat !== 'json-schema' && schemaFormat !== 'openapi') {
    throw new InvalidArgumentError({
      argument: 'schemaFormat',
      message: `The schemaFormat of tool "${name}" must be 'json-schema' or 'openapi', got ${JSON.stringify(schemaFormat)}.`,
    });
  }
  if (close !== undefined && typeof close !== 'function') {
    throw new InvalidArgumentError({
      argument: 'close',
      message: `The close option of tool "${name}" must be a function.`,
    });
  }

  checkLiveOption(name, 'behavior', behavior, ['BLOCKING', 'NON_BLOCKING']);
  checkLiveOption(name, 'scheduling', scheduling, ['SILENT', 'WHEN_IDLE', 'INTERRUPT']);

  // Checked here so a bad path fails where it is written; the agent reads the paths again.
  checkSecretArguments(secretArguments, name);

  const schemaOptions: SchemaOptions = {
    parameters,
    name,
    description,
    schemaFormat,
    strictSchema,
    onSchemaWarning,
    logger,
  };
  let resolved: ResolvedToolParameters | undefined;
  let described: DescribedParameters | undefined;
  try {
    resolved = resolveParameters(schemaOptions);
    described = describeParameters(schemaOptions, resolved);
  } catch (error) {
    // Off Node, a zod 3 schema's converter and the OpenAPI converter of `schemaFormat: 'openapi'`
    // load with import() (started by the attempt): the tool is made now, and what needs one of
    // them when first read (see below).
    if (!SchemaLibraryNotLoadedError.isInstance(error)) throw error;
  }
  // Off Node, a JSON Schema tool's validator loads with import(): started here, so that it is
  // there (or nearly) when the agent's first run waits for it or `parseArgs` needs it.
  if (resolved?.source === 'json-schema') loadJsonSchemaValidator();

  const parse = (resolved?.parse ??
    createZodV3ArgsParser(parameters as unknown as ZodV3SchemaLike, name)) as (
    args: unknown,
  ) => ToolArgumentsResult<InferToolArgs<Parameters>>;
  // A pattern meets no argument before the analysis passed it (an agent's first run awaits it
  // and is refused before any model call; parseArgs by hand throws until it is done). Off Node
  // a zod 3 tool's schema waits for its converter (its load started by describeParameters), and
  // is checked once that is there, with the zod schema's regex flags and marks, which its JSON
  // Schema loses: runs and preloadToolSchemas await that check.
  const checking = allowUnsafePatterns
    ? undefined
    : resolved
      ? checkSchemaPatterns(resolved.jsonSchema, name, resolved.source === 'zod-v4', parameters)
      : (loadZodV3Converter() as Promise<void>).then(() =>
          checkSchemaPatterns(tool.inputSchema, name, false, parameters),
        );
  // Off Node, before zod 3's converter, parseArgs runs zod 3 alone (as it did): the check waits.
  let verdict: unknown = resolved && checking && name;
  checking?.then(
    () => {
      verdict = undefined;
    },
    (error: unknown) => {
      verdict = error;
    },
  );
  const parseArgs =
    checking === undefined
      ? parse
      : (args: unknown): ToolArgumentsResult<InferToolArgs<Parameters>> => {
          if (verdict === name)
            throw new SchemaLibraryNotLoadedError({ library: 'pattern-analysis', toolName: name });
          if (verdict !== undefined) throw verdict;
          return parse(args);
        };
  const tool: DefinedTool<InferToolArgs<Parameters>, Result> = {
    kind: 'function',
    name,
    description,
    declaration: described?.declaration as FunctionDeclaration,
    timeoutMs,
    secretArguments:
      secretArguments === undefined ? undefined : Object.freeze([...secretArguments]),
    parseArgs,
    execute,
    close: close === undefined ? undefined : toAsyncClose(close),
    schemaWarnings: described?.schemaWarnings as readonly SchemaWarning[],
    inputSchema: resolved?.jsonSchema,
    parametersSource: resolved?.source ?? 'zod-v3',
  };
  if (described === undefined) {
    // A tool defined off Node before its zod 3 converter or its OpenAPI converter arrived: what
    // comes of its schema is made on first read, in place (the keys keep their order), and until
    // the converter is there that read throws a SchemaLibraryNotLoadedError saying what to await
    // (`preloadToolSchemas`); a schema the converter refuses throws its InvalidArgumentError (and
    // `strictSchema` its losses) then, not here. The JSON Schema needs no OpenAPI converter, so
    // the pattern check of a zod 3 tool waits for its own converter only. On Node, and once the
    // converters are loaded, the tool is made whole above.
    const resolve = (): ResolvedToolParameters => (resolved ??= resolveParameters(schemaOptions));
    const describe = (): DescribedParameters =>
      (described ??= describeParameters(schemaOptions, resolve()));
    Object.defineProperties(tool, {
      declaration: { get: () => describe().declaration, enumerable: true },
      schemaWarnings: { get: () => describe().schemaWarnings, enumerable: true },
      inputSchema: { get: () => resolve().jsonSchema, enumerable: true },
    });
  }
  // Only when given, so a tool without them keeps its old shape (and its snapshots).
  if (behavior !== undefined) Object.assign(tool, { behavior });
  if (scheduling !== undefined) Object.assign(tool, { scheduling });
  if (allowUnsafePatterns === true) Object.assign(tool, { allowUnsafePatterns });
  if (schemaFormat === 'openapi') {
    // Off Node, its import starts here (a zod 3 tool's declaration waited for zod 3's converter
    // first, and has not asked for it yet). The mark is for `startSchemaLoads`, which loads it
    // for such a tool; not enumerable: the tool's shape stays the same.
    loadOpenApiConverter();
    Object.defineProperty(tool, 'schemaFormat', { value: schemaFormat });
  }
  // The check itself, for runs to await (`startSchemaLoads`): it read the zod schema's flags,
  // which the tool's JSON Schema lost. Not enumerable: a copy of the tool does not carry it.
  if (checking !== undefined) Object.defineProperty(tool, 'patternCheck', { value: checking });
  return Object.freeze(tool);
}

/** What `defineTool` makes of its `parameters`: the schema options it reads. */
type SchemaOptions = {
  parameters: unknown;
  name: string;
  description: string | undefined;
  schemaFormat: ToolSchemaFormat;
  strictSchema: boolean;
  onSchemaWarning: ((warning: SchemaWarning, toolName: string) => void) | undefined;
  logger: Logger | undefined;
};

/** A tool's schema, converted, checked and laid out as its declaration, with the warnings. */
type DescribedParameters = ResolvedToolParameters & {
  declaration: FunctionDeclaration;
  schemaWarnings: readonly SchemaWarning[];
};

/**
 * Converts the parameters to JSON Schema and checks them.
 *
 * @throws {@link InvalidArgumentError} as {@link defineTool} documents.
 * @throws {@link SchemaLibraryNotLoadedError} off Node for a zod 3 schema whose converter has not
 *   been imported yet.
 */
function resolveParameters({ parameters, name }: SchemaOptions): ResolvedToolParameters {
  const resolved = resolveToolParameters(parameters, name);
  // A plain JSON Schema is validated by a JSON Schema validator that trusts it: a misspelt `type`
  // or a bad `pattern` would fail every call, so it fails here. Converted schemas are generated.
  if (resolved.source === 'json-schema') {
    assertUsableJsonSchema(resolved.jsonSchema, {
      argument: 'parameters',
      subject: `The parameters schema of tool "${name}"`,
    });
  }
  return resolved;
}

/**
 * Makes the declaration of the resolved parameters, reporting the warnings (once: the result is
 * kept).
 *
 * @throws {@link InvalidArgumentError} as {@link defineTool} documents.
 * @throws {@link SchemaLibraryNotLoadedError} off Node for `schemaFormat: 'openapi'` before its
 *   converter has been imported.
 */
function describeParameters(
  { name, description, schemaFormat, strictSchema, onSchemaWarning, logger }: SchemaOptions,
  resolved: ResolvedToolParameters,
): DescribedParameters {
  const declaration: FunctionDeclaration = { name };
  if (description !== undefined) declaration.description = description;
  let schemaWarnings: SchemaWarning[] = [];
  if (resolved.jsonSchema !== undefined) {
    if (schemaFormat === 'openapi') {
      // From the converted schema, not a cleaned one, so every loss is reported at its source.
      const converted = openApiConverter(name)(resolved.jsonSchema, { toolName: name });
      schemaWarnings = converted.warnings;
      // An empty `properties` is a 400 in `parameters` ("should be non-empty for OBJECT type",
      // vercel/ai#3371, agno-agi/agno#2112); Gemini documents omitting it for no parameters.
      if (converted.schema !== undefined) declaration.parameters = converted.schema;
    } else {
      declaration.parametersJsonSchema = cleanParameters(resolved.jsonSchema, name, schemaWarnings);
    }
  }
  // strictSchema is about what the schema loses; a missing description is a weaker tool, not a
  // loss, and Gemini accepts it, so it is reported (below) but never thrown.
  reportWarnings({ name, schemaWarnings, strictSchema, onSchemaWarning, logger });
  if (description === undefined || description.trim() === '') {
    const warning: SchemaWarning = {
      path: [],
      keyword: 'description',
      message:
        'The tool has no description: the model decides when to call a tool, and with what, from ' +
        'its name and description. Add a description that says what it does and when to use it.',
    };
    schemaWarnings.push(warning);
    reportWarnings({
      name,
      schemaWarnings: [warning],
      strictSchema: false,
      onSchemaWarning,
      logger,
    });
  }

  return { ...resolved, declaration, schemaWarnings: Object.freeze(schemaWarnings) };
}

// One wrapper per close function, so tools given the same `close` (every tool of one MCP
// connection) share one `tool.close` and the agent, which calls each distinct close once, closes
// the connection once.
// why (cache): a pure function of the close function (one wrapper each, kept for its identity).
const asyncCloses = new WeakMap<() => void | Promise<void>, () => Promise<void>>();

function toAsyncClose(close: () => void | Promise<void>): () => Promise<void> {
  let wrapped = asyncCloses.get(close);
  if (wrapped === undefined) {
    wrapped = async () => {
      await close();
    };
    asyncCloses.set(close, wrapped);
  }
  return wrapped;
}

const defineToolOptions: DeclaredOptions<DefineToolOptions<ToolParameters | undefined, unknown>> =
  defineOptions<DefineToolOptions<ToolParameters | undefined, unknown>>({
    name: 'defineTool',
    example: '{ name, description, parameters, execute }',
    checks: {
      // These are checked in defineTool, whose messages name the tool ("The timeoutMs of tool
      // "get_weather" must be ..."); a declared check sees only its own option.
      name: checkedWhereUsed,
      description: checkedWhereUsed,
      parameters: checkedWhereUsed,
      execute: checkedWhereUsed,
      timeoutMs: checkedWhereUsed,
      secretArguments: checkedWhereUsed,
      schemaFormat: checkedWhereUsed,
      close: checkedWhereUsed,
      behavior: checkedWhereUsed,
      scheduling: checkedWhereUsed,
      strictSchema: booleanOption(),
      allowUnsafePatterns: booleanOption(),
      onSchemaWarning: functionOption(),
      logger: optionCheck(
        (value) => typeof (value as { warn?: unknown } | null)?.warn === 'function',
        'logger must be a Logger (pino, or any object with child, debug, info, warn, error).',
      ),
    },
  });

function checkLiveOption(
  name: string,
  option: 'behavior' | 'scheduling',
  value: unknown,
  allowed: readonly string[],
): void {
  if (value !== undefined && !allowed.includes(value as string)) {
    throw new InvalidArgumentError({
      argument: option,
      message: `The ${option} of tool "${name}" must be ${allowed.map((item) => `'${item}'`).join(' or ')}, got ${JSON.stringify(value)}.`,
    });
  }
}

function cleanParameters(
  schema: Record<string, unknown>,
  name: string,
  warnings: SchemaWarning[],
): Record<string, unknown> {
  try {
    // An `allOf` kept as written (merging it would change what passes) is a warning.
    return cleanJsonSchema(
      mergeJsonSchemaAllOf(schema, (path, keyword, message) =>
        warnings.push({ path, keyword, message }),
      ),
    );
  } catch (error) {
    throw new InvalidArgumentError({
      argument: 'parameters',
      message: `The parameters schema of tool "${name}" is invalid: ${error instanceof Error ? error.message : String(error)}.`,
      cause: error,
    });
  }
}

function reportWarnings({
  name,
  schemaWarnings,
  strictSchema,
  onSchemaWarning,
  logger,
}: {
  name: string;
  schemaWarnings: SchemaWarning[];
  strictSchema: boolean;
  onSchemaWarning: ((warning: SchemaWarning, toolName: string) => void) | undefined;
  logger: Logger | undefined;
}): void {
  if (schemaWarnings.length === 0) return;
  if (strictSchema) {
    const list = schemaWarnings
      .map((warning) => `- ${formatPath(warning.path)} (${warning.keyword}): ${warning.message}`)
      .join('\n');
    throw new InvalidArgumentError({
      argument: 'parameters',
      message: `The parameters schema of tool "${name}" cannot be sent to Gemini without losing something (strictSchema is on):\n${list}`,
    });
  }
  for (const warning of schemaWarnings) {
    onSchemaWarning?.(warning, name);
    if (logger !== undefined && isLevelEnabled(logger, 'warn')) {
      logger.warn(
        { toolName: name, path: formatPath(warning.path), keyword: warning.keyword },
        `tool schema: ${warning.message}`,
      );
    }
  }
}
