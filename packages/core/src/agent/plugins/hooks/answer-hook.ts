import type { AgentStep } from '../../../run/agent-result.ts';

/** The answer a run is about to end with. */
export type AnswerDraft = {
  /** The answer's step (its response, usage and cost). */
  readonly step: AgentStep;
  /** The answer's text (non-thought parts). */
  readonly text: string;
  /** Whether a step is left to run again (`maxSteps`): without one, `run-again` is not followed. */
  readonly stepsLeft: boolean;
  /** Whether an output guardrail blocked the answer (the run ends with its block). */
  readonly blocked: boolean;
  /**
   * The structured answer the run would end with (`output` option), as a check before this one
   * left it; `undefined` without one. Given to `checkAnswer` only.
   */
  readonly output?: unknown;
};

/**
 * What `checkAnswer` may return: what the caller gets instead of the model's answer
 * (`result.text`, and `result.output` when given). The history keeps the model's own words.
 */
export type AnswerRewrite = {
  readonly text: string;
  readonly output?: unknown;
  /**
   * Who rewrote it, as the stream's `guardrail-retraction` names it (a guardrail of the
   * plugin's). @defaultValue the plugin's name
   */
  readonly by?: string | undefined;
};
