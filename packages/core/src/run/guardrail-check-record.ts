/** Where a guardrail runs. */
export type GuardrailPhase = 'input' | 'output' | 'tool-input' | 'tool-output';

/**
 * What a guardrail decided: `pass`/`allow` let the value through, `rewrite` (input, output) and
 * `replace` (a tool's result) changed it, `deny` answered a call without running it, `ask` sent
 * it to `beforeToolCall`, `block` and `throw` tripped; `failed` is a check that threw or hung
 * (a trip: fail closed), `failed-open` one that hung under `onTimeout: 'fail-open'` (a pass).
 */
export type GuardrailVerdictKind =
  | 'pass'
  | 'allow'
  | 'rewrite'
  | 'replace'
  | 'deny'
  | 'ask'
  | 'block'
  | 'throw'
  | 'failed'
  | 'failed-open';

/**
 * One guardrail check of a run, as events, spans and the recorder show it. Holds the guardrail's
 * reason, never the value it checked (that may be what it was there to keep out).
 */
export type GuardrailCheckRecord = {
  name: string;
  phase: GuardrailPhase;
  /** The step it belongs to: the first model step for input, the final one for output. */
  stepNumber: number;
  verdict: GuardrailVerdictKind;
  /** Whether it ended the run. */
  tripped: boolean;
  /** The guardrail's reason (block, throw), a deny's message, or why a check failed. */
  reason?: string | undefined;
  /** Tool guardrails: the call checked. */
  toolName?: string | undefined;
  toolCallId?: string | undefined;
  /** Input guardrails: ran beside the first model call. */
  parallel?: boolean | undefined;
  startedAt: number;
  endedAt: number;
};
