import type { Logger } from '../../logging/logger.ts';
import type { JsonSchemaParameters } from '../schema/json-schema.ts';
import type { SchemaWarning } from '../schema/schema-warning.ts';
import type { StandardSchemaV1 } from '../schema/standard-schema.ts';
import type { FunctionTool, ToolExecuteContext } from '../tool.ts';
import type { ToolParameters, ToolParametersSource } from './resolve-tool-parameters.ts';

/**
 * The type of the arguments `execute` receives for a `parameters` schema: the parsed (output) type
 * for zod 4, zod 3 and other Standard Schemas (defaults filled, transforms applied); the type given
 * to `jsonSchema<Args>()` for a typed JSON Schema; `Record<string, unknown>` for a plain one; and
 * an empty object when there are no parameters.
 */
export type InferToolArgs<Parameters> = [Parameters] extends [undefined]
  ? Record<string, never>
  : Parameters extends { readonly _zod: { readonly output: infer Output } }
    ? Output
    : Parameters extends { readonly _output: infer Output }
      ? Output
      : Parameters extends StandardSchemaV1<unknown, infer Output>
        ? Output
        : Parameters extends JsonSchemaParameters<infer Args>
          ? unknown extends Args
            ? Record<string, unknown>
            : Args
          : Record<string, unknown>;

/**
 * Where a `parameters` schema whose arguments are not an object is refused at compile time: the
 * type-checker reports this property as missing from the schema, and its name says what to do.
 * Gemini's function parameters are always an object of named parameters.
 */
export type NotAnObjectSchema = {
  readonly 'parameters must describe an object of named parameters, e.g. z.object({ value: z.string() })': never;
};

/**
 * `unknown` when `Parameters` describes an object of arguments (or may: `any`/`unknown` outputs
 * pass, the definition-time check still runs), {@link NotAnObjectSchema} when its arguments are
 * certainly a string, number, boolean, array or function.
 */
export type CheckObjectParameters<Parameters> = [Parameters] extends [undefined]
  ? unknown
  : IsObjectArgs<InferToolArgs<Parameters>> extends true
    ? unknown
    : NotAnObjectSchema;

type IsObjectArgs<Args> = 0 extends 1 & Args
  ? true
  : unknown extends Args
    ? true
    : [Args] extends [readonly unknown[]]
      ? false
      : [Args] extends [(...args: never[]) => unknown]
        ? false
        : [Args] extends [object]
          ? true
          : false;

/** How the parameter schema is sent to Gemini. */
export type ToolSchemaFormat = 'json-schema' | 'openapi';

