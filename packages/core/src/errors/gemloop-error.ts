import type { UsageMetadata } from '../wire/response.ts';

// why (brand): a registered symbol, so `isInstance` knows a gemloop error from another copy of
// gemloop.
const marker = Symbol.for('gemloop.error');

/**
 * The usage a streamed answer reported before it was cut: the last `usageMetadata` seen (Gemini's
 * counts are cumulative), marked `partial: true`, since the tokens up to the cut are billed.
 */
export type PartialUsage = UsageMetadata & { readonly partial: true };

/** Options every gemloop error takes. */
export type GemloopErrorOptions = {
  message: string;
  cause?: unknown;
};

/**
 * The base of every error gemloop throws. Check with {@link GemloopError.isInstance} (or a
 * subclass's `isInstance`) rather than `instanceof`: the check works across duplicate installs of
 * the package, where `instanceof` fails.
 *
 * Messages and `toJSON()` never contain an API key or an auth header.
 */
export class GemloopError extends Error {
  /** A stable, machine-readable kind, e.g. `api-call` or `tool-input`. */
  readonly code: string = 'gemloop';
  /**
   * Set on the error a streamed answer fails with (a `StreamError`, a `TimeoutError`, ...) after
   * chunks that reported usage: the last usage seen, marked partial. Undefined otherwise.
   */
  declare readonly partialUsage?: PartialUsage | undefined;

  constructor({ message, cause }: GemloopErrorOptions) {
    super(message, cause === undefined ? undefined : { cause });
    // Non-enumerable, so it stays out of `Object.entries` and `JSON.stringify`.
    Object.defineProperty(this, marker, { value: true });
  }

  /**
   * The class's name: its constructor's (`CodedError` for a class of yours too), except where a
   * minifier renamed the class (`e` in the browser bundle of an app), where it is made from `code`,
   * which every subclass sets: `AgentAbortedError` for `agent-aborted`. A renamed class is a short
   * name that does not end in `Error`; a class of ours whose name is not its code's sets its own.
   */
  override get name(): string {
    // Never throws: V8 reads `name` to format a lazy `stack`, also on a copy whose `code` is not
    // set yet (scrubSecrets copies an error's own properties one by one, `stack` first).
    try {
      const named: unknown = this.constructor.name;
      if (typeof named === 'string' && (named.endsWith('Error') || named.length > 3)) return named;
      return `${this.code.replace(/\b-?(.)/g, (_, letter: string) => letter.toUpperCase())}Error`;
    } catch {
      return 'GemloopError';
    }
  }

  /** Whether `error` is a gemloop error, from any copy of the package. */
  static isInstance(error: unknown): error is GemloopError {
    return isGemloopError(error);
  }

  /**
   * Checks the marker and the `code` of a subclass, so `ApiCallError.isInstance(error)` also
   * holds for an `ApiCallError` thrown by another copy of gemloop.
   */
  protected static hasCode(error: unknown, code: string): boolean {
    return isGemloopError(error) && error.code === code;
  }

  /** A plain-data view for logs and `JSON.stringify`: name, code, message and own fields. */
  toJSON(): Record<string, unknown> {
    return errorJson(this, 0);
  }
}

// How many causes deep a plain-data view goes: a cause chain that loops (A caused by B caused by
// A) would otherwise recurse until the stack overflows, while a log line reports the error.
const MAX_CAUSE_DEPTH = 8;

function errorJson(error: GemloopError, depth: number): Record<string, unknown> {
  const json: Record<string, unknown> = {
    name: error.name,
    code: error.code,
    message: error.message,
  };
  for (const [key, value] of Object.entries(error)) {
    if (key !== 'code' && value !== undefined) json[key] = value;
  }
  if (error.cause !== undefined) json['cause'] = describeCause(error.cause, depth + 1);
  return json;
}

// why (no self-reference): a class whose body names itself is emitted by esbuild's bundle
// (scripts/bundle-core.mjs) as `var GemloopError = class _GemloopError`, whose `name` is then
// `_GemloopError`; the checks live outside the class body so the class keeps its own name.
function isGemloopError(error: unknown): error is GemloopError {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as Record<symbol, unknown>)[marker] === true
  );
}

function describeCause(cause: unknown, depth: number): unknown {
  if (GemloopError.isInstance(cause)) {
    return depth > MAX_CAUSE_DEPTH
      ? { name: cause.name, code: cause.code, message: cause.message }
      : errorJson(cause, depth);
  }
  if (cause instanceof Error) return { name: cause.name, message: cause.message };
  if (typeof cause !== 'object' || cause === null) return String(cause);
  // A plain cause is described by its shape, not String(): String() throws on objects without a
  // prototype, and JSON.stringify of a cyclic one would throw while reporting another error.
  try {
    return JSON.parse(JSON.stringify(cause)) as unknown;
  } catch {
    return Object.prototype.toString.call(cause);
  }
}
