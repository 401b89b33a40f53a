import { MAX_RUN_DEPTH } from '../agent/run-state/run-link.ts';
import {
  type DeclaredOptions,
  defineOptions,
  functionOption,
  integerOption,
  objectOption,
  oneOfOption,
  required,
  stringOption,
} from '../options/define-options.ts';
import type { AgentInput } from '../run/agent-input.ts';
import type { AgentResult } from '../run/agent-result.ts';
import type { ToolParameters } from '../tools/define/resolve-tool-parameters.ts';
import type { Content } from '../wire/content.ts';

/**
 * How long one subagent call may take, child run included, before the child's signal is aborted
 * and the parent answers the call with a timeout (under `onError: 'throw'`, ends the run with a
 * `SubagentError`). Ten minutes: a child's own model calls each have the
 * client's time limit and its steps `maxSteps`, so this bounds a child that loops on slow tools.
 */
export const DEFAULT_SUBAGENT_TIMEOUT_MS = 600_000;

/**
 * The defaults of {@link SubagentOptions} that are one value, declared once (a test holds their
 * TSDoc `@defaultValue`s to them). @internal
 */
export const SUBAGENT_DEFAULTS: {
  readonly onError: 'tell-model' | 'throw';
  readonly timeoutMs: number;
  readonly maxDepth: number;
} = { onError: 'tell-model', timeoutMs: DEFAULT_SUBAGENT_TIMEOUT_MS, maxDepth: MAX_RUN_DEPTH };

/** Options of `subagent()`: how an agent appears to its parent as a tool. */
export type SubagentOptions<Output = undefined, Args = { task: string }> = {
  /**
   * The tool's name, as the parent model calls it (Gemini's function-name rule: letters, digits,
   * `_`, `.`, `:` and `-`, at most 128). It is also the child's path segment: `name#1`, `name#2`
   * for the calls in one parent run.
   */
  name: string;
  /** What the subagent is for: the parent model reads it to decide when to delegate. */
  description: string;
  /**
   * The arguments the parent model gives (a zod schema or any schema `defineTool` takes).
   * @defaultValue `{ task: string }`: one instruction in words.
   */
  input?: ToolParameters | undefined;
  /**
   * Makes the child's input from the arguments.
   * @defaultValue the `task` for the default input, else the arguments as JSON text.
   */
  prompt?: ((args: Args) => AgentInput) | undefined;
  /**
   * What the parent model sees of the child's result (a JSON value; an object is sent as it is,
   * anything else as `{ output }`; a Promise is awaited). What it throws fails the call as the
   * child's own failure does (`onError`), as `prompt`'s and `history`'s throws do.
   * @defaultValue the child's structured output when it has an `output` schema, else
   * `{ answer: result.text }`. Never the child's contents: its thought signatures and tool turns
   * stay in its own history. A child that ended without a final answer (`result.finishReason`
   * other than `'stop'`: its `maxSteps`, a `stopWhen` condition, `max-tokens`, `content-filter`,
   * `interrupted`, `other`) is answered with `finished: false`, `reason` (the finish reason) and
   * `message` (why) added to this value, and by default its partial text as `answer` (and a
   * structured `output` if it has one), so the parent model sees the child did not finish rather
   * than an empty answer. That is not a failure: `onError` does not apply.
   */
  output?: ((result: AgentResult<Output>) => unknown) | undefined;
  /**
   * The slice of the parent's history the child starts from (it is checked as any history is).
   * It gets the parent's contents up to the model turn that made the call, that turn without its
   * function calls (they are not answered while the children run): every kept call has its
   * response and thought signature, so `history: (contents) => contents` is a valid history.
   * A turn left with thought summaries only is dropped. Return a slice that keeps each model
   * turn of function calls with the user turn of its responses.
   * @defaultValue none: the child sees only its input.
   */
  history?: ((parentContents: readonly Content[]) => Content[]) | undefined;
  /**
   * What a failed child does to the parent: `'tell-model'` makes the call a failed one, as a
   * tool that throws (a `tool-error` event with outcome `execution-error`, its span an error, the
   * record's `cause` an error whose own `cause` is the child's; `toolErrors: 'throw'` ends the
   * run with a `ToolExecutionError`), answered `{ error: 'The subagent <name> failed: …' }` so
   * the parent model can retry or work around it (a child past `timeoutMs` is answered as a
   * timeout); `'throw'` ends the top run with a `SubagentError` whose `cause` is the child's
   * error, or the `TimeoutError` of a child past `timeoutMs` (stopped, not waited for).
   * @defaultValue `'tell-model'`
   */
  onError?: 'tell-model' | 'throw' | undefined;
  /**
   * Time limit of one call, child run included, in milliseconds; past it the child is stopped and
   * the call fails as `onError` says.
   * @defaultValue 600000 (`DEFAULT_SUBAGENT_TIMEOUT_MS`)
   */
  timeoutMs?: number | undefined;
  /**
   * How deep in a tree of agents this subagent's child may start (its path's length: 1 for the
   * child of a top run). Past it the call ends the top run with a `SubagentError`, whatever
   * `onError` says: an agent that is its own subagent, directly or through a handoff (a plugin's
   * `receivers` function may hand a child back to its parent's agent), would otherwise start a
   * child of a child without end, a model call at each level (attack30). 64 keeps a tree of
   * distinct agents 50 deep working (examples/team/team-core10.attacks.test.ts) and ends a cycle
   * after 128 model calls. A durable worker prepares subagents 8 levels deep. The same bound as
   * a run's started by a plugin hook or a tool of another (`MAX_RUN_DEPTH`).
   * @defaultValue 64
   */
  maxDepth?: number | undefined;
};

/** The check of {@link SubagentOptions}. @internal */
export const subagentOptions: DeclaredOptions<SubagentOptions<unknown, unknown>> = defineOptions<
  SubagentOptions<unknown, unknown>
>({
  name: 'subagent',
  example: "{ name: 'researcher', description: 'Researches one question.' }",
  checks: {
    name: required(stringOption({ nonEmpty: true })),
    description: required(stringOption({ nonEmpty: true })),
    input: objectOption(
      (path) => `${path} must be a schema (zod, Standard Schema or JSON Schema).`,
    ),
    prompt: functionOption(),
    output: functionOption(),
    history: functionOption(),
    onError: oneOfOption(['tell-model', 'throw']),
    timeoutMs: integerOption({ min: 1, infinity: true }),
    maxDepth: integerOption({ min: 1 }),
  },
});
