import { type DeclaredOptions, defineOptions } from '../options/define-options.ts';
import {
  arrayOption,
  booleanOption,
  functionOption,
  optionCheck,
} from '../options/option-checks.ts';
import type {
  InputGuardrail,
  OutputGuardrail,
  ToolErrorContext,
  ToolGuardrail,
} from './guardrail.ts';

/**
 * The default time limit of one guardrail check. A classifier is one small model call; a check
 * still running after this is treated as its `onTimeout` says (closed by default: the run ends).
 */
export const DEFAULT_GUARDRAIL_TIMEOUT_MS = 30_000;

/**
 * Guardrails: checks on a run's input, its final answer and its function calls, and the rewrite
 * of thrown tool errors. Set on the agent (`createAgent({ guardrails })`), on a chat session, or on
 * one run (`run(input, { guardrails })`); they compose: the agent's guardrails run first, then the
 * session's, then the run's (each list in its order), and the innermost `timeoutMs`, `onTimeout`,
 * `holdBack` and `onToolError` given win.
 */
export type GuardrailOptions = {
  /** Checks on the run's new input (each chat message), before or beside the first model call. */
  input?: readonly InputGuardrail[] | undefined;
  /** Checks on the final answer (structured output after validation). */
  output?: readonly OutputGuardrail[] | undefined;
  /** Checks before and after function calls. */
  tools?: readonly ToolGuardrail[] | undefined;
  /**
   * Time limit of one check, in milliseconds (a guardrail's own `timeoutMs` wins).
   * @defaultValue 30000 (`DEFAULT_GUARDRAIL_TIMEOUT_MS`)
   */
  timeoutMs?: number | undefined;
  /**
   * What a check that hangs past its limit means: `'fail-closed'` trips (the run ends with a
   * `GuardrailTrippedError`), `'fail-open'` lets the value through (the event and span say so).
   * A check that throws always fails closed. @defaultValue 'fail-closed'
   */
  onTimeout?: 'fail-closed' | 'fail-open' | undefined;
  /**
   * Streams only: hold the final answer's text deltas back until the output guardrails passed or
   * rewrote it (then one `text-delta` with what passed). Without it the deltas flow as the model
   * writes them, and a block or rewrite after the fact is a `guardrail-retraction` event.
   * Steps that end with function calls are released at their end. @defaultValue false
   */
  holdBack?: boolean | undefined;
  /**
   * The message the model gets for a tool that threw. @defaultValue `safeToolErrorMessage`: the
   * error's class and message, no stack, no cause chain, no URLs, paths, addresses or host:port
   */
  onToolError?: ((error: unknown, context: ToolErrorContext) => string) | undefined;
};

const named = (value: unknown): boolean =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { name?: unknown }).name === 'string' &&
  (value as { name: string }).name.trim() !== '';

const hasFunction = (value: unknown, ...keys: string[]): boolean =>
  keys.some((key) => typeof (value as Record<string, unknown>)[key] === 'function');

/** The strict check of {@link GuardrailOptions}. @internal */
export const guardrailOptions: DeclaredOptions<GuardrailOptions> = defineOptions<GuardrailOptions>({
  name: 'guardrails',
  example: "{ input: [{ name: 'no-injection', check }], output: [...], tools: [...] }",
  checks: {
    input: arrayOption({
      item: (value) => named(value) && hasFunction(value, 'check'),
      message: (path) =>
        `${path} must be an array of { name, check(input, context), runInParallel? }: each guardrail needs a non-empty name and a check function.`,
    }),
    output: arrayOption({
      item: (value) => named(value) && hasFunction(value, 'check'),
      message: (path) =>
        `${path} must be an array of { name, check(output, context) }: each guardrail needs a non-empty name and a check function.`,
    }),
    tools: arrayOption({
      item: (value) => named(value) && hasFunction(value, 'before', 'after'),
      message: (path) =>
        `${path} must be an array of { name, before?, after?, tools? }: each needs a non-empty name and a before or after function.`,
    }),
    timeoutMs: optionCheck(
      (value) => typeof value === 'number' && value > 0,
      (path, value) =>
        `${path} must be a positive number of milliseconds (or Infinity for no limit); got ${String(value)}.`,
    ),
    onTimeout: optionCheck(
      (value) => value === 'fail-closed' || value === 'fail-open',
      (path, value) => `${path} must be 'fail-closed' or 'fail-open'; got ${String(value)}.`,
    ),
    holdBack: booleanOption(),
    onToolError: functionOption(),
  },
});

/** The guardrails of a run once the agent's, the session's and the run's are joined. @internal */
export type ResolvedGuardrails = {
  input: readonly InputGuardrail[];
  output: readonly OutputGuardrail[];
  tools: readonly ToolGuardrail[];
  timeoutMs: number;
  failOpen: boolean;
  holdBack: boolean;
  onToolError: ((error: unknown, context: ToolErrorContext) => string) | undefined;
};

/**
 * Joins guardrail options, outermost first (agent, session, run): lists are concatenated in that
 * order, the innermost setting given wins. `undefined` when there is nothing to check or rewrite,
 * so a run without guardrails pays nothing. @internal
 */
export function composeGuardrails(
  ...layers: readonly (GuardrailOptions | undefined)[]
): ResolvedGuardrails | undefined {
  const input: InputGuardrail[] = [];
  const output: OutputGuardrail[] = [];
  const tools: ToolGuardrail[] = [];
  let timeoutMs = DEFAULT_GUARDRAIL_TIMEOUT_MS;
  let failOpen = false;
  let holdBack = false;
  let onToolError: ResolvedGuardrails['onToolError'];
  let any = false;
  for (const layer of layers) {
    if (layer === undefined) continue;
    any = true;
    if (layer.input !== undefined) input.push(...layer.input);
    if (layer.output !== undefined) output.push(...layer.output);
    if (layer.tools !== undefined) tools.push(...layer.tools);
    if (layer.timeoutMs !== undefined) timeoutMs = layer.timeoutMs;
    if (layer.onTimeout !== undefined) failOpen = layer.onTimeout === 'fail-open';
    if (layer.holdBack !== undefined) holdBack = layer.holdBack;
    if (layer.onToolError !== undefined) onToolError = layer.onToolError;
  }
  if (!any) return undefined;
  return { input, output, tools, timeoutMs, failOpen, holdBack, onToolError };
}

/**
 * Joins two guardrail options into one, `outer` first (a chat session's, then its send's; a
 * parent run's, then a child agent's): lists concatenated in that order, `inner`'s settings
 * winning. An agent run as a tool inherits its parent's guardrails by passing them through this
 * as the child run's `guardrails`.
 */
export function joinGuardrailOptions(
  outer: GuardrailOptions | undefined,
  inner: GuardrailOptions | undefined,
): GuardrailOptions | undefined {
  if (outer === undefined) return inner;
  if (inner === undefined) return outer;
  return {
    input: [...(outer.input ?? []), ...(inner.input ?? [])],
    output: [...(outer.output ?? []), ...(inner.output ?? [])],
    tools: [...(outer.tools ?? []), ...(inner.tools ?? [])],
    timeoutMs: inner.timeoutMs ?? outer.timeoutMs,
    onTimeout: inner.onTimeout ?? outer.onTimeout,
    holdBack: inner.holdBack ?? outer.holdBack,
    onToolError: inner.onToolError ?? outer.onToolError,
  };
}
