import { onAbort } from '../../../shared/on-abort.ts';
import type {
  AgentPlugin,
  PluginRun,
  ToolCallDecision,
  ToolCallDraft,
  ToolExecution,
  ToolExecutionDraft,
  ToolResultDraft,
} from '../agent-plugin.ts';
import { boundedToolErrorRewrite } from '../bounded-tool-error.ts';
import { checkHandOff } from '../plugin-results.ts';
import { type PluginRunView, stepView } from '../run-view/plugin-run-view.ts';
import { boxed, unboxed } from './hook-value.ts';
import { PluginEvents } from './plugin-events.ts';
import type { HandOffDecision } from './plugin-hook-calls.ts';
import { wrapRecorded } from './recorded-tool-wrap.ts';
import {
  executionOf,
  fieldsOf,
  handOffOf,
  isThenable,
  type Returned,
  UNREADABLE_RESULT,
} from './tool-hook-results.ts';
import { type ToolStepReportFacts, ToolStepReports } from './tool-step-reports.ts';

/** A `beforeToolCall` chain's decision, its `ask` resolved (who asked, the arguments to parse). @internal */
export type PluginToolDecision =
  | Exclude<ToolCallDecision, { readonly type: 'ask' }>
  | {
      readonly type: 'ask';
      readonly askedBy: string;
      readonly args?: Record<string, unknown> | undefined;
    };

/** The tool hooks' chains (`beforeToolCall`, `checkToolCall`, `wrapToolCall`, `afterToolCall`). @internal */
export class ToolHooks extends PluginEvents {
  /**
   * The rewrite of a thrown tool error the model gets (`AgentPlugin.rewriteToolError` of the last
   * plugin that has one), read by the turn; `undefined`: the safe default.
   */
  get toolErrorRewrite(): AgentPlugin['rewriteToolError'] {
    for (let at = this.plugins.length - 1; at >= 0; at--) {
      const rewrite = (this.plugins[at] as AgentPlugin).rewriteToolError;
      if (rewrite !== undefined) return boundedToolErrorRewrite(rewrite, this.facts.redact);
    }
    return undefined;
  }

  /**
   * The first decision of a `beforeToolCall` (in order); `args` decisions chain, and an `ask`
   * carries the arguments the hooks before it gave (`args`) and who asked. A promise only when a
   * hook returned one (see {@link toolHook}).
   */
  beforeToolCall(draft: ToolCallDraft): MaybePromise<PluginToolDecision | undefined> {
    return this.beforeFrom(this.hooks.beforeToolCall ?? [], 0, draft, draft);
  }

  /** The `beforeToolCall` chain from its `at`-th hook on, `current` the draft the hooks before left. */
  protected beforeFrom(
    indexes: readonly number[],
    at: number,
    draft: ToolCallDraft,
    current: ToolCallDraft,
  ): MaybePromise<PluginToolDecision | undefined> {
    if (at === indexes.length)
      return current === draft ? undefined : { type: 'args', args: current.args };
    const index = indexes[at] as number;
    return this.toolHook(index, 'beforeToolCall', current, undefined, (decision) => {
      if (decision === undefined) return this.beforeFrom(indexes, at + 1, draft, current);
      const { type, args } = decision;
      if (type === 'args') {
        if (typeof args !== 'object' || args === null || Array.isArray(args))
          throw this.invalid(index, 'beforeToolCall', '{ type: "args" } needs args as an object');
        return this.beforeFrom(indexes, at + 1, draft, {
          ...current,
          args: args as Record<string, unknown>,
        });
      }
      if (type === 'result') return { type, result: decision.result };
      const { message } = decision;
      if (type === 'deny' && typeof message === 'string')
        return { type, message: this.denial(message) };
      if (type === 'ask') {
        const askedBy = decision.askedBy ?? (this.plugins[index] as AgentPlugin).name;
        if (typeof askedBy !== 'string' || askedBy === '' || askedBy.length > 100)
          throw this.invalid(
            index,
            'beforeToolCall',
            "{ type: 'ask' }'s askedBy must be a non-empty string of at most 100 characters",
          );
        // The arguments a hook before this one gave go with the ask (parsed and approved).
        return current === draft
          ? { type: 'ask', askedBy }
          : { type: 'ask', askedBy, args: current.args };
      }
      throw this.invalid(
        index,
        'beforeToolCall',
        'it returned something that is not { type: "args", args }, { type: "result", result }, { type: "deny", message } or { type: "ask" }',
      );
    });
  }

