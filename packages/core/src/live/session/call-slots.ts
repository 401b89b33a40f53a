/**
 * A live session's tool slots: at most `size` calls run at once, the rest wait in order (a run's
 * `toolConcurrency`, held across the session's frames). A released slot passes straight to the
 * first waiter: woken to compete for it, a waiter lost it to a call that came in the same tick
 * (and went to the back of the line), and one aborted in that tick returned without taking it,
 * leaving the others waiting beside a free slot. @internal
 */
export class CallSlots {
  readonly #size: number;
  #active = 0;
  /** The waiters in arrival order (a Set keeps insertion order); each takes the slot it is given. */
  readonly #waiting = new Set<() => void>();
  constructor(size: number) {
    this.#size = size;
  }
  /** Takes a slot, waiting for one; `false` when `signal` aborted first (no slot taken). */
  acquire(signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false);
    if (this.#active < this.#size) {
      this.#active += 1;
      return Promise.resolve(true);
    }
    return new Promise<boolean>((resolve) => {
      const abort = (): void => {
        this.#waiting.delete(grant);
        resolve(false);
      };
      const grant = (): void => {
        signal.removeEventListener('abort', abort);
        resolve(true);
      };
      this.#waiting.add(grant);
      signal.addEventListener('abort', abort, { once: true });
    });
  }
  /** Gives the slot back: to the first waiter if there is one (it stays taken), else free. */
  release(): void {
    const [next] = this.#waiting;
    if (next === undefined) {
      this.#active -= 1;
      return;
    }
    this.#waiting.delete(next);
    next();
  }
}
