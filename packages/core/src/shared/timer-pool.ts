/** What a {@link PooledTimer} calls when it fires. @internal */
export type TimerHolder = { expire(): void };

/**
 * A timer that can be restarted and reused: Node's `refresh()` re-arms a `Timeout` in place, in
 * the clock of whatever made it (real or fake timers), with no allocation. Where timers are plain
 * numbers (browsers, Deno) a restart clears it and sets a new one.
 * @internal
 */
export class PooledTimer {
  readonly timeoutMs: number;
  /** Who is told when it fires; undefined while it idles in a pool. */
  holder: TimerHolder | undefined = undefined;
  #handle: ReturnType<typeof setTimeout>;
  // The functions that made it: fake timers may be installed or removed while it lives.
  readonly #setTimer: typeof setTimeout = setTimeout;
  readonly #clearTimer: typeof clearTimeout = clearTimeout;
  readonly #fire = (): void => this.holder?.expire();

  /** Arms a timer for `timeoutMs` from now. */
  constructor(timeoutMs: number) {
    this.timeoutMs = timeoutMs;
    this.#handle = this.#arm(timeoutMs);
  }

  /** Whether it was made by the timer functions in use now (not replaced by fakes, or back). */
  get isCurrent(): boolean {
    return this.#setTimer === setTimeout;
  }

  /** Arms it again for its whole time from now, whether it is armed, fired or idle. */
  restart(): void {
    const handle = this.#handle as unknown as { refresh?: () => unknown } | number;
    if (typeof handle === 'object' && typeof handle.refresh === 'function') {
      handle.refresh();
      return;
    }
    this.#disarm();
    this.#handle = this.#arm(this.timeoutMs);
  }

  /**
   * Whether it keeps the process alive while armed (Node's `ref()`/`unref()`); false where a
   * timer cannot be let go of, and must be stopped instead.
   */
  keepAlive(referenced: boolean): boolean {
    const handle = this.#handle as unknown as { ref?: () => unknown; unref?: () => unknown };
    if (typeof handle !== 'object' || typeof handle.unref !== 'function') return false;
    if (referenced) handle.ref?.();
    else handle.unref();
    return true;
  }

  /** Disarms it for good. */
  stop(): void {
    this.holder = undefined;
    this.#disarm();
  }
  // Called detached, never as `this.#setTimer(...)`: browsers' setTimeout throws "Illegal
  // invocation" when its `this` is not the global object.
  #arm(timeoutMs: number): ReturnType<typeof setTimeout> {
    const setTimer = this.#setTimer;
    return setTimer(this.#fire, timeoutMs);
  }

  #disarm(): void {
    const clearTimer = this.#clearTimer;
    clearTimer(this.#handle);
  }
}

/**
 * The idle timers of a client, so each request restarts one instead of setting and clearing its
 * own. `setTimeout` + `clearTimeout` look cheap (half a microsecond in a tight loop) but cost 8 +
 * 4 us per step inside the agent loop on Node 20: each request of a sequential loop emptied
 * Node's list of 120-second timers, which Node then deletes, and the next request created it again
 * and queued it in the timer heap. An idle timer here stays armed but unreferenced (it neither
 * keeps the process alive nor fires into anything: its holder is gone), keeping that list alive;
 * taking it back references and restarts it.
 * @internal
 */
export class TimerPool {
  readonly #idle: PooledTimer[] = [];
  readonly #maxIdle: number;

  /** @param maxIdle How many idle timers to keep; more are stopped when given back. */
  constructor({ maxIdle }: { maxIdle: number }) {
    this.#maxIdle = maxIdle;
  }

  /** A timer that calls `holder.expire()` `timeoutMs` from now, unless restarted or given back. */
  take(timeoutMs: number, holder: TimerHolder): PooledTimer {
    const idle = this.#idle;
    while (idle.length > 0) {
      const timer = idle.pop() as PooledTimer;
      if (timer.timeoutMs !== timeoutMs || !timer.isCurrent) {
        // Another limit (a per-call timeoutMs), or made before fake timers came or went.
        timer.stop();
        continue;
      }
      timer.holder = holder;
      timer.keepAlive(true);
      timer.restart();
      return timer;
    }
    const timer = new PooledTimer(timeoutMs);
    timer.holder = holder;
    return timer;
  }

  /** Takes a timer back: it idles, armed and unreferenced, or is stopped when the pool is full. */
  give(timer: PooledTimer): void {
    timer.holder = undefined;
    if (this.#idle.length < this.#maxIdle && timer.isCurrent && timer.keepAlive(false)) {
      this.#idle.push(timer);
    } else {
      timer.stop();
    }
  }
}
