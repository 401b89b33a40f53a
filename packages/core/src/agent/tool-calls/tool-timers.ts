import { type PooledTimer, type TimerHolder, TimerPool } from '../../shared/timer-pool.ts';

/*
 * The timers of tool calls' time limits, pooled by limit, as a client pools its attempt timers
 * (see TimerPool): a call restarts an idle one (Node's `Timeout.refresh()`) instead of setting
 * and clearing its own. A limit no other live timer has (a subagent's 10 minutes: every other
 * call's 120 s share the client's list) made Node create its timer list for that duration and
 * delete it again on every call: in paired A/B runs of issue 30's subagent bench (60 rounds of 50
 * runs, two each way) a subagent with `timeoutMs: 120_000` cost about 90 us a call less than one
 * with the 10-minute default, and with this pool the two cost the same. Idle timers stay armed
 * but unreferenced: they keep no process alive and fire into nothing.
 */

// A few limits are usual (the default, a subagent's, a slow tool's); past these, a limit's timers
// are made and stopped per call as before, so a program that makes up limits keeps no more.
const MAX_LIMITS = 16;
// As many idle timers per limit as calls of one turn usually run at once.
const MAX_IDLE = 16;

// why (pool): idle timers reused across calls; a timer given back holds no caller (`holder`
// cleared), so no run reaches another's.
const pools = new Map<number, TimerPool>();
const unpooled = new TimerPool({ maxIdle: 0 });

/** A timer that calls `holder.expire()` `timeoutMs` from now, until given back. @internal */
export function takeToolTimer(timeoutMs: number, holder: TimerHolder): PooledTimer {
  let pool = pools.get(timeoutMs);
  if (pool === undefined) {
    pool = pools.size < MAX_LIMITS ? new TimerPool({ maxIdle: MAX_IDLE }) : unpooled;
    if (pool !== unpooled) pools.set(timeoutMs, pool);
  }
  return pool.take(timeoutMs, holder);
}

/** Gives a call's timer back once the call settled: it idles, or is stopped. @internal */
export function giveToolTimer(timer: PooledTimer): void {
  (pools.get(timer.timeoutMs) ?? unpooled).give(timer);
}
