import { InvalidArgumentError } from '../../../errors/invalid-argument-error.ts';
import type { prepareThoughtSignatures } from '../../../history/thought-signatures/prepare-thought-signatures.ts';
import type { AgentStep } from '../../../run/agent-result.ts';
import type { Content } from '../../../wire/content.ts';
import type { AgentPlugin, ModelCallDraft, PluginRun } from '../agent-plugin.ts';
import { ModelCallLimitError } from '../model-call-limit-error.ts';
import {
  finishReason,
  isFinish,
  isSendableContents,
  isStep,
  ownStepContent,
  readStepOnce,
} from '../plugin-results.ts';
import { stepView } from '../run-view/plugin-run-view.ts';
import { modelChangeOf } from './hook-result-fields.ts';
import { boxed, unboxed } from './hook-value.ts';
import { type BesideVerdict, InputHooks } from './input-hooks.ts';
import type { ModelStepReports } from './model-step-reports.ts';
import { ModelWrapReports } from './model-wrap-reports.ts';
import type { PluginStop } from './plugin-hook-calls.ts';
import { wrapRecordedModel } from './recorded-model-wrap.ts';

/** A step's hooks around the model call (`beforeModelCall`, `wrapModelCall`, `afterModelCall`). @internal */
export class ModelHooks extends InputHooks {
  /**
   * The model that made each content of the run a `wrapModelCall` sent to another model than the
   * holding agent's (see {@link signedFor}); `undefined` until a wrapper did: a run whose wrappers
   * keep the agent's model never makes it.
   */
  private producers: WeakMap<Content, string> | undefined;

  /**
   * What follows a step: the end a plugin asked for (`run.finish`), once the step's calls are
   * answered; or, after an answer the model ended normally (`answer`), what `afterAnswer`
   * decides: its contents appended (`append`) and the model called again (`'run-again'`), or the
   * end. `undefined`: the step goes on as the loop resolved it.
   */
  async afterStep(
    step: AgentStep,
    answer: { readonly text?: string | undefined; readonly blocked?: unknown } | undefined,
    stepsLeft: boolean,
    append: (content: Content) => void,
    logger: { warn(fields: object, message: string): void },
  ): Promise<PluginStop | 'run-again' | undefined> {
    if (this.stop !== undefined) return answer === undefined ? this.stop : undefined;
    if (answer === undefined || this.hooks.afterAnswer === undefined) return undefined;
    const decided = await this.afterAnswer({
      step,
      text: answer.text ?? step.text,
      stepsLeft,
      blocked: answer.blocked !== undefined,
    });
    if (decided === undefined) return undefined;
    const { outcome, plugin, receivers } = decided;
    if (outcome.type === 'finish') return { plugin, reason: outcome.reason };
    // The receiving agent's steps count from zero: a hand-off needs no step left. Its contents
    // are appended after the history is filtered for it.
    if (outcome.type === 'hand-off') {
      this.handOff = { plugin, hook: 'afterAnswer', outcome, receivers };
      return 'run-again';
    }
    if (!stepsLeft) {
      // No step left to answer it: the run ends with its answer, and says why it did not go on.
      logger.warn(
        { plugin },
        'a plugin asked to run again after the answer, but no step is left (maxSteps)',
      );
      return undefined;
    }
    for (const content of outcome.contents) append(content as Content);
    // No contents: the hook added them itself (`run.addInput`) and reported them its own way.
    if (outcome.contents.length > 0)
      this.emit(plugin, 'run-again', { contents: outcome.contents.length });
    return 'run-again';
  }