  /**
   * The decision of the `checkToolCall` chain (in order) on a call whose arguments parsed: the
   * first denial (it ends the chain), else the first ask (who asked resolved: the checks after an
   * ask still run, so a later denial or trip wins over it, as the tool guardrails' `ask` always
   * did); `undefined`: every check let it go on. A promise only when a hook returned one. The
   * caller's next step (`next`) and its answer to a failure (`failed`, else the promise rejects)
   * run inside the chain's own promise: one `.then` less a call (see {@link toolHook}).
   */
  checkToolCall<R>(
    draft: ToolExecutionDraft,
    next: (checked: ToolCheck | undefined) => MaybePromise<R>,
    failed: (error: unknown) => MaybePromise<R>,
  ): MaybePromise<R>;
  // Last: what `ReturnType` reads.
  checkToolCall(draft: ToolExecutionDraft): MaybePromise<ToolCheck | undefined>;
  checkToolCall<R>(
    draft: ToolExecutionDraft,
    next?: (checked: ToolCheck | undefined) => MaybePromise<R>,
    failed?: (error: unknown) => MaybePromise<R>,
  ): MaybePromise<R> {
    const chain = { next: next ?? same<R>, failed };
    return this.checkFrom(this.hooks.checkToolCall ?? [], 0, draft, undefined, chain);
  }

  /** The `checkToolCall` chain from its `at`-th hook on, `asked` the first ask before it. */
  protected checkFrom<R>(
    indexes: readonly number[],
    at: number,
    draft: ToolExecutionDraft,
    asked: ToolCheck | undefined,
    chain: ToolChain<ToolCheck | undefined, R>,
  ): MaybePromise<R> {
    if (at === indexes.length) return chain.next(asked);
    const index = indexes[at] as number;
    return this.toolHook(index, 'checkToolCall', draft, chain.failed, (decision) => {
      if (decision === undefined) return this.checkFrom(indexes, at + 1, draft, asked, chain);
      const { type, message } = decision;
      if (type === 'deny' && typeof message === 'string')
        return chain.next({ type, message: this.denial(message) });
      const askedBy = decision.askedBy ?? (this.plugins[index] as AgentPlugin).name;
      if (type === 'ask' && typeof askedBy === 'string' && askedBy !== '' && askedBy.length <= 100)
        return this.checkFrom(indexes, at + 1, draft, asked ?? { type, askedBy }, chain);
      throw this.invalid(
        index,
        'checkToolCall',
        'it returned something that is neither { type: "deny", message } nor { type: "ask", askedBy? } (askedBy a non-empty string of at most 100 characters)',
      );
    });
  }

  /**
   * The calls of a run with a recorder whose `wrapToolCall` is recorded, one after another: the
   * last one's end (see {@link wrapToolCall}).
   */
  private recordedWraps: Promise<unknown> | undefined;

  /**
   * The in-step reports of a call of step `stepNumber` about to run (./tool-step-reports.ts): in a
   * run with a recorder whose plugins wrap tool calls, else `undefined` (nothing to keep).
   */
  toolStepReports(stepNumber: number): ToolStepReports | undefined {
    if (this.facts.record === undefined || this.hooks.wrapToolCall === undefined) return undefined;
    return new ToolStepReports(this.stepReportFacts(stepNumber));
  }

  /** What a step's in-step reports read of the run: their reports are step `stepNumber`'s events. */
  protected stepReportFacts(stepNumber: number): ToolStepReportFacts {
    return {
      names: () => this.plugins.map((plugin) => plugin.name),
      redact: this.facts.redact,
      emit: (plugin, { kind, data }) => this.report(plugin, stepNumber, kind, data),
      state: () => this.facts.tracker.state(),
    };
  }

