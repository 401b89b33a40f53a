import { PluginError } from '../plugin-error.ts';
import { type PluginReport, toReports } from '../plugin-results.ts';

// The reports (`run.emit`) a plugin makes through its `wrapToolCall`'s run while the call's tool
// runs inside a durable runner's step (an MCP run link's `sampling` or `elicitation-pending`,
// a progress report): the step's body runs once, and a replay hands back the step's recorded
// outcome without running it, so such a report made once was never made again. A worker killed
// after the step was recorded and before the run's next event write lost it for good, and every
// later event of the run took an index one lower than the first execution's (a durable runner's
// event stream is indexed: a reader that had the first execution's events skipped the
// replay's at those indices). Now the runner's step keeps a copy of them with its outcome and
// a replay emits them again where the step returns, as recorded hooks' reports are
// (`emitStored`). They still go out at once on the first run: a page shows an elicitation
// while the tool waits for its answer.

/** One report a step kept: the plugin that made it, its kind and data (`PluginRun.emit`). @internal */
export type StepReport = {
  readonly plugin: string;
  readonly kind: string;
  readonly data?: unknown;
};

/**
 * Where a call's in-step reports are: `ToolExecuteContext.gemloopStepReports`, a field of the
 * argument `execute(args, context)` already takes (as `gemloopRunLink`: nothing rides under a
 * symbol). Not enumerable, so a tool that logs or spreads its context shows none of it.
 */
const STEP_REPORTS = 'gemloopStepReports';

/**
 * The in-step reports of one tool call in a run with a recorder (a durable runner's): the
 * plugins' `wrapToolCall` runs of the call note theirs here ({@link note}), and the runner's
 * step around the tool keeps what was noted while its body ran ({@link begin}, {@link end}) with
 * its outcome, then hands the outcome's list back ({@link replay}) when it did not run here.
 * Reached from the tool's context by {@link toolStepReportsOf}. @internal
 */
export class ToolStepReports {
  /** The reports noted since {@link begin}; `undefined` while no step body runs the tool. */
  private kept: StepReport[] | undefined;
  private readonly facts: ToolStepReportFacts;

  constructor(facts: ToolStepReportFacts) {
    this.facts = facts;
  }

  /** Puts this on the tool's `execute` context (not enumerable: a spread or logged context shows none of it). */
  link(context: object): void {
    Object.defineProperty(context, STEP_REPORTS, { value: this });
  }

  /**
   * A report `plugin` made through the call's run: kept while a step body runs the tool. It
   * always goes out at once (`true`; see {@link StepReportSink}).
   */
  note(plugin: string, report: PluginReport): true {
    this.kept?.push(stepReport(plugin, report));
    return true;
  }

  /** The step body starts the tool: what is reported from now on is kept. */
  begin(): void {
    this.kept = [];
  }

  /** The tool ended: what was reported while it ran (in order), and nothing is kept from now on. */
  end(): StepReport[] {
    const kept = this.kept ?? [];
    this.kept = undefined;
    return kept;
  }

  /**
   * The reports a step's recorded outcome holds (`undefined`: none), emitted again as `plugin`
   * events of the call's step, in order: called when the step's body did not run in this
   * execution (a replay). A record is read back from a database: what is not a list of
   * `{ plugin, kind, data }` of the run's plugins fails as that plugin's invalid `wrapToolCall`
   * (a `PluginError`) rather than as events no surface can read.
   */
  replay(stored: unknown): void {
    replayStepReports(stored, this.facts, 'wrapToolCall');
  }
}

/**
 * Emits again, in order, the reports a step's recorded outcome holds (`undefined`: none) as
 * `plugin` events of the step, for a step whose body did not run in this execution (a replay).
 * A record is read back from a database: what is not a list of `{ plugin, kind, data }` of the
 * run's plugins fails as that plugin's invalid `hook` (a `PluginError`) rather than as events no
 * surface can read. @internal
 */
export function replayStepReports(
  stored: unknown,
  { names, redact, emit, state }: ToolStepReportFacts,
  hook: 'wrapToolCall' | 'wrapModelCall',
): void {
  if (stored === undefined) return;
  const entries = Array.isArray(stored) ? (stored as unknown[]) : [stored];
  const reports = toReports(entries, redact);
  const plugins = entries.map((entry) => (entry as { plugin?: unknown } | null)?.plugin);
  const foreign = plugins.find((plugin) => typeof plugin !== 'string' || !names().includes(plugin));
  if (!Array.isArray(stored) || reports === undefined || foreign !== undefined)
    throw new PluginError({
      plugin: typeof foreign === 'string' ? foreign : (names()[0] ?? 'unknown'),
      hook,
      message: `the record of a ${hook === 'wrapToolCall' ? 'tool' : 'model'} call it wrapped holds reports that are not a list of { plugin, kind, data } of the run's plugins (a kind is 1 to 64 characters) (the record was changed)`,
      run: state(),
    });
  for (const [at, report] of reports.entries()) emit(plugins[at] as string, report);
}

/**
 * Where a call's run view sends a report its plugin made through it (`PluginRunView.emit`): the
 * call's in-step reports, which keep a copy, and say whether the report goes out now (`false`: it
 * is held, and goes out later or is replaced by a record's; see `ModelStepReports`). @internal
 */
export type StepReportSink = {
  note(plugin: string, report: PluginReport): boolean;
};

/** `report` as a step's record keeps it: its plugin, kind and data (none when it has none). @internal */
export function stepReport(plugin: string, report: PluginReport): StepReport {
  return report.data === undefined ? { plugin, kind: report.kind } : { plugin, ...report };
}

/** What a call's {@link ToolStepReports} reads of its run. @internal */
export type ToolStepReportFacts = {
  /** The names of the run's plugins now. */
  readonly names: () => readonly string[];
  /** The run's redaction (a kind read back from a record is redacted again). */
  readonly redact: <T>(value: T) => T;
  /** Emits one report as the `plugin` event of the call's step. */
  readonly emit: (plugin: string, report: PluginReport) => void;
  /** The run's state, for the error of a changed record. */
  readonly state: () => ConstructorParameters<typeof PluginError>[0]['run'];
};

/**
 * The in-step reports of the call whose tool got `context` (see {@link ToolStepReports}), or
 * `undefined`: a run without a recorder, a run whose plugins wrap no tool call, a context made
 * by hand. @internal
 */
export function toolStepReportsOf(context: object): ToolStepReports | undefined {
  return (context as { [STEP_REPORTS]?: ToolStepReports | undefined })[STEP_REPORTS];
}