  /**
   * One model step through the plugins: `beforeModelCall` (other contents, or the end of the
   * run), `wrapModelCall` around `call`, then `afterModelCall`. `call` gets the contents to send
   * instead of the history, `undefined` when no hook changed them (so the step compacts and sends
   * the history as it would without plugins), and the model a wrapper sent the call to
   * (`undefined`: the agent's) and the cached content it sent the call with (`undefined`: none).
   * `contentsNow` gives what the step would send now: a hook that
   * added input to the history (`run.addInput`, a steer) rather than returning contents makes the
   * draft the wrappers see that history (a fallback's second call sends the steer too).
   */
  async modelStep(
    draft: ModelCallDraft,
    call: (
      contents: readonly Content[] | undefined,
      model: string | undefined,
      cachedContent: string | undefined,
      signal?: AbortSignal,
      reports?: ModelStepReports,
    ) => Promise<AgentStep>,
    historyNow?: () => readonly Content[],
    // The loop's, handed in: imported here, it would split its chunk from the loop's (+13 B gzip).
    prepare?: typeof prepareThoughtSignatures,
  ): Promise<AgentStep | PluginStop> {
    this.stepNumber = draft.stepNumber;
    // The hooks see a frozen copy of the list, not the run's history itself: a plugin that
    // pushed to `call.contents` or spliced it (now or later) changed what the run keeps and sends.
    const contentsNow = historyNow && ((): readonly Content[] => Object.freeze([...historyNow()]));
    let current: ModelCallDraft = { ...draft, contents: Object.freeze([...draft.contents]) };
    let history = current.contents;
    let follows = true;
    if (this.hooks.beforeModelCall !== undefined) {
      const changed = await this.beforeModelCall(current, contentsNow);
      if (!('contents' in changed)) return changed.stop;
      current = changed.draft;
      follows = changed.followsHistory;
      if (follows) history = current.contents;
    }
    // The run's input meets the `checkInput` hooks once, at its first step, after its
    // `beforeModelCall` hooks (so a steer they added is checked with it) and before its wrappers;
    // what a plugin adds later meets them on its own. A rewrite is what the step sends.
    let beside: BesideVerdict[] | undefined;
    if (this.hooks.checkInput !== undefined && !this.facts.tracker.inputChecked) {
      const checked = await this.checkRunInput(draft.stepNumber);
      beside = checked.beside;
      const now = checked.rewritten && follows ? contentsNow?.() : undefined;
      if (now !== undefined) {
        current = { ...current, contents: now };
        history = now;
      }
    }
    const send = (sent: ModelCallDraft, reports?: ModelStepReports) => {
      const model = typeof sent.model === 'string' && sent.model !== '' ? sent.model : undefined;
      // Another model, or the agent's after another's turns: signed for the model it goes to.
      const signed =
        model === undefined && this.producers === undefined
          ? sent.contents
          : this.signedFor(sent.contents, model, prepare);
      const contents = signed === history ? undefined : signed;
      const cachedContent =
        typeof sent.cachedContent === 'string' && sent.cachedContent !== ''
          ? sent.cachedContent
          : undefined;
      // The step's first call runs beside the input verdicts still to come; a call sent again
      // (a fallback's) after they settled is an ordinary one.
      const verdicts = beside;
      beside = undefined;
      const called =
        verdicts === undefined
          ? call(contents, model, cachedContent, undefined, reports)
          : this.callBeside(
              verdicts,
              (signal) => call(contents, model, cachedContent, signal, reports),
              () => call(undefined, model, cachedContent, undefined, reports),
              sent.stepNumber,
            );
      return model === undefined ? called : called.then((step) => this.madeBy(step, model));
    };
    let step: AgentStep;
    try {
      step =
        this.hooks.wrapModelCall === undefined
          ? await send(current)
          : await this.wrapModelCall(current, send);
    } catch (error) {
      // The step failed before any call ran beside the verdicts: they are not waited for.
      for (const { verdict } of beside ?? []) verdict.catch(() => {});
      throw error;
    }
    // A wrapper answered without calling the model (a cache): the verdicts still stand.
    if (beside !== undefined) await this.settledBeside(beside, draft.stepNumber);
    if (this.hooks.afterModelCall !== undefined) await this.afterModelCall(step);
    return step;
  }

