import type { AgentRunState, ReaskReason } from '../../run/agent-result.ts';
import type { Content } from '../../wire/content.ts';
import type { Finish } from '../run-state/finish.ts';

/**
 * A model step of the loop: one of the tool loop, or the final call without tools that asks for
 * the structured answer (`final-call` output mode).
 * @internal
 */
export type ModelStepKind = 'tools' | 'final-output';

/**
 * Where the loop stands when a model step is resolved.
 * @internal
 */
export type LoopPosition = {
  kind: ModelStepKind;
  /** Re-asks in a row so far (reset by a turn with calls and by the final-output call). */
  reasks: number;
  /** Whether another model call is allowed after this one (`maxSteps`). */
  stepsLeft: boolean;
};

/**
 * What follows a step, as a plain value: what to append to the history, then whether to call the
 * model again (and how), end the run, or fail it. `resolveOutcome` makes it from the model's
 * response, `resolveAnsweredCalls` once a turn's calls are answered; the loop appends,
 * ends the step, and only then acts on it, so every way out of a step goes through the same end.
 * @internal
 */
export type NextStep<Output> = RunAgain | Finish<Output> | Fail;

/** Call the model again. @internal */
export type RunAgain = {
  type: 'run-again';
  /** The model's content to append (itself, or a Gemini 3 call turn with a dummy signature). */
  append?: Content | undefined;
  /** The appended turn whose function calls run before the next model call. */
  calls?: Content | undefined;
  /** A user content to append after it: a re-ask, or the request for the final JSON. */
  note?: string | undefined;
  /** Why the note re-asks (recorded on the step). */
  reask?: ReaskReason | undefined;
  /** The next model step. */
  kind: ModelStepKind;
  /** Re-asks in a row once the next model step is made. */
  reasks: number;
};

/** End the run with a result (declared in run-state, where the guardrail engine needs it). @internal */
export type { Finish };

/** Fail the run, once the step has ended, with an error that holds the history at that point. @internal */
export type Fail = {
  type: 'fail';
  append?: Content | undefined;
  error: (run: AgentRunState) => Error;
};
