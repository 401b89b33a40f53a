import { LiveSessionError } from '../live-session-error.ts';
import type { Connection } from './live-connection.ts';

/**
 * A connection that ends sooner than this after its setup, with no model output on it, counts as
 * a failed resume (see {@link LiveResumptionHandle.fruitlessError}). @internal
 */
export const FRUITLESS_MS = 30_000;

/**
 * A live session's resumption state: the last resumable handle the server sent, how many came,
 * and the resumed connections in a row that came to nothing. @internal
 */
export class LiveResumptionHandle {
  /** The handle a resume sends; `undefined` before the server sent a resumable one. */
  value: string | undefined;
  /**
   * How many resumable handles came so far: a call that came when this was `n` is held by the
   * session's handle once it is more than `n` (see `Held`).
   */
  count = 0;
  /** Resumed connections in a row that ended soon after their setup with nothing heard on them. */
  #fruitless = 0;

  /** Reads a `sessionResumptionUpdate`: whether it is resumable (its handle is then the session's). */
  update(update: Record<string, unknown>): boolean {
    const resumable =
      update['resumable'] === true &&
      typeof update['newHandle'] === 'string' &&
      update['newHandle'] !== '';
    if (resumable) {
      this.value = update['newHandle'] as string;
      this.count += 1;
    }
    return resumable;
  }

  /**
   * The error a session ends with when `old` (the connection a resume leaves) is the
   * `maxAttempts`th resumed connection in a row that came to nothing. A server whose resumed
   * connections end right after the setup, the model silent on them, would have the session
   * resume forever, each resume "succeeding": they count as failed attempts, in a row. One that
   * lived past {@link FRUITLESS_MS}, or carried model output, resets the count (a user silent for
   * a while is not a broken server).
   */
  fruitlessError(old: Connection, maxAttempts: number): LiveSessionError | undefined {
    const fruitless = old.resumed && !old.heard && Date.now() - old.readyAt < FRUITLESS_MS;
    this.#fruitless = fruitless ? this.#fruitless + 1 : 0;
    if (this.#fruitless < maxAttempts) return undefined;
    return new LiveSessionError({
      reason: 'reconnect-failed',
      limit: maxAttempts,
      message: `The live session could not resume: ${maxAttempts} connections in a row ended within ${FRUITLESS_MS / 1000} s of their setup with nothing from the model (maxReconnectAttempts).`,
    });
  }

  /**
   * The setup a connection opens with: for a resume (`handle`), with the handle, and without the
   * initial history the resumed state holds, unless the history is among what is sent again
   * (`historyAgain`: the handle predates it), when the server is told to expect it first.
   */
  static setupFor(
    setup: Record<string, unknown>,
    handle: string | undefined,
    historyAgain: boolean,
  ): { setup: Record<string, unknown> } {
    const copy = structuredClone(setup) as { setup: Record<string, unknown> };
    if (handle !== undefined) {
      copy.setup['sessionResumption'] = { handle };
      if (!historyAgain) delete copy.setup['historyConfig'];
    }
    return copy;
  }
}