  /**
   * `contents` as `model` (`undefined`: the holding agent's) takes them. Thought signatures are
   * bound to the model that made them (another refuses one with 400 "Invalid thought
   * signature"), and Gemini 3 refuses a call of the active loop without one: so a `wrapModelCall`
   * that sends the step to another model (a third party's router, a fallback) gets the history
   * prepared here, in the seam, as a hand-off's is (`take-over.ts`): the turns another model made
   * lose their signatures, with Google's documented dummy where the model needs one
   * (`prepareThoughtSignatures`; https://ai.google.dev/gemini-api/docs/thought-signatures#faqs,
   * "transfer history from a different model"). The run's history keeps every turn verbatim (a
   * copy is sent); `contents` itself while no wrapper has sent a step to another model.
   */
  private signedFor(
    contents: readonly Content[],
    model: string | undefined,
    prepare: typeof prepareThoughtSignatures | undefined,
  ): readonly Content[] {
    const holder = this.facts.holder();
    const agent = holder.model;
    const to = model ?? agent;
    const producers = this.producers;
    if ((producers === undefined && to === agent) || prepare === undefined) return contents;
    let requires: boolean;
    try {
      // The agent's options resolved for `to` (the config the call itself is made with).
      requires = (holder.forModel?.(to) ?? holder).capabilities?.requiresThoughtSignatures === true;
    } catch {
      // A model no config can be made for: the call refuses it, typed, as it is.
      return contents;
    }
    // The model that made each content, where it is not `to` (the contents before the run's own
    // and the steps a wrapper kept on the agent's model are the agent's).
    const foreign = contents.map((content) => {
      const by = content.role === 'model' ? (producers?.get(content) ?? agent) : to;
      return by === to ? undefined : by;
    });
    return prepare(contents.slice(), {
      producers: foreign,
      requiresThoughtSignatures: requires,
    }).contents;
  }

  /** `step`, its content noted as `model`'s when that is not the holding agent's. */
  private madeBy(step: AgentStep, model: string): AgentStep {
    if (step.content === undefined || model === this.facts.holder().model) return step;
    this.producers ??= new WeakMap();
    this.producers.set(step.content, model);
    return step;
  }

  /**
   * The contents to send (`draft`'s, or a plugin's), or the end of the run. Until a hook returns
   * contents of its own, each hook's draft is the history as it is now (`contentsNow`): a hook
   * before it may have changed what the run sends (compaction) or added to it (a steer), and
   * `followsHistory` says the draft is still the history.
   */
  async beforeModelCall(
    draft: ModelCallDraft,
    contentsNow?: () => readonly Content[],
  ): Promise<
    | { readonly contents: true; readonly draft: ModelCallDraft; readonly followsHistory: boolean }
    | { readonly stop: PluginStop }
  > {
    let current = draft;
    let followsHistory = true;
    const follow = (): void => {
      const now = followsHistory ? contentsNow?.() : undefined;
      if (now !== undefined && now !== current.contents) current = { ...current, contents: now };
    };
    for (const index of this.hooks.beforeModelCall ?? []) {
      follow();
      const plugin = this.plugins[index] as AgentPlugin;
      const { value: change } = await this.call(index, 'beforeModelCall', draft.stepNumber, () =>
        (plugin.beforeModelCall as NonNullable<AgentPlugin['beforeModelCall']>)(
          current,
          this.views[index] as PluginRun,
        ),
      );
      if (change === undefined || change === null) continue;
      // Its fields read once, guarded: a getter's throw is the plugin's unreadable result. Its
      // contents are the run's copy, the ones it was given kept (their identity names their model).
      const given = current.contents;
      const changed = this.returned(index, 'beforeModelCall', change, (value) =>
        modelChangeOf(value, given),
      );
      if (isFinish(changed))
        return { stop: { plugin: plugin.name, reason: finishReason(changed) } };
      const { contents } = changed;
      if (!Array.isArray(contents))
        throw this.invalid(
          index,
          'beforeModelCall',
          'it returned something that is neither { contents } nor { type: "finish", reason }',
        );
      if (!isSendableContents(contents))
        throw this.invalid(
          index,
          'beforeModelCall',
          "its { contents } must be a non-empty list of contents, each { role, parts: [...] } (role a string such as 'user' or 'model', parts a list of objects)",
        );
      current = { ...current, contents: contents as Content[] };
      followsHistory = false;
    }
    follow();
    return { contents: true, draft: current, followsHistory };
  }

