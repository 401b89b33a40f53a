/**
 * A live session's tool slots: at most `size` calls run at once, the rest wait in order (a run's
 * `toolConcurrency`, held across the session's frames). @internal
 */
export class CallSlots {
  readonly #size: number;
  #active = 0;
  readonly #waiting = new Set<() => void>();
  constructor(size: number) {
    this.#size = size;
  }
  /** Takes a slot, waiting for one; `false` when `signal` aborted first (no slot taken). */
  async acquire(signal: AbortSignal): Promise<boolean> {
    while (this.#active >= this.#size) {
      if (signal.aborted) return false;
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.#waiting.delete(wake);
          signal.removeEventListener('abort', wake);
          resolve();
        };
        this.#waiting.add(wake);
        signal.addEventListener('abort', wake, { once: true });
      });
    }
    if (signal.aborted) return false;
    this.#active += 1;
    return true;
  }
  release(): void {
    this.#active -= 1;
    const [first] = this.#waiting;
    first?.();
  }
}