/** The options of {@link defineTool}. */
export type DefineToolOptions<Parameters extends ToolParameters | undefined, Result> = {
  /** The function name the model calls: `^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$`. */
  name: string;
  /**
   * What the tool does and when to use it; the model reads it to decide. Optional for Gemini, but
   * a tool without one is reported as a `description` warning in `schemaWarnings` (and to
   * `onSchemaWarning` and `logger`), never an error.
   */
  description?: string | undefined;
  /**
   * The arguments: a zod 4 or zod 3 object schema, another Standard Schema with JSON Schema
   * support, or a JSON Schema object (type it with `jsonSchema<Args>()`). Omit for a tool without
   * arguments. Converted to JSON Schema once, here. A schema of anything but an object (`z.string()`)
   * is a type error, and an {@link InvalidArgumentError} at run time.
   */
  parameters?: Parameters & CheckObjectParameters<Parameters>;
  /** Runs a call, with the arguments parsed by `parseArgs`. Return any JSON value, or `toolResult()`. */
  execute: (
    args: InferToolArgs<Parameters>,
    context: ToolExecuteContext,
  ) => Result | Promise<Result>;
  /** Time limit of one call in milliseconds, overriding the agent's (the agent enforces it). */
  timeoutMs?: number | undefined;
  /**
   * Arguments that hold secrets, by path: `['password']`, `['auth.token']`, `['accounts.*.pin']`
   * (dot-separated keys; `*` is every key or array item). `execute` gets the real values and the
   * model's turn is sent back as it came; run recorder files, OpenTelemetry spans and tool errors
   * (so the logs that print them) show `'[redacted]'` instead. The agent's events carry the real
   * values: they stay in your process, as `execute`'s arguments do.
   */
  secretArguments?: readonly string[] | undefined;
  /**
   * `'json-schema'` (default) sends `declaration.parametersJsonSchema`; on Node, each `allOf` in
   * it (which Gemini does not document) is sent merged into one schema where that changes nothing
   * the schema accepts, refused where its members contradict each other, and otherwise sent as
   * written and reported in `schemaWarnings`. `'openapi'` sends
   * `declaration.parameters` in Gemini's OpenAPI subset, for the Live API or gateways that only
   * take it; what the subset cannot express is reported in `schemaWarnings`. Off Node (browsers,
   * Workers, edge runtimes) its converter loads with `import()` when such a tool is defined, so
   * an app that never asks for it does not carry it: `await preloadToolSchemas([tool])` (from
   * `@gemloop/core/tools`) before reading the tool's `declaration` or passing it to `createAgent`,
   * as for a zod 3 schema (a {@link SchemaLibraryNotLoadedError} says so otherwise).
   * @defaultValue `'json-schema'`
   */
  schemaFormat?: ToolSchemaFormat | undefined;
  /** Throw an {@link InvalidArgumentError} instead of warning when the schema loses something. */
  strictSchema?: boolean | undefined;
  /**
   * Run the schema's regular expressions (zod's `.regex()`, JSON Schema `pattern`) on the
   * arguments even when they can backtrack super-linearly. By default such a tool is refused
   * with an {@link UnsafePatternError} before any model call: the model's arguments are hostile
   * (a prompt injection steers them), and one call of 40 characters against `^(a+)+$` freezes
   * the process for hours. Set it only for a tool whose arguments never come from a model (a
   * `maxLength` does not help: validators run every check, the pattern too). The same as passing
   * `parameters: allowUnsafePatterns(schema)` (from `@gemloop/core/tools`), the mark an `output`
   * schema takes too; this option skips the check without marking the schema, and is what sets
   * the tool's `allowUnsafePatterns` field (a marked schema leaves it absent).
   * @defaultValue false
   */
  allowUnsafePatterns?: boolean | undefined;
  /** Called once per schema warning (a missing description included), when the tool is defined. */
  onSchemaWarning?: ((warning: SchemaWarning, toolName: string) => void) | undefined;
  /** Schema warnings are also logged here at `warn`. */
  logger?: Logger | undefined;
  /** Cleanup when the agent that owns the tool closes (connections, file handles). */
  close?: (() => void | Promise<void>) | undefined;
  /**
   * In a live session (`@gemloop/core/live`): `'NON_BLOCKING'` runs the tool in the background
   * while the conversation goes on; its result is sent with `scheduling`. Only the Live API
   * takes it (Google's `Behavior`: "currently only supported by the BidiGenerateContent
   * method"), so runs never send it. @defaultValue 'BLOCKING'
   */
  behavior?: 'BLOCKING' | 'NON_BLOCKING' | undefined;
  /**
   * How a background call's result reaches a live conversation: `'SILENT'` (into the context
   * only), `'WHEN_IDLE'` (the model answers once idle) or `'INTERRUPT'` (it stops to answer).
   * @defaultValue the session's `toolScheduling`, else 'WHEN_IDLE'
   */
  scheduling?: 'SILENT' | 'WHEN_IDLE' | 'INTERRUPT' | undefined;
};

/** A tool made by {@link defineTool}: a {@link FunctionTool} plus what was learnt from its schema. */
export interface DefinedTool<Args, Result> extends FunctionTool<Args, Result> {
  /**
   * What the declaration sent to Gemini cannot express, or lacks (empty for most tools): schema
   * losses, and a `description` warning for a tool without a description.
   */
  readonly schemaWarnings: readonly SchemaWarning[];
  /** The JSON Schema of the arguments as converted from `parameters`, before Gemini-specific cleaning. */
  readonly inputSchema: Record<string, unknown> | undefined;
  /** Where the parameter schema came from. */
  readonly parametersSource: ToolParametersSource;
  /** `true` when defined with `allowUnsafePatterns: true` (absent otherwise). */
  readonly allowUnsafePatterns?: true | undefined;
}