  /**
   * The model call through every `wrapModelCall`, the first registered outermost. A stream shows
   * each model call's text as it comes, so when the wrappers called the model more than once (a
   * retry, a fallback after a partial answer) a UI showed every attempt's text: the step's text is
   * then retracted to the kept answer's (`guardrail-retraction`, named after the plugin whose
   * `next` ran again), the event a UI already handles for an answer rewritten after the fact.
   */
  async wrapModelCall(
    draft: ModelCallDraft,
    call: (draft: ModelCallDraft, reports?: ModelStepReports) => Promise<AgentStep>,
  ): Promise<AgentStep> {
    const indexes = this.hooks.wrapModelCall ?? [];
    const record = this.facts.record !== undefined;
    // In a run with a recorder, what a wrapper that is not recorded reports while the runner's
    // step makes the call is kept with the step (./model-step-reports.ts); a run without one, or
    // whose wrappers are all recorded, makes none.
    const reports =
      record &&
      indexes.some(
        (index) =>
          (this.plugins[index] as AgentPlugin).recorded?.includes('wrapModelCall') !== true,
      )
        ? new ModelWrapReports(this.stepReportFacts(draft.stepNumber))
        : undefined;
    // The step's model calls are bounded (`maxModelCallsPerStep`, the holding agent's): a wrapper
    // that calls `next` again and again with no budget would send requests without end. Read once
    // a step, only in a run with a wrapper; a run without one never comes here.
    const limit = this.facts.holder().maxModelCallsPerStep;
    let calls = 0;
    let again: string | undefined;
    // Set once a `next` asked past the limit: the step fails with it, whatever the wrapper made
    // of the rejection (caught, returned an earlier answer, threw its own error).
    let capped: ModelCallLimitError | undefined;
    const refuse = (plugin: string): Promise<never> => {
      capped ??= new ModelCallLimitError({
        plugin,
        limit,
        stepNumber: draft.stepNumber,
        run: this.facts.tracker.state(),
      });
      return Promise.reject(capped);
    };
    // A call refused here before it was sent (`InvalidArgumentError`: a model that is no model
    // id, contents the API would refuse) would be refused the same way again: a wrapper that
    // caught the refusal and sent the same call again spun to the limit, sending nothing, and the
    // run ended with a ModelCallLimitError that hid the cause. Sent again unchanged, the step
    // fails at once with the refusal itself, and the wrapper is left waiting (its `next` never
    // settles: a wrapper that caught every rejection would spin on the next one); a changed call
    // (another model, other contents) is checked anew.
    let refused: { readonly sent: ModelCallDraft; readonly error: unknown } | undefined;
    let abandon: ((error: unknown) => void) | undefined;
    // The steps `next()` gave: the loop's own, passed on as they are (a step priced on read stays
    // so); any other a wrapper returns is its own making, read once (readStepOnce).
    const given = new Set<AgentStep>();
    const keep = (step: AgentStep): AgentStep => {
      given.add(step);
      return step;
    };
    const through = (at: number, current: ModelCallDraft, by: string): Promise<AgentStep> => {
      if (at === indexes.length) {
        if (refused !== undefined && sameCall(refused.sent, current)) {
          abandon?.(refused.error);
          return new Promise<never>(() => {});
        }
        // Calls a wrapper started side by side passed its check before any reached the model.
        if (calls >= limit) return refuse(by);
        calls += 1;
        // Each call its own reports: two in flight side by side keep each its own record.
        const own = reports?.call();
        const called = call(current, own);
        // What still waits once the call settled (a runner that neither ran nor replayed it).
        if (own !== undefined) void called.then(own.settled.bind(own), () => own.settled());
        return called.then(keep, (error: unknown) => {
          if (InvalidArgumentError.isInstance(error)) refused = { sent: current, error };
          throw error;
        });
      }
      const index = indexes[at] as number;
      const plugin = this.plugins[index] as AgentPlugin;
      let nexts = 0;
      const wrapper = (next: (sent: ModelCallDraft) => Promise<AgentStep>, run: PluginRun) =>
        (plugin.wrapModelCall as NonNullable<AgentPlugin['wrapModelCall']>)(current, next, run);
      const inner = (next: ModelCallDraft): Promise<AgentStep> => {
        // Checked here, before the wrappers inside it run: an outer wrapper that loops is named,
        // not the inner one whose single `next` its last turn went through.
        if (calls >= limit) return refuse(plugin.name);
        if (++nexts === 2) again ??= plugin.name;
        return through(at + 1, next, plugin.name);
      };
      // In a run with a recorder, a `recorded` wrapper is recorded in parts around its model
      // calls, which stay the run's own (./recorded-model-wrap.ts).
      const called =
        record && plugin.recorded?.includes('wrapModelCall') === true
          ? wrapRecordedModel({
              record: (body, part) =>
                this.call(index, 'wrapModelCall', draft.stepNumber, body, undefined, part).then(
                  unboxed,
                ),
              draft: current,
              wrapper,
              inner,
              ending: (error) => this.facts.signal.aborted || this.facts.isRunEnding(error),
              changed: (message) =>
                this.invalid(index, 'wrapModelCall', `${message} (the record was changed)`),
            }).then(boxed)
          : this.wrapped(
              index,
              'wrapModelCall',
              draft.stepNumber,
              (next, run) => wrapper(next, reports === undefined ? run : stepView(run, reports)),
              inner,
            );
      return called.then(({ value: returned }): AgentStep => {
        if (given.has(returned as AgentStep)) return returned as AgentStep;
        const read = readStepOnce(returned);
        if ('unreadable' in read)
          throw this.invalid(
            index,
            'wrapModelCall',
            `its step's ${read.unreadable} could not be read (a getter that threw): return what next() gave, or a plain step like it`,
          );
        const { step } = read;
        if (isStep(step)) {
          const content = ownStepContent(step.content, given);
          if (content === false)
            throw this.invalid(
              index,
              'wrapModelCall',
              "its step's content is no model turn the run can keep ({ role: 'model', parts: [...] } of plain JSON, or none): return what next() gave, or a step like it",
            );
          (step as { content: Content | undefined }).content = content;
          return step;
        }
        throw this.invalid(
          index,
          'wrapModelCall',
          'it returned something that is not a step (return what next() gave, or a step like it)',
        );
      });
    };
    let step: AgentStep;
    try {
      const wrapped = through(0, draft, '');
      step = await new Promise<AgentStep>((resolve, reject) => {
        abandon = reject;
        wrapped.then(resolve, reject);
      });
    } catch (error) {
      throw refused !== undefined && error === refused.error ? error : (capped ?? error);
    }
    if (capped !== undefined) throw capped;
    if (calls > 1 && this.facts.streaming) this.retract(draft.stepNumber, again ?? '', step.text);
    return step;
  }

