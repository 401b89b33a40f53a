import type { AgentConfig } from '../agent/config/agent-config.ts';
import { AgentAbortedError } from '../agent/errors/agent-aborted-error.ts';
import type {
  SideModelRequest,
  SideModelResult,
} from '../agent/plugins/run-view/side-model-call.ts';
import { isRunEnding } from '../agent/run-state/is-run-ending.ts';
import type { RunContext } from '../agent/run-state/run-context.ts';
import { CompactionError } from '../errors/compaction-error.ts';
import { estimateTokens } from '../history/estimate-tokens.ts';
import { describeValue } from '../options/define-options.ts';
import type { Content } from '../wire/content.ts';
import type { GenerateContentRequest } from '../wire/request.ts';
import {
  type CompactionReport,
  type CompactionTrace,
  checkRewrite,
  compactHistory,
  type Summarize,
  type SummarizerCall,
} from './compact-history.ts';
import { type CompactionSettings, compactionThreshold } from './compaction-options.ts';
import { estimateSentTokens } from './estimate-sent-tokens.ts';
import { fitRequestToWindow } from './fit-request-to-window.ts';

/** The tokens of the request's fixed part (system instruction, tools), once per agent. */
// A cache keyed by the agent's config, which never changes after createAgent: no run data.
// why (cache): a pure function of the agent's frozen config.
const fixedTokens = new WeakMap<object, number>();

/** Band under the threshold where `countNearThreshold` asks the API instead of the estimate. */
const NEAR_THRESHOLD = 0.85;

/**
 * The compaction phase of a model step (the `compaction` option), before its request is built:
 * decides from a cheap estimate (the API's `countTokens` only near the threshold, when asked)
 * whether the history to send passes the threshold or the step cadence, compacts it
 * (`compactHistory`), lets `onCompaction` cancel or replace it, checks the result
 * (`checkRewrite`: every rewrite goes through it), and from then on sends the compacted history.
 * A history over the model's input window (known from `contextWindow` or the models table) is
 * compacted whatever the threshold says, then cut further or refused before sending
 * ({@link fitRequestToWindow}). The run's own `contents` stay whole. Emits the `compaction`
 * event and tells the observers.
 * @throws `ContextWindowError` when the request cannot be made to fit the window.
 * @internal
 */
export async function compactBeforeStep<Output>(
  context: RunContext<Output>,
  settings: CompactionSettings,
  stepNumber: number,
  generate: SideGenerate,
): Promise<void> {
  try {
    await compactHistoryToSend(context, settings, stepNumber, generate);
  } catch (error) {
    // A summarizer (or countTokens) stopped by the run's signal ends the run aborted, with its
    // history, as an aborted model call does (not with the signal's bare reason).
    if (context.signal.aborted && !isRunEnding(context.config, error))
      throw new AgentAbortedError({
        phase: 'model-call',
        run: context.run.state(),
        cause: context.signal.reason,
      });
    throw error;
  }
}

