import type { Content } from '../../../wire/content.ts';

/**
 * User contents about to join the run as input: the run's own new input (`source: 'input'`, at
 * its first model step, with what a plugin added before it), or what a plugin adds later with
 * `run.addInput` (`'added'`: a steer, a follow-up), before it joins the history.
 */
export type InputDraft = {
  /** The step the contents are checked at (the first model step for the run's input). */
  readonly stepNumber: number;
  readonly source: 'input' | 'added';
  /**
   * The contents as the checks before this one left them (user turns). For a run given its
   * input as a history to continue, the run's input is the user turn that history ends with.
   */
  readonly contents: readonly Content[];
};

/** An input rewritten: these contents replace the checked ones in the history. */
export type InputRewrite = { readonly contents: readonly Content[] };

/**
 * What `checkInput` may return: a rewrite, or a verdict still to come (`beside`), which the run's
 * first model call does not wait for: the call starts at once and runs beside it (an input
 * guardrail's `runInParallel`). A `beside` verdict that trips (`run.trip`, the promise rejected)
 * aborts the call and ends the run; one that rewrites drops the call's answer and sends it again
 * with the new input (the dropped call's usage stays counted); its text shown on a stream is
 * retracted (`guardrail-retraction`) on a trip. For contents added later (no call to run beside)
 * the run waits for it before they join.
 */
export type InputCheck =
  | InputRewrite
  | {
      // biome-ignore lint/suspicious/noConfusingVoidType: an async check with no return is `Promise<void>`
      readonly beside: Promise<void | InputRewrite | undefined>;
      /** What the check rewrote before it left the rest to `beside` (`undefined`: nothing). */
      readonly contents?: readonly Content[] | undefined;
    };