  /**
   * The tool's `execute` through every `wrapToolCall`, the first registered outermost. In a run
   * with a recorder, a `recorded` wrapper is recorded in two parts around the execution
   * (./recorded-tool-wrap.ts), and the turn's calls through such a wrapper run one after another:
   * the execution and the second part start when the one before ends, which no replay repeats
   * for calls at once (a durable runner numbers its steps in the order they start). A wrapper
   * that is not recorded gets, with the call's in-step reports (`reports`), a run of the call's
   * own whose reports made while the runner's step runs the tool are kept with the step's record.
   */
  wrapToolCall(
    draft: ToolExecutionDraft,
    execute: () => Promise<ToolExecution>,
    reports?: ToolStepReports,
  ): Promise<ToolExecution> {
    const indexes = this.hooks.wrapToolCall ?? [];
    const record = this.facts.record !== undefined;
    const recorded = (index: number): boolean =>
      record && (this.plugins[index] as AgentPlugin).recorded?.includes('wrapToolCall') === true;
    const through = (at: number): Promise<ToolExecution> => {
      if (at === indexes.length) return execute();
      const index = indexes[at] as number;
      const plugin = this.plugins[index] as AgentPlugin;
      const wrapper = (next: () => Promise<unknown>, run: PluginRunView): Promise<ToolExecution> =>
        (plugin.wrapToolCall as NonNullable<AgentPlugin['wrapToolCall']>)(
          draft,
          next as () => Promise<ToolExecution>,
          run,
        );
      const place = { id: draft.toolCallId, index: draft.callIndex };
      const called = recorded(index)
        ? wrapRecorded({
            record: (body, after) =>
              this.call(index, 'wrapToolCall', draft.stepNumber, body, place, after ? 1 : 0).then(
                unboxed,
              ),
            wrapper,
            inner: () => through(at + 1),
            changed: (message) =>
              this.invalid(index, 'wrapToolCall', `${message} (the record was changed)`),
          }).then(boxed)
        : this.wrapped(
            index,
            'wrapToolCall',
            draft.stepNumber,
            (next, run) =>
              wrapper(() => next(undefined), reports === undefined ? run : stepView(run, reports)),
            (_: undefined): Promise<ToolExecution> => through(at + 1),
            place,
          );
      return called.then(({ value: returned }) => {
        const execution = this.returned(index, 'wrapToolCall', returned, executionOf);
        if (execution !== undefined) return execution;
        throw this.invalid(
          index,
          'wrapToolCall',
          `for ${draft.toolName} it returned something that is not { type: 'value', value }, { type: 'error', error }, { type: 'timeout', timeoutMs } or { type: 'aborted' }`,
        );
      });
    };
    if (!indexes.some(recorded)) return through(0);
    const previous = this.recordedWraps ?? Promise.resolve();
    const mine = previous.then(() => through(0));
    this.recordedWraps = mine.then(
      () => {},
      () => {},
    );
    return mine;
  }

  /**
   * The result the model gets after every `afterToolCall` (reverse order). A hook that hands the
   * run off ends the chain and is told to `handOff`; without `handOff` (a Live session's call),
   * a hand-off is refused with a `PluginError`. A promise only when a hook returned one; `next`
   * and `failed` as in {@link checkToolCall}.
   */
  afterToolCall<R>(
    draft: ToolResultDraft,
    handOff: (decision: HandOffDecision) => void,
    next: (result: unknown) => MaybePromise<R>,
    failed: (error: unknown) => MaybePromise<R>,
  ): MaybePromise<R>;
  afterToolCall(
    draft: ToolResultDraft,
    handOff?: (decision: HandOffDecision) => void,
  ): MaybePromise<unknown>;
  afterToolCall<R>(
    draft: ToolResultDraft,
    handOff?: (decision: HandOffDecision) => void,
    next?: (result: unknown) => MaybePromise<R>,
    failed?: (error: unknown) => MaybePromise<R>,
  ): MaybePromise<R> {
    const indexes = this.hooks.afterToolCall ?? [];
    const chain = { next: next ?? same<R>, failed };
    return this.afterFrom(indexes, indexes.length - 1, draft, undefined, handOff, chain);
  }

  /** The `afterToolCall` chain from its `at`-th hook down, `current` what the hooks after left. */
  protected afterFrom<R>(
    indexes: readonly number[],
    at: number,
    current: ToolResultDraft,
    handedOff: HandOffDecision | undefined,
    handOff: ((decision: HandOffDecision) => void) | undefined,
    chain: ToolChain<unknown, R>,
  ): MaybePromise<R> {
    if (at < 0) {
      if (handedOff !== undefined) handOff?.(handedOff);
      return chain.next(current.result);
    }
    const index = indexes[at] as number;
    return this.toolHook(index, 'afterToolCall', current, chain.failed, (changed) => {
      if (changed === undefined)
        return this.afterFrom(indexes, at - 1, current, handedOff, handOff, chain);
      const handOver = checkHandOff(changed, false);
      if (handOver === true && handOff !== undefined) {
        // The chain's first hand-off, told once the chain is over: a later hook may still change
        // the result. The calls of a turn may tell in any order (an async hook holds one); the
        // tool path takes the turn's first in call order (tool-calls/hand-off-call-order.ts).
        const by = this.plugins[index] as AgentPlugin;
        const decision = handedOff ?? {
          plugin: by.name,
          hook: 'afterToolCall' as const,
          outcome: handOffOf(changed),
          receivers: by.receivers,
        };
        return this.afterFrom(indexes, at - 1, current, decision, handOff, chain);
      }
      if (handOver !== false)
        throw this.invalid(
          index,
          'afterToolCall',
          handOver === true ? 'a hand-off is not taken here (a Live session)' : handOver,
        );
      if (!changed.hasResult)
        throw this.invalid(
          index,
          'afterToolCall',
          'it returned something that is neither { result } nor { type: "hand-off", to }',
        );
      const { result } = changed;
      return this.afterFrom(indexes, at - 1, { ...current, result }, handedOff, handOff, chain);
    });
  }

