import {
  describeValue,
  functionOption,
  integerOption,
  oneOfOption,
  optionCheck,
} from '../../../options/define-options.ts';
import type { AgentConfig } from '../agent-config.ts';
import type { AgentOptions } from '../agent-options.ts';
import { type AgentOptionGroup, defineAgentOptions } from './define-agent-options.ts';

/**
 * The default of `toolConcurrency`: how many function calls of one model turn run at once.
 *
 * Gemini's parallel calls come a handful at a time, so 8 runs a real turn without queueing, while
 * a turn of 10,000 calls (a hostile or looping model) holds at most 8 sockets, file handles or
 * worker threads at a time instead of 10,000.
 */
export const DEFAULT_TOOL_CONCURRENCY = 8;
/**
 * The default of `toolTimeoutMs`: how long one tool call may run before it is stopped and
 * answered with a timeout error. The client's default per-request timeout, so a tool that makes
 * one model call (a built-in fallback, an agent used as a tool) gets as long as the client gives
 * that call, and a tool that never settles cannot hang a run.
 */
export const DEFAULT_TOOL_TIMEOUT_MS = 120_000;

/**
 * `toolConcurrency`, `toolCallOrder`, `toolTimeoutMs`, `toolErrors`, `beforeToolCall` and `isRunEndingError`: how
 * the function calls of a turn are run and answered. @internal
 */
export const toolRunOptions: AgentOptionGroup<
  | 'toolConcurrency'
  | 'toolCallOrder'
  | 'toolTimeoutMs'
  | 'toolErrors'
  | 'beforeToolCall'
  | 'isRunEndingError',
  'toolConcurrency' | 'toolCallOrder' | 'toolTimeoutMs' | 'toolErrors'
> = defineAgentOptions({
  checks: {
    toolConcurrency: integerOption({ min: 1, infinity: true }),
    toolCallOrder: oneOfOption(['as-ready', 'replayable']),
    toolTimeoutMs: optionCheck(
      (value) => typeof value === 'number' && value > 0,
      (_path, value) =>
        `toolTimeoutMs must be a positive number of milliseconds (or Infinity for no limit); got ${describeValue(value)}.`,
    ),
    toolErrors: oneOfOption(['report', 'throw']),
    beforeToolCall: functionOption(),
    isRunEndingError: functionOption(),
  },
  defaults: {
    toolConcurrency: DEFAULT_TOOL_CONCURRENCY,
    toolCallOrder: 'as-ready',
    toolTimeoutMs: DEFAULT_TOOL_TIMEOUT_MS,
    toolErrors: 'report',
  },
});

/** The part of `AgentConfig` these options make. @internal */
export type ToolRunConfig = Pick<
  AgentConfig<unknown>,
  | 'toolConcurrency'
  | 'toolCallOrder'
  | 'toolTimeoutMs'
  | 'toolErrors'
  | 'beforeToolCall'
  | 'isRunEndingError'
>;

/** Applies the defaults of the tool-run options. @internal */
export function resolveToolRunOptions(options: AgentOptions<unknown>): ToolRunConfig {
  const { toolTimeoutMs, ...rest } = toolRunOptions.withDefaults(options);
  // Infinity means no limit, as it does for a tool's own timeoutMs.
  return {
    ...rest,
    toolTimeoutMs: toolTimeoutMs === Number.POSITIVE_INFINITY ? undefined : toolTimeoutMs,
  };
}
