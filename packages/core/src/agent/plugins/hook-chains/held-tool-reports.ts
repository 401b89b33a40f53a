// The reports (`run.emit`) of a durable run's recorded tool hooks, each emitted just before its
// call's `tool-result` or `tool-error` event, on the first run and on a replay alike. A turn's
// calls run at once, so a report emitted when its hook made it lands among the other calls'
// events in an order that depends on timing (a `wrapToolCall` of each call), and a replay, which
// takes the hook's reports from its record without calling it, could not put them back where
// they were: a durable runner's event stream is indexed, and each report out of place moves
// every later event of the run off the index the first execution wrote it at. The result
// events come in call order in a replayable turn (`toolCallOrder: 'replayable'`, which a durable
// run uses), so a report attached to its call's result has the same index in both.
import type { AgentEvent } from '../../agent-event.ts';
import type { PluginReport } from '../plugin-results.ts';

/** One recorded hook call's reports: which plugin made them, in which step. @internal */
export type HeldReports = {
  readonly plugin: string;
  readonly stepNumber: number;
  readonly reports: readonly PluginReport[];
};

/**
 * The held reports of a run's tool turn, by call index, and the turn's calls as its events show
 * them: `seen` is given each of the run's own events before it goes on, and releases a call's
 * reports when its result event passes. @internal
 */
export class HeldToolReports {
  /** The step of the turn the `tool-call` events announced (`undefined`: none yet). */
  private step: number | undefined;
  /** The turn's call ids, in call order. */
  private ids: string[] = [];
  /** Which of the turn's calls have settled (their result event passed). */
  private settled: boolean[] = [];
  /** How many result events of the turn passed. */
  private settles = 0;
  /** What each call's recorded hooks reported, waiting for the call to settle. */
  private held: (HeldReports[] | undefined)[] = [];

  /**
   * Holds one recorded hook call's reports until call `callIndex` of the turn of `stepNumber`
   * settles; released at once (`release`) when that call settled already or is not the turn's
   * (nothing announced it: a Live session's call).
   */
  hold(callIndex: number, reports: HeldReports, release: (held: HeldReports) => void): void {
    if (reports.stepNumber !== this.step || this.settled[callIndex] === true) {
      release(reports);
      return;
    }
    const held = this.held[callIndex];
    if (held === undefined) this.held[callIndex] = [reports];
    else held.push(reports);
  }

  /** Sees one of the run's own events before it goes on (see {@link HeldToolReports}). */
  seen(event: AgentEvent<unknown>, release: (held: HeldReports) => void): void {
    switch (event.type) {
      case 'tool-call':
        // Every call of a turn is announced before any runs: one after a result is a new turn.
        if (event.stepNumber !== this.step || this.settles > 0) {
          this.releaseAll(release);
          this.step = event.stepNumber;
          this.ids = [];
          this.settled = [];
          this.settles = 0;
          this.held = [];
        }
        this.ids.push(event.toolCallId);
        return;
      case 'tool-result':
      case 'tool-error': {
        if (event.stepNumber !== this.step) return;
        this.settles++;
        // The call that settled: the turn's first with its id not settled yet. Calls that share
        // an id (a model's repeated wire id) settle in call order in a replayable turn, so this
        // is exact there; in another order a call may be taken for its twin, and then each
        // call's reports go out once its twin's or its own result passed, still once each.
        const id = event.toolCall.toolCallId;
        const index = this.ids.findIndex((each, at) => each === id && this.settled[at] !== true);
        if (index !== -1) this.settled[index] = true;
        for (let at = 0; at < this.held.length; at++)
          if (this.settled[at] === true) this.release(at, release);
        return;
      }
      case 'step-end':
        // The step is over: what a call that never settled held (an aborted turn) goes out now.
        if (event.step.stepNumber === this.step) this.releaseAll(release);
        return;
      default:
    }
  }

  private release(at: number, release: (held: HeldReports) => void): void {
    const held = this.held[at];
    if (held === undefined) return;
    this.held[at] = undefined;
    for (const reports of held) release(reports);
  }

  private releaseAll(release: (held: HeldReports) => void): void {
    for (let at = 0; at < this.held.length; at++) this.release(at, release);
  }
}