/** See {@link compactBeforeStep}. */
async function compactHistoryToSend<Output>(
  context: RunContext<Output>,
  settings: CompactionSettings,
  stepNumber: number,
  generate: SideGenerate,
): Promise<void> {
  const { config, run } = context;
  const contents = run.sendContents();
  const fixed = fixedTokensOf(config, context.leadingContents);
  const tokensBefore = estimateSentTokens(contents, run.tokenEstimates);
  const threshold = compactionThreshold(settings);
  const measured: Measured = { contents, fixed, tokensBefore, threshold };
  const reason = await compactionReason(context, settings, measured, stepNumber);
  if (reason === undefined) return;

  const trace: CompactionTrace = { startedAt: config.now() };
  const target = Math.max(0, (threshold ?? fixed + tokensBefore) * settings.targetFraction - fixed);
  const compacted = await compactHistory({
    contents,
    settings,
    target,
    summarize:
      settings.summarize === undefined ? undefined : summarizer(context, settings, trace, generate),
    newId: () => crypto.randomUUID(),
    onArtifactFailed: (error, id) =>
      config.logger.warn(
        { err: error, artifactId: id },
        'compaction: the artifact store did not keep a cleared tool result; reading it back will say so',
      ),
    onSummaryFailed: (error) =>
      config.logger.warn(
        { err: error },
        'compaction: the summary failed; compacted without it (tried again at the next compaction)',
      ),
  });
  const decided = await userDecision(context, settings, measured, {
    stepNumber,
    reason,
    after: compacted.contents,
  });
  const window = settings.contextWindow;
  const fit =
    window === undefined
      ? undefined
      : await fitRequestToWindow(context, settings, {
          stepNumber,
          contents: decided.after,
          window,
          fixed,
        });
  const after = fit === undefined ? decided.after : fit.contents;
  if (after === contents) return;
  const builtIn = !decided.replaced && !decided.cancelled;
  checkRewrite(contents, after, config.capabilities.requiresThoughtSignatures, {
    activeResultsCleared: (fit?.clearedCurrent ?? 0) > 0,
  });
  const report: CompactionReport = {
    stepNumber,
    reason,
    tokensBefore,
    tokensAfter: estimateSentTokens(after, run.tokenEstimates),
    clearedToolResults:
      (builtIn ? compacted.cleared : 0) + (fit?.clearedOld ?? 0) + (fit?.clearedCurrent ?? 0),
    prunedThoughts: (builtIn ? compacted.pruned : 0) + (fit?.pruned ?? 0),
    summarizedContents: builtIn ? compacted.summarized : 0,
    replaced: decided.replaced,
  };
  run.setCompacted(after, report);
  context.emit?.({ type: 'compaction', ...report, trace });
}

/** A side model call of the run (`PluginRun.generate`), which the summary is. */
type SideGenerate = (request: SideModelRequest) => Promise<SideModelResult>;

/** What a step's compaction decides from: the history to send and its size against the limits. */
type Measured = {
  contents: Content[];
  /** The request's fixed part (see {@link fixedTokensOf}). */
  fixed: number;
  /** The history's estimate. */
  tokensBefore: number;
  threshold: number | undefined;
};

/**
 * Why the step compacts (`undefined`: it does not): the threshold passed (by the estimate, or by
 * the API's count near it when `countNearThreshold`), the step cadence, or the model's window.
 */
async function compactionReason<Output>(
  context: RunContext<Output>,
  settings: CompactionSettings,
  { contents, fixed, tokensBefore, threshold }: Measured,
  stepNumber: number,
): Promise<CompactionReport['reason'] | undefined> {
  // One comparison a step: the warning's own work happens once, before the run's first model
  // step (the run's own state says which that is: no registry of warned runs).
  if (threshold !== undefined && fixed >= threshold && context.run.steps.length === 0) {
    warnUnreachable(context.config, settings, threshold, fixed);
  }
  if (threshold !== undefined && fixed + tokensBefore > threshold) return 'tokens';
  if (
    threshold !== undefined &&
    settings.countNearThreshold &&
    fixed + tokensBefore > threshold * NEAR_THRESHOLD &&
    (await countedTokens(context, contents)) > threshold
  ) {
    return 'tokens';
  }
  if (
    settings.everySteps !== undefined &&
    stepNumber > 1 &&
    (stepNumber - 1) % settings.everySteps === 0
  ) {
    return 'steps';
  }
  // A request must never pass the model's window (a 400, or a silent cut): past it, the step
  // compacts whatever the threshold says (a `maxTokens` above the window, a step's own results).
  const window = settings.contextWindow;
  if (window !== undefined && fixed + tokensBefore > window) return 'tokens';
  return undefined;
}

/**
 * What `onCompaction` made of the compacted history: kept (no hook, or it returned nothing),
 * cancelled (the history as it was; still cut to the window after), or replaced by its own.
 * @throws {@link CompactionError} (`invalid-replacement`) when it returned something else.
 */
