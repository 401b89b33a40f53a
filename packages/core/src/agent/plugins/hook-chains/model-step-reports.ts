import type { PluginReport } from '../plugin-results.ts';
import {
  replayStepReports,
  type StepReport,
  stepReport,
  type ToolStepReportFacts,
} from './tool-step-reports.ts';

// The reports (`run.emit`) a plugin makes through its `wrapModelCall`'s run while the model call
// runs inside a durable runner's step (a "still waiting" notice on a timer while `next()` waits).
// The step's body runs once; a replay hands back the recorded response at once, so the wrapper,
// which runs again, made fewer such reports (or none): a worker killed after the step was
// recorded and before the run's next event write lost the first execution's, and every later
// event of the run took a lower index than the first execution gave it (a durable runner's event
// stream is indexed: a reader that had the first execution's events skipped the replay's at
// those indices, so one was kept twice and another lost). As for a tool step (see
// ./tool-step-reports.ts), the runner's step keeps a copy of them with its outcome and a replay
// emits them again where the step returns. Unlike a tool's, a model call's report is often made
// by the clock, not by the call: the replay's own reports made while its step is read back would
// be extra. So from the moment the runner's model call starts until it knows whether the step's
// body runs here, reports are held: the body runs (the first execution) and they go out, and
// from then on at once; the record is handed back (a replay) and they are dropped for the
// record's.

/**
 * The in-step reports of one model call a `wrapModelCall` made (its `next`) in a run with a
 * recorder (a durable runner's): the call's step holds, keeps and replays them ({@link waiting},
 * {@link running}, {@link end}, {@link replay}); the step's {@link ModelWrapReports} routes each
 * report made through the wrappers' runs to one such call in flight ({@link note}). Reached by
 * the runner's model client from the request's input (`ModelCallInput.stepReports`, see
 * {@link modelStepReportsOf}). A run whose model client is not such a runner's never calls
 * {@link waiting}: every report goes out at once, as without a recorder.
 *
 * One call may span several of the runner's steps (the Interactions API's background call: a
 * create, then polls with durable sleeps between them): once a body ran here, every later step
 * of the call runs here too (a replay is a prefix of the run), so from then on reports go out at
 * once and are kept until the next step's body ends, which records them; what a replayed step
 * hands back is emitted instead of what was made while it was read, and reports wait again until
 * the next step says whether its body runs here. @internal
 */
export class ModelStepReports {
  /**
   * `held`: the call's current step does not yet know whether its body runs here (its reports
   * wait); `kept`: a body ran here (reports go out and are kept for the next record);
   * `undefined`: the call has not reached a runner's step, or it settled.
   */
  private phase: 'held' | 'kept' | undefined;
  private held: [string, PluginReport][] = [];
  private kept: StepReport[] = [];
  private readonly facts: ToolStepReportFacts;

  constructor(facts: ToolStepReportFacts) {
    this.facts = facts;
  }

  /** Whether reports are this call's now (its runner's step started, and it has not settled). */
  get open(): boolean {
    return this.phase !== undefined;
  }

  /** A report `plugin` made while this call is the step's oldest open one: whether it goes out now (`false`: held). */
  note(plugin: string, report: PluginReport): boolean {
    if (this.phase === 'held') {
      this.held.push([plugin, report]);
      return false;
    }
    if (this.phase === 'kept') this.kept.push(stepReport(plugin, report));
    return true;
  }

  /**
   * A runner's step of the call starts: until it knows whether its body runs here, reports wait
   * (after a body already ran here, they go on being kept: this step's body will run here too).
   */
  waiting(): void {
    if (this.phase !== 'kept') this.phase = 'held';
  }

  /** The step's body runs here: what waited goes out (in order) and is kept, and so is what follows. */
  running(): void {
    const held = this.held;
    this.held = [];
    this.phase = 'kept';
    for (const [plugin, report] of held) {
      this.kept.push(stepReport(plugin, report));
      this.facts.emit(plugin, report);
    }
  }

  /**
   * The step's body ended: what was kept since the last record (in order), for this step's
   * record. What follows goes out at once and is kept for the call's next step, if it has one.
   */
  end(): StepReport[] {
    const kept = this.kept;
    this.kept = [];
    return kept;
  }

  /**
   * The step's body did not run here (a replay): what waited is dropped, and the reports the
   * step's record holds (`undefined`: none) are emitted instead, as `plugin` events of the step,
   * in order; reports wait again for the call's next step. A changed record fails as the
   * plugin's `wrapModelCall` (see `replayStepReports`).
   */
  replay(stored: unknown): void {
    this.held = [];
    this.kept = [];
    this.phase = 'held';
    replayStepReports(stored, this.facts, 'wrapModelCall');
  }

  /**
   * The call settled: what still waits (a runner that neither ran nor replayed its step: its call
   * failed before) goes out now, and the call takes no more reports.
   */
  settled(): void {
    if (this.phase === 'held') this.running();
    this.kept = [];
    this.phase = undefined;
  }
}

/**
 * The in-step reports of a model call, read from the request's input (`ModelCallInput.stepReports`,
 * see {@link ModelStepReports}), or `undefined`: a run without a recorder, a run whose plugins'
 * model wrappers are all recorded, an input made by hand. @internal
 */
export function modelStepReportsOf(value: unknown): ModelStepReports | undefined {
  return value instanceof ModelStepReports ? value : undefined;
}
