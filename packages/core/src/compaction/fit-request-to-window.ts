import { ContextWindowError } from '../agent/errors/context-window-error.ts';
import type { RunContext } from '../agent/run-state/run-context.ts';
import type { Content } from '../wire/content.ts';
import type { CompactionSettings } from './compaction-options.ts';
import { estimateSentTokens } from './estimate-sent-tokens.ts';
import { describeUncut, type FitWindowResult, fitWindow } from './fit-window.ts';

/**
 * The window guard, after the compaction (and `onCompaction`) had their say: a history still
 * over the model's input window is cut further ({@link fitWindow}: the recent turns' results,
 * then the current step's into the artifact store), with a warning, since the model now works
 * from less than the settings meant to keep; when nothing more can be cut the step fails before
 * sending. `undefined` when the history fits as it is.
 * @throws {@link ContextWindowError} naming the window, the estimate and what could not be cut.
 * @internal
 */
export async function fitRequestToWindow<Output>(
  context: RunContext<Output>,
  settings: CompactionSettings,
  {
    stepNumber,
    contents,
    window,
    fixed,
  }: {
    stepNumber: number;
    /** The history the step would send, compacted or not. */
    contents: readonly Content[];
    /** The model's input window, in tokens. */
    window: number;
    /** What every request sends besides the history (system instruction, tools, cache). */
    fixed: number;
  },
): Promise<FitWindowResult | undefined> {
  const { config, run } = context;
  const estimate = (list: readonly Content[]): number =>
    estimateSentTokens(list, run.tokenEstimates);
  if (fixed + estimate(contents) <= window) return undefined;
  const budget = window - fixed;
  const fit = await fitWindow({
    contents,
    budget,
    settings,
    estimate,
    newId: () => crypto.randomUUID(),
    onArtifactFailed: (error, id) =>
      config.logger.warn(
        { err: error, artifactId: id },
        'compaction: the artifact store did not keep a cleared tool result; reading it back will say so',
      ),
  });
  const cut = `compaction cleared ${fit.clearedOld} tool result(s) of earlier steps and stored ${fit.clearedCurrent} of the current step's`;
  if (fit.tokens > budget) {
    throw new ContextWindowError({
      model: config.model,
      window,
      estimatedTokens: fixed + fit.tokens,
      fixedTokens: fixed,
      stepNumber,
      uncut: describeUncut(fit.contents, fixed, fit.currentKept),
      cut,
      run: run.state(),
    });
  }
  config.logger.warn(
    {
      window,
      estimatedTokens: fixed + fit.tokens,
      clearedOld: fit.clearedOld,
      clearedCurrent: fit.clearedCurrent,
    },
    `compaction: the request of step ${stepNumber} would have passed the ${window}-token window of ${config.model}, so ${cut} (past keepRecent); cap tool results with toolOutput({ maxTokens }) to keep more of them`,
  );
  return fit;
}