async function userDecision<Output>(
  { run }: RunContext<Output>,
  settings: CompactionSettings,
  { contents, tokensBefore }: Measured,
  {
    stepNumber,
    reason,
    after,
  }: { stepNumber: number; reason: CompactionReport['reason']; after: readonly Content[] },
): Promise<{ after: readonly Content[]; replaced: boolean; cancelled: boolean }> {
  if (settings.onCompaction === undefined) return { after, replaced: false, cancelled: false };
  // Copies: `before` was the run's own history array and `after` shared its kept contents, so a
  // hook that spliced one or edited a content in place before accepting rewrote the history the
  // run keeps (and a chat store saves). It changes the history only by what it returns.
  const decision: unknown = await settings.onCompaction({
    stepNumber,
    reason,
    before: copyOfContents(contents),
    after: copyOfContents(after),
    tokensBefore,
    tokensAfter: estimateSentTokens(after, run.tokenEstimates),
  });
  const read = readDecision(decision);
  if (read === 'cancel') {
    // Cancelled: sent as it was, unless it passes the window (cut below all the same).
    return { after: contents, replaced: false, cancelled: true };
  }
  if (read !== undefined) return { after: read, replaced: true, cancelled: false };
  return { after, replaced: false, cancelled: false };
}

/**
 * What `onCompaction` returned, read strictly: `'cancel'`, the replacement, or `undefined` to
 * accept (`undefined`, `null`, `{ cancel: false }`). Anything else is refused, not taken as an
 * accept: `{ cancel: 'yes' }` or a misspelt `{ content }` dropped the user's decision silently,
 * and a string or a number ended the run with a bare TypeError from `'cancel' in decision`.
 * @throws {@link CompactionError} (`invalid-replacement`) naming what it got.
 */
function readDecision(decision: unknown): 'cancel' | readonly Content[] | undefined {
  if (decision === undefined || decision === null) return undefined;
  const refuse = (got: string): never => {
    throw new CompactionError({
      reason: 'invalid-replacement',
      message: `onCompaction must return undefined, { cancel: true } or { contents: Content[] }; ${got}.`,
    });
  };
  if (typeof decision !== 'object' || Array.isArray(decision)) {
    return refuse(
      Array.isArray(decision)
        ? 'got an array (return { contents: [...] } to replace the history)'
        : `got a ${typeof decision}`,
    );
  }
  const { cancel, contents } = decision as { cancel?: unknown; contents?: unknown };
  if ('contents' in decision) {
    if (!Array.isArray(contents))
      return refuse(`contents must be an array, got ${describeValue(contents)}`);
    if (cancel !== undefined) return refuse('got both cancel and contents; give one');
    return contents as readonly Content[];
  }
  if ('cancel' in decision) {
    if (cancel === true) return 'cancel';
    if (cancel === false) return undefined;
    return refuse(`cancel must be true (or false to accept), got ${describeValue(cancel)}`);
  }
  const keys = Object.keys(decision)
    .slice(0, 5)
    .map((key) => JSON.stringify(key).slice(0, 40));
  return keys.length === 0
    ? undefined
    : refuse(`got an object with ${keys.join(', ')} (neither cancel nor contents)`);
}

/** The check's own copy of a history (wire contents are JSON; a shallow copy if one is not). */
function copyOfContents(contents: readonly Content[]): readonly Content[] {
  try {
    return structuredClone(contents);
  } catch {
    return [...contents];
  }
}

/**
 * Warns that the threshold is at or under what every request sends besides the history: every
 * step is over it however much is compacted, so each one clears and (with `summarize`) summarizes
 * again, at the cost of a model call a step, and the request still passes the threshold.
 */
function warnUnreachable<Output>(
  config: AgentConfig<Output>,
  settings: CompactionSettings,
  threshold: number,
  fixed: number,
): void {
  const setting =
    settings.maxTokens !== undefined
      ? `compaction.maxTokens (${threshold} tokens)`
      : `the compaction threshold (${threshold} tokens: windowFraction ${settings.windowFraction} of a ${settings.contextWindow}-token window)`;
  const raise =
    settings.maxTokens !== undefined
      ? `raise compaction.maxTokens above about ${fixed}`
      : 'raise compaction.windowFraction (or give compaction.maxTokens)';
  config.logger.warn(
    { threshold, fixedTokens: fixed },
    `compaction: ${setting} can never be met: the system instruction, tool declarations and cached contents every request sends take about ${fixed} tokens, so every step compacts${settings.summarize === undefined ? '' : ' and summarizes'} and is still over it; ${raise} (well above, so the history has room), or shorten the instruction and tools.`,
  );
}