  /**
   * One tool hook's call (`draft` and the plugin's run), `then` given its result's fields (read
   * once, here: see {@link Returned}; `undefined` when it returned nothing): at once when
   * the hook returned no promise, so a chain of synchronous hooks makes no promise and no
   * microtask; else once it settles, raced with the run's abort (a hook that ignores
   * `run.signal` must not keep an aborted run waiting for ever; it goes on in the background).
   * The hook's throw becomes the plugin's failure (see `error`); `then`'s own throw (an invalid
   * decision, the next hook's failure) goes on as it is: thrown, or, once waited for, given to
   * `failed` when there is one (else the promise rejects). A recorded hook goes through `call`.
   * A result that cannot be read (a getter or a proxy trap throws) is the plugin's failure.
   */
  protected toolHook<R>(
    index: number,
    hook: 'beforeToolCall' | 'checkToolCall' | 'afterToolCall',
    draft: ToolCallDraft,
    failed: ((error: unknown) => MaybePromise<R>) | undefined,
    then: (value: Returned | undefined) => MaybePromise<R>,
  ): MaybePromise<R> {
    const plugin = this.plugins[index] as AgentPlugin;
    const body = plugin[hook] as unknown as (draft: ToolCallDraft, run: PluginRun) => unknown;
    if (this.facts.record !== undefined && plugin.recorded?.includes(hook) === true) {
      const recorded = this.call(index, hook, draft.stepNumber, (run) => body(draft, run), {
        id: draft.toolCallId,
        index: draft.callIndex,
      }).then(({ value: settled }) => then(this.returned(index, hook, settled, fieldsOf)));
      return failed === undefined ? recorded : recorded.then(undefined, failed);
    }
    let value: unknown;
    try {
      // At the run's depth, as `call` calls the other hooks: an agent.run() the hook makes nests
      // one deeper (MAX_RUN_DEPTH). Called directly here, a tool hook that ran its own agent
      // nested without end (leftovers50).
      value = this.atRunDepth((run: PluginRun) => body(draft, run), this.views[index] as PluginRun);
    } catch (cause) {
      throw this.error(index, hook, cause);
    }
    let fields: Returned | undefined;
    try {
      if (!isThenable(value)) fields = fieldsOf(value);
    } catch {
      throw this.invalid(index, hook, UNREADABLE_RESULT);
    }
    if (fields !== undefined || value === undefined || value === null) return then(fields);
    const pending = Promise.resolve(value);
    const signal = this.facts.signal;
    if (signal.aborted) {
      pending.catch(() => {});
      const error = this.error(index, hook, signal.reason);
      return failed === undefined ? Promise.reject(error) : failed(error);
    }
    // One promise for the race, the chain's next step and the caller's (`then` runs in it): with
    // the synchronous path above, two trivial tool hooks went from +26.15 promises a step over no
    // plugin to +2.30, and one tool guardrail from +43.45 to +22.45 (plugin-tool-path-counts.ts).
    return new Promise<R>((resolve, reject) => {
      const fail = (error: unknown): void => {
        if (failed === undefined) {
          reject(error);
          return;
        }
        try {
          resolve(failed(error));
        } catch (thrown) {
          // The caller's own throw (its `next` failed, then `failed` passed it on).
          reject(thrown);
        }
      };
      const stopWaiting = onAbort(signal, () => {
        pending.catch(() => {});
        fail(this.error(index, hook, signal.reason));
      });
      pending.then(
        (settled) => {
          stopWaiting();
          try {
            resolve(then(this.returned(index, hook, settled, fieldsOf)));
          } catch (error) {
            fail(error);
          }
        },
        (cause: unknown) => {
          stopWaiting();
          fail(this.error(index, hook, cause));
        },
      );
    });
  }
}

/** A value, or a promise of it: what a chain of hooks that may all be synchronous gives. @internal */
export type MaybePromise<T> = T | Promise<T>;

/** A `checkToolCall` chain's decision. @internal */
export type ToolCheck =
  | { readonly type: 'deny'; readonly message: string }
  | { readonly type: 'ask'; readonly askedBy: string };

/** The caller's next step after a tool hook chain, and its answer to a failure (see `toolHook`). */
type ToolChain<T, R> = {
  readonly next: (value: T) => MaybePromise<R>;
  readonly failed: ((error: unknown) => MaybePromise<R>) | undefined;
};

/** A chain's result as it is (its `next` when the caller gives none). */
function same<R>(value: unknown): R {
  return value as R;
}
