import type { GuardrailPhase } from '../../run/guardrail-check-record.ts';
import type { FunctionTool, ToolArgumentIssue } from '../../tools/tool.ts';
import type { Content, FunctionCall } from '../../wire/content.ts';
import type { AgentConfig } from '../config/agent-config.ts';
import type { BeforeToolCallHook } from '../config/agent-options.ts';
import type { ToolStepReports } from '../plugins/hook-chains/tool-step-reports.ts';
import type { RunPlugins } from '../plugins/run-plugins.ts';
import type { RunLink } from '../run-state/run-link.ts';

/**
 * How one call went, before it becomes a record and a functionResponse. A `value` that is
 * `acknowledged` answers a call that asked for confirmation, which `beforeToolCall` gave.
 * @internal
 */
export type ExecuteOutcome = {
  args: unknown;
  /** `args` came from `beforeToolCall`'s `modify`, not from the model. */
  modified?: true | undefined;
} & (
  | {
      type: 'value';
      value: unknown;
      acknowledged?: true | undefined;
      /** What the model gets instead of `value` (a plugin's `afterToolCall` replaced it). */
      sent?: unknown;
    }
  | { type: 'error'; error: unknown }
  | { type: 'timeout'; timeoutMs: number }
  | { type: 'unknown-tool' }
  | { type: 'invalid-args'; issues: ToolArgumentIssue[]; fromHook: boolean }
  | { type: 'denied'; message: string }
  /** `beforeToolCall` threw, or (`invalidDecision`) returned something that is not a decision. */
  | { type: 'hook-failed'; error: unknown; invalidDecision?: boolean }
  | { type: 'aborted' }
  /**
   * A tool hook tripped (`run.trip`: a tool guardrail's `throw`, or a check that failed closed):
   * the run ends once the turn is answered.
   */
  | { type: 'guardrail-tripped'; trip: CallTrip }
);

/**
 * What stopped a call (the seam's trip, `run.trip`): which check, where, and why; the run ends
 * with its `GuardrailTrippedError`, the seam's trip error. @internal
 */
export type CallTrip = { type: 'trip'; name: string; phase: GuardrailPhase; reason: string };

/** What `runToolCall` needs to know about one call. @internal */
export type RunToolCallOptions<Output> = {
  config: AgentConfig<Output>;
  call: FunctionCall;
  toolCallId: string;
  stepNumber: number;
  /** The call's position among the function calls of its turn. */
  callIndex: number;
  contents: readonly Content[];
  signal: AbortSignal;
  /** The run's approval hook: its agent's, or for a subagent without one, the nearest above. */
  beforeToolCall?: BeforeToolCallHook | undefined;
  /** The run's place in its tree, for tools that start child runs. */
  link?: RunLink | undefined;
  /** The run's plugins, when it has any. */
  plugins?: RunPlugins | undefined;
  /**
   * The call's in-step reports, which its tool's context carries to a durable runner's step (set
   * inside the plugins' `wrapToolCall`, in a run with a recorder: `ToolHooks.toolStepReports`).
   */
  stepReports?: ToolStepReports | undefined;
};

/**
 * A call cleared to run: its tool and its arguments (as `beforeToolCall` left them), and whether a
 * person confirmed a `require_confirmation` action (its response then says so). @internal
 */
export type ReadyToolCall = {
  type: 'ready';
  tool: FunctionTool<unknown, unknown>;
  args: unknown;
  acknowledged?: true | undefined;
  /** `args` came from `beforeToolCall`'s `modify`, not from the model. */
  modified?: true | undefined;
};
