import type {
  DurableLiveSession,
  DurableLiveSessionOptions,
} from '../../live/open-durable-live-session.ts';
import type { DurableRuns } from '../runs/durable-runs.ts';

/** A launched durable worker, from {@link startDurableWorker}. */
export type DurableWorker = {
  readonly executorId: string;
  /** Drive runs from this process (the same API as {@link createDurableRuns}). */
  readonly runs: DurableRuns;
  /**
   * Opens, or continues after a crash (the same `sessionId`, any worker), a Gemini Live session
   * of one of this worker's agents whose background (`NON_BLOCKING`) tools run as DBOS workflows:
   * a worker killed during a long tool delivers its result to the resumed session exactly once.
   * See `@gemloop/core/live`'s `createLiveSession` for the session itself.
   */
  openLiveSession(agent: string, options: DurableLiveSessionOptions): Promise<DurableLiveSession>;
  /**
   * Stops taking runs and disconnects. Runs in progress stay PENDING: this worker recovers them
   * when it starts again with the same `executorId`, others after `takeover.deadAfterMs`
   * (at once with `handOver: true`).
   */
  shutdown(options?: { handOver?: boolean | undefined }): Promise<void>;
};

/**
 * What a test fixture may observe inside a worker that no public option shows.
 * @internal
 */
export type DurableWorkerHooks = {
  /**
   * A steer to a run executing here was announced to this worker (its LISTEN heard DBOS's
   * NOTIFY): the run's next step boundary reads it. A test that needs a steer read at a given
   * boundary waits for this, not for a NOTIFY on a connection of its own, which Postgres may
   * deliver before this worker's (it did, on a loaded machine).
   */
  onSteerAnnounced?: ((runId: string) => void) | undefined;
  /**
   * The wall-clock limit on the start's first Postgres connect, `DEFAULT_CONNECT_TIMEOUT_MS`
   * (check-postgres.ts) unless set; 0: none, node-postgres's own default. A fixture worker sets 0:
   * its start is watched by the test's CPU-aware hang guard (fleet.ts `startWorker`), which kills
   * a start that waits on a connect that never answers, and the 5 s of wall time ran out on a
   * connect that was only slow (a dbos run at load 23: bench/RESULTS.md, issue 53, helper flake55).
   * Given, it is DBOS's limit on its own connects too (its launch's, its pool's: 10 s otherwise,
   * which failed a watched start at load 36; see dbos-connect-url.ts).
   */
  connectTimeoutMs?: number | undefined;
};
