import type { GuardrailCheckRecord, GuardrailPhase } from '../run/guardrail-check-record.ts';
import type { Content } from '../wire/content.ts';

/** A guardrail stopped the run: which one, where, and why. @internal */
export type GuardrailTrip = {
  type: 'trip';
  name: string;
  phase: GuardrailPhase;
  reason: string;
};

/** What the input guardrails decided (the run's input, or a steer). @internal */
export type InputCheckResult =
  | { type: 'pass' }
  | { type: 'rewrite'; contents: Content[] }
  | GuardrailTrip
  | { type: 'aborted' };

/** What the tool guardrails decided before a call. @internal */
export type ToolInputCheckResult =
  | { type: 'allow' }
  | { type: 'ask' /** The guardrail that asked (the first, when several did). */; name: string }
  | { type: 'deny'; message: string }
  | GuardrailTrip
  | { type: 'aborted' };

/** What the tool guardrails decided after a call. @internal */
export type ToolOutputCheckResult =
  | { type: 'pass' }
  | { type: 'replace'; result: unknown }
  | GuardrailTrip
  | { type: 'aborted' };

/** What the checks of one moment of a run share. @internal */
export type GuardrailRunOptions = {
  agentName: string | undefined;
  contents: readonly Content[];
  signal: AbortSignal;
  now: () => number;
  stepNumber: number;
  timeoutMs: number;
  failOpen: boolean;
  /**
   * The depth of the run (or Live session) the checks guard: each check is called at it
   * (`callAtDepth`), so an `agent.run()` a check makes before its first `await` starts a run one
   * deeper, and a guardrail that runs its own agent ends at `MAX_RUN_DEPTH` as a cycle does.
   */
  depth: number;
  /** Told about every check as it ends (events, spans, the recorder). */
  record: (record: GuardrailCheckRecord) => void;
};

/** A function call as a tool guardrail sees it. @internal */
export type GuardedToolCall = {
  toolName: string;
  toolCallId: string;
  args: unknown;
  stepNumber: number;
};
