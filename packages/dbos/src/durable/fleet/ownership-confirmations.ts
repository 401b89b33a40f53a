/**
 * When a model call may skip its ownership fence: right after a step this execution recorded.
 *
 * DBOS records a step in one transaction that first locks the run's row and compares its owner
 * (`#checkOwner`, `SELECT owner_xid ... FOR NO KEY UPDATE`, `dist/src/system_database.js` 5.3), so
 * a step recorded by this execution proves it owned the run when the record committed. The fence
 * before a model request (`assertStillOwnsWorkflow`, one statement) then asks the same question a
 * moment later. It is skipped only when nothing else could have happened in between:
 * - the model step is the very next step of the run (no approval, recv, recorded plugin hook or
 *   sleep in between: each is a step of its own and breaks the chain);
 * - less than `freshMs` passed since the record, on the monotonic clock and the wall clock both: a
 *   takeover needs the owner silent for `deadAfterMs` (its heartbeats have their own connection,
 *   worker-liveness.ts), so an execution frozen (SIGSTOP, a suspended machine) past the takeover
 *   finds its confirmation stale on thaw and fences; a cancel is DBOS's status check at the step's
 *   start;
 * - only the step's first attempt: a retry, or an attempt that waited for a rate-limit slot past
 *   `freshMs`, fences.
 * In the durable bench's default scenario that is one statement of the two gemloop made per agent
 * step (bench/RESULTS.md, "Durable: gemloop's own statements per step"). The tool's fence stays:
 * a tool's side effects are the application's, and it is checked right before it starts.
 * @internal
 */
export type OwnershipConfirmations = {
  /** The step `stepId` of `runId` ran in this execution and DBOS recorded it (owner checked). */
  confirmed(runId: string, stepId: number): void;
  /**
   * Whether step `stepId` of `runId` may go without the fence: the step right before it was
   * confirmed less than `freshMs` ago. Answers once per confirmation (it is consumed).
   */
  covers(runId: string, stepId: number): boolean;
};

/** The longest a confirmation is trusted, in ms, whatever the takeover allows. */
export const MAX_CONFIRMATION_FRESH_MS = 2000;

/**
 * How long a confirmation is trusted under the worker's takeover settings. A run is taken over
 * once its worker was silent for `deadAfterMs`; the worker beat at most `heartbeatMs` before the
 * confirmation, so an execution that was taken over between the confirmation and now was stopped
 * at least `deadAfterMs - heartbeatMs` of that time. Half of it, at most
 * {@link MAX_CONFIRMATION_FRESH_MS}; 0 (always fence) when the settings leave no margin. With
 * takeover off only a cancel takes a run away (DBOS's status check at every step's start).
 * @internal
 */
export function confirmationFreshMs(
  takeover: false | { heartbeatMs: number; deadAfterMs: number },
): number {
  if (takeover === false) return MAX_CONFIRMATION_FRESH_MS;
  const margin = (takeover.deadAfterMs - takeover.heartbeatMs) / 2;
  return Math.max(0, Math.min(MAX_CONFIRMATION_FRESH_MS, margin));
}

/** Runs remembered at once: the oldest is forgotten past it (a forgotten one costs a fence). */
const MAX_CONFIRMED_RUNS = 4096;

type Confirmation = { stepId: number; at: number; wallAt: number };

/**
 * The worker's {@link OwnershipConfirmations}: the last confirmation of each run executing here,
 * at most {@link MAX_CONFIRMED_RUNS} (a run that ends leaves its last one until it is pushed out).
 * @internal
 */
export function createOwnershipConfirmations({
  freshMs = MAX_CONFIRMATION_FRESH_MS,
  now = () => performance.now(),
  wallNow = () => Date.now(),
}: {
  /** {@link confirmationFreshMs} of the worker's takeover settings. */
  freshMs?: number | undefined;
  /** Monotonic clock, in ms. */
  now?: (() => number) | undefined;
  /** Wall clock, in ms (counts a machine's suspension, which the monotonic clock may not). */
  wallNow?: (() => number) | undefined;
} = {}): OwnershipConfirmations {
  const confirmations = new Map<string, Confirmation>();
  return {
    confirmed(runId, stepId) {
      confirmations.delete(runId); // re-inserted last: the Map's order is the eviction order
      confirmations.set(runId, { stepId, at: now(), wallAt: wallNow() });
      if (confirmations.size > MAX_CONFIRMED_RUNS) {
        const oldest = confirmations.keys().next().value;
        if (oldest !== undefined) confirmations.delete(oldest);
      }
    },
    covers(runId, stepId) {
      const confirmation = confirmations.get(runId);
      if (confirmation === undefined) return false;
      confirmations.delete(runId);
      const elapsed = now() - confirmation.at;
      const wallElapsed = wallNow() - confirmation.wallAt;
      return (
        confirmation.stepId === stepId - 1 &&
        elapsed >= 0 &&
        elapsed < freshMs &&
        wallElapsed >= 0 &&
        wallElapsed < freshMs
      );
    },
  };
}

/**
 * The fence before each model attempt: `check` (the run's ownership query), unless `ownership`
 * covers the step the attempt is sent from (`position`: DBOS's workflow and step id inside the
 * step body), which only a first attempt right after this execution's recorded tool step can be.
 * @internal
 */
export function createModelCallFence({
  ownership,
  check,
  position,
}: {
  ownership: OwnershipConfirmations;
  check: () => Promise<void>;
  position: () => { runId: string | undefined; stepId: number | undefined };
}): () => Promise<void> {
  return async () => {
    const { runId, stepId } = position();
    if (runId !== undefined && stepId !== undefined && ownership.covers(runId, stepId)) return;
    await check();
  };
}
