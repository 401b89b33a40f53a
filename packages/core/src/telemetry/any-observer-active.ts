import type { RunObserver } from './run-observer.ts';

/**
 * Whether any observer would follow a run started now (see {@link RunObserver.active}). Apart
 * from `startObservation`: the loop asks it on every run, and loads the observation's code only
 * when the answer is yes (a default agent's run never does).
 * @internal
 */
export function anyObserverActive(observers: readonly RunObserver[]): boolean {
  for (const observer of observers) {
    if (observer.active === undefined) return true;
    try {
      if (observer.active()) return true;
    } catch {
      // An observer that cannot tell is left out, as one whose start throws.
    }
  }
  return false;
}