/**
 * What every request sends besides the history: the system instruction, the tools and the
 * contents the agent's plugins send before it (the managed cache's `contents`, inline or from the
 * cache: they count in the window either way). Estimated once per agent.
 */
function fixedTokensOf<Output>(
  config: AgentConfig<Output>,
  leadingContents: readonly Content[] | undefined,
): number {
  let tokens = fixedTokens.get(config);
  if (tokens === undefined) {
    const { text, media } = estimateTokens([
      config.request.systemInstruction,
      config.request.tools,
      leadingContents,
    ]);
    tokens = text + media;
    fixedTokens.set(config, tokens);
  }
  return tokens;
}

/** The API's count of the request, or the estimate when counting fails (a gateway without it). */
async function countedTokens<Output>(
  { config, callOptions }: RunContext<Output>,
  contents: Content[],
): Promise<number> {
  try {
    const { systemInstruction, tools } = config.request;
    const generateContentRequest: Omit<GenerateContentRequest, 'model'> = { contents };
    if (systemInstruction !== undefined)
      generateContentRequest.systemInstruction = systemInstruction;
    if (tools !== undefined) generateContentRequest.tools = tools;
    const counted = await config.gemini.countTokens(
      { model: config.model, generateContentRequest },
      callOptions,
    );
    return counted.totalTokens ?? 0;
  } catch (error) {
    if (callOptions.signal?.aborted === true) throw error;
    config.logger.warn({ err: error }, 'compaction: countTokens failed; using the estimate');
    return 0;
  }
}

/**
 * The summarizer: one `generateContent` call through the agent's client entry (so a durable
 * client records it as a step, and retries, redaction and the run's signal apply), with the
 * summary prompt as the system instruction and the transcript as the one user turn. The
 * summarizer gets no tools and no history of its own: another model may summarize (thought
 * signatures are model-bound; a transcript has none).
 */
function summarizer<Output>(
  context: RunContext<Output>,
  settings: CompactionSettings,
  trace: CompactionTrace,
  generate: SideGenerate,
): Summarize {
  const { config } = context;
  return async (transcript) => {
    const model = settings.summarize?.model ?? config.model;
    // Timed for the observers: the call's own span, a child of the compaction's.
    const call: SummarizerCall = { model, startedAt: config.now(), endedAt: 0 };
    trace.summarizer = call;
    try {
      return await summarizeOnce(context, settings, model, transcript, call, generate);
    } catch (error) {
      if (CompactionError.isInstance(error)) call.error = error;
      throw error;
    } finally {
      call.endedAt = config.now();
    }
  };
}

/** One summary: the side model call (counted as the run's by `run.generate`), its text. */
async function summarizeOnce<Output>(
  context: RunContext<Output>,
  settings: CompactionSettings,
  model: string,
  transcript: string,
  call: SummarizerCall,
  generate: SideGenerate,
): Promise<string> {
  const { config } = context;
  const summarize = settings.summarize;
  let text: string;
  try {
    // Billed: the run's usage and cost (and a chat's, a span's) and the tree's budget count it,
    // priced for the summarizer's model.
    const summary = await generate({
      model,
      systemInstruction: { parts: [{ text: summarize?.prompt ?? '' }] },
      contents: [{ role: 'user', parts: [{ text: transcript }] }],
    });
    call.usage = summary.response.usageMetadata;
    call.cost = summary.cost;
    text = summary.text;
  } catch (error) {
    // The run's own end (an abort, the tree's budget spent, a run-ending error) is the run's
    // verdict, not the summary's failure: reported as one, it went to the logs and the spans
    // before the run ended with it.
    if (context.signal.aborted || isRunEnding(config, error)) throw error;
    throw new CompactionError({
      reason: 'summarizer-failed',
      message: `The compaction summarizer (${model}) failed: ${config.modelCall.redact(String(error))}`,
      cause: error,
    });
  }
  if (text.trim() === '') {
    throw new CompactionError({
      reason: 'summarizer-failed',
      message: `The compaction summarizer (${model}) answered with no text; the history was not summarized.`,
    });
  }
  return text;
}