  /** `afterModelCall` of each plugin that has it, in reverse order. */
  async afterModelCall(step: AgentStep): Promise<void> {
    const indexes = this.hooks.afterModelCall ?? [];
    for (let at = indexes.length - 1; at >= 0; at--) {
      const index = indexes[at] as number;
      const { value } = await this.call(index, 'afterModelCall', step.stepNumber, () =>
        (
          (this.plugins[index] as AgentPlugin).afterModelCall as NonNullable<
            AgentPlugin['afterModelCall']
          >
        )(step, this.views[index] as PluginRun),
      );
      // A step outcome returned here (as from beforeModelCall) was dropped without a word and
      // the run went on spending (run68); any other value (an arrow's `push` count) is no one.
      if (
        typeof value === 'object' &&
        value !== null &&
        this.returned(index, 'afterModelCall', value, isOutcome)
      )
        throw this.invalid(
          index,
          'afterModelCall',
          'it returned a step outcome, which afterModelCall does not take (it returns nothing): to end the run, call run.finish(reason); to run again or hand off, return the outcome from afterAnswer',
        );
    }
  }
}

/** Whether `value` is a step outcome (`{ type: 'finish' | 'run-again' | 'hand-off' }`). */
function isOutcome(value: unknown): boolean {
  const { type } = value as { type?: unknown };
  return type === 'finish' || type === 'run-again' || type === 'hand-off';
}

/** Whether `b` sends what `a` sent: the same contents (the list itself), model and cache. */
function sameCall(a: ModelCallDraft, b: ModelCallDraft): boolean {
  return a.contents === b.contents && a.model === b.model && a.cachedContent === b.cachedContent;
}
