// The turns a file history store holds of one session (its window), and how a history limit
// decides how many of them a send can use. Split from create-file-history-store.ts.

import type { ChatHistoryLimit } from './chat-history-limit.ts';
import type { ChatTurn } from './history-store.ts';
import type { TurnMeter } from './read-history-tail.ts';
import { turnTokens } from './select-history.ts';

/** A session's newest turns, held: every one, or the newest a limited send can use. @internal */
export type Window = {
  /** Oldest first. */
  turns: ChatTurn[];
  /** Where each turn's line starts. */
  offsets: number[];
  /** Where the lines held start: nothing before was parsed. */
  start: number;
  /** The session's turns in the lines before `start`, not held. */
  olderTurns: number;
};

/** A window holding nothing yet, whose lines would start at `start`. @internal */
export function emptyWindow(start: number): Window {
  return { turns: [], offsets: [], start, olderTurns: 0 };
}

/**
 * Counts turns fed newest first against a limit: enough once they are `maxTurns`, or once their
 * tokens pass `maxTokens` (the limit can then send none older: see `selectHistory`).
 * @internal
 */
export function createTurnMeter({ maxTurns, maxTokens }: ChatHistoryLimit): TurnMeter {
  let count = 0;
  let tokens = 0;
  return {
    add(turn) {
      count++;
      if (maxTokens !== undefined) tokens += turnTokens(turn);
    },
    enough: () =>
      (maxTurns !== undefined && count >= maxTurns) ||
      (maxTokens !== undefined && tokens > maxTokens),
  };
}

/** Whether the turns held already satisfy the limit `meter` measures. @internal */
export function holdsEnough(window: Window, meter: TurnMeter): boolean {
  for (let index = window.turns.length - 1; index >= 0 && !meter.enough(); index--) {
    meter.add(window.turns[index] as ChatTurn);
  }
  return meter.enough();
}

/** Drops the oldest turns held that the limit measured by `meter` can no longer send. @internal */
export function trimWindow(window: Window, meter: TurnMeter, committed: number): void {
  let kept = 0;
  while (kept < window.turns.length && !meter.enough()) {
    meter.add(window.turns[window.turns.length - 1 - kept] as ChatTurn);
    kept++;
  }
  const dropped = window.turns.length - kept;
  if (!meter.enough() || dropped === 0) return;
  window.turns.splice(0, dropped);
  window.offsets.splice(0, dropped);
  window.start = window.offsets[0] ?? committed;
  window.olderTurns += dropped;
}
