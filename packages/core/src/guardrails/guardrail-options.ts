import type { GuardrailsValue } from '../agent/config/guardrails-value.ts';
import {
  arrayOption,
  booleanOption,
  type DeclaredOptions,
  defineOptions,
  describeValue,
  functionOption,
  optionCheck,
} from '../options/define-options.ts';
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
   * Streams only (`agent.stream`, a chat's `sendStream`, the pages and durable event streams built
   * on them): send no text the guardrails have not passed. Per run: with output guardrails, the
   * only text sent is the answer, as one `text-delta` of what they passed or rewrote; the text of
   * a step that goes on to calls or is asked again is never sent (no guardrail judges it), nor is
   * a subagent's (its `text-delta`s, and its answer as the output of the parent's `tool-result`,
   * which says `outputHeld`). With input guardrails that `runInParallel` (and no output
   * guardrails), the first call's text waits until they passed, then text flows. The records keep
   * every text (`result.steps`, and the `step-end` and `run-end` events, which a page never gets
   * as text); thought summaries (`thought-delta`, sent to a page only with `thoughts: true`) are
   * not answer text and are not held. Without it the deltas flow as the model writes them, and a
   * block or rewrite after the fact is a `guardrail-retraction` event. @defaultValue false
   */
  holdBack?: boolean | undefined;
  /**
   * The message the model gets for a tool that threw, a failed subagent and a remote A2A agent's
   * failed task among them (for those, `error` is the child's error, or an `Error` with the remote
   * agent's words, and `defaultMessage` their words for the model). @defaultValue
   * `safeToolErrorMessage`: the error's class and message, no stack, no cause chain, no URLs,
   * paths, addresses or host:port
   */
  onToolError?: ((error: unknown, context: ToolErrorContext) => string) | undefined;
};

const named = (value: unknown): boolean =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { name?: unknown }).name === 'string' &&
  (value as { name: string }).name.trim() !== '';

// A guardrail's own time limit, like the shared one, is a positive number: NaN would set no timer
// (no limit at all) and 0 or less would time every check out (each one passing under fail-open).
const ownTimeout = (value: unknown): boolean => {
  const timeoutMs = (value as { timeoutMs?: unknown }).timeoutMs;
  return timeoutMs === undefined || (typeof timeoutMs === 'number' && timeoutMs > 0);
};

const hasFunction = (value: unknown, ...keys: string[]): boolean =>
  keys.some((key) => typeof (value as Record<string, unknown>)[key] === 'function');

/** The strict check of {@link GuardrailOptions}. @internal */
export const guardrailOptions: DeclaredOptions<GuardrailOptions> = defineOptions<GuardrailOptions>({
  name: 'guardrails',
  example: "{ input: [{ name: 'no-injection', check }], output: [...], tools: [...] }",
  checks: {
    input: arrayOption({
      item: (value) => named(value) && hasFunction(value, 'check') && ownTimeout(value),
      message: (path) =>
        `${path} must be an array of { name, check(input, context), runInParallel?, timeoutMs? }: each guardrail needs a non-empty name and a check function, and a timeoutMs, when given, must be a positive number of milliseconds (or Infinity).`,
    }),
    output: arrayOption({
      item: (value) => named(value) && hasFunction(value, 'check') && ownTimeout(value),
      message: (path) =>
        `${path} must be an array of { name, check(output, context), timeoutMs? }: each guardrail needs a non-empty name and a check function, and a timeoutMs, when given, must be a positive number of milliseconds (or Infinity).`,
    }),
    tools: arrayOption({
      item: (value) => named(value) && hasFunction(value, 'before', 'after') && ownTimeout(value),
      message: (path) =>
        `${path} must be an array of { name, before?, after?, tools?, timeoutMs? }: each needs a non-empty name and a before or after function, and a timeoutMs, when given, must be a positive number of milliseconds (or Infinity).`,
    }),
    timeoutMs: optionCheck(
      (value) => typeof value === 'number' && value > 0,
      (path, value) =>
        `${path} must be a positive number of milliseconds (or Infinity for no limit); got ${describeValue(value)}.`,
    ),
    onTimeout: optionCheck(
      (value) => value === 'fail-closed' || value === 'fail-open',
      (path, value) => `${path} must be 'fail-closed' or 'fail-open'; got ${describeValue(value)}.`,
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
 * The value of a `guardrails` option (agent, run, chat session, send): made by `guardrails()`, it
 * carries the checks' options and their implementation, so an agent without guardrails never
 * loads (nor bundles) the checks: the loop reaches them only through this value.
 */
export type Guardrails = GuardrailsValue & {
  /** The options it was made from (checked). */
  readonly options: GuardrailOptions;
};
