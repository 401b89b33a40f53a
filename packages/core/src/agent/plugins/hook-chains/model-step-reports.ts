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

// why (sentinel): a property key compared by identity. A symbol where the tool path has a typed
// field (ToolExecuteContext.gemloopStepReports): the reports ride on the model call's options to
// the durable runner's model client, and no signature carries them there: `CallOptions` is public and checked key by key (a field would be
// an option users could set, accepted and ignored by every check), and a new argument of
// `ModelCallEntry.generate`/`stream` would have to be passed on by every `wrapModelRequest`. An
// own symbol property is carried by the spreads those wrappers make, and is no option.
// (durable-events53b tried the field: three option declarations refused it.)
/** The key a model call's {@link ModelStepReports} is kept under on its call options. */
const STEP_REPORTS: unique symbol = Symbol('gemloop.modelStepReports');

/**
 * The in-step reports of one model step's calls in a run with a recorder (a durable runner's),
 * for the plugins' `wrapModelCall` runs that are not recorded: they note theirs here
 * ({@link note}), and the runner's model step holds, keeps and replays them ({@link waiting},
 * {@link running}, {@link end}, {@link replay}). Reached from the call's options by
 * {@link modelStepReportsOf}. A run whose model client is not such a runner's never calls
 * {@link waiting}: every report goes out at once, as without a recorder. @internal
 */
export class ModelStepReports {
  /**
   * `held`: the runner's call started and does not yet know whether its body runs here (its
   * reports wait); `kept`: the body runs (its reports go out and are kept); `undefined`: neither.
   */
  private phase: 'held' | 'kept' | undefined;
  private held: [string, PluginReport][] = [];
  private kept: StepReport[] = [];
  private readonly facts: ToolStepReportFacts;

  constructor(facts: ToolStepReportFacts) {
    this.facts = facts;
  }

  /**
   * `options` with this on them (the call options the step's model call is made with). An own
   * enumerable symbol, so the spreads between the loop and the client (a request plugin's, the
   * client's own) carry it; JSON and the wire never see a symbol.
   */
  carriedBy<Options extends object>(options: Options): Options {
    return { ...options, [STEP_REPORTS]: this };
  }

  /** A report `plugin` made through the step's run: whether it goes out now (`false`: held). */
  note(plugin: string, report: PluginReport): boolean {
    if (this.phase === 'held') {
      this.held.push([plugin, report]);
      return false;
    }
    if (this.phase === 'kept') this.kept.push(stepReport(plugin, report));
    return true;
  }

  /** The runner's model call starts: reports wait until it knows whether its body runs here. */
  waiting(): void {
    this.phase = 'held';
    this.held = [];
    this.kept = [];
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

  /** The body ended: what was reported since {@link running} (in order); nothing is kept from now on. */
  end(): StepReport[] {
    const kept = this.kept;
    this.kept = [];
    this.phase = undefined;
    return kept;
  }

  /**
   * The body did not run here (a replay): what waited is dropped, and the reports the step's
   * record holds (`undefined`: none) are emitted instead, as `plugin` events of the step, in
   * order. A changed record fails as the plugin's `wrapModelCall` (see `replayStepReports`).
   */
  replay(stored: unknown): void {
    this.held = [];
    this.phase = undefined;
    replayStepReports(stored, this.facts, 'wrapModelCall');
  }

  /**
   * The step's call settled: what still waits (a runner that neither ran nor replayed it: its
   * call failed before) goes out now, and what follows goes out at once, kept by nothing.
   */
  settled(): void {
    if (this.phase === 'held') this.running();
    this.end();
  }
}

/**
 * The in-step reports of the model call made with `options` (see {@link ModelStepReports}), or
 * `undefined`: a run without a recorder, a run whose plugins' model wrappers are all recorded,
 * options made by hand. @internal
 */
export function modelStepReportsOf(options: object | undefined): ModelStepReports | undefined {
  return (options as { [STEP_REPORTS]?: ModelStepReports | undefined } | undefined)?.[STEP_REPORTS];
}
