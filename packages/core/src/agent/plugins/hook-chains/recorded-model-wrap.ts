import type { AgentStep } from '../../../run/agent-result.ts';
import type { Content } from '../../../wire/content.ts';
import type { ModelCallDraft } from '../agent-plugin.ts';
import type { PluginRunView } from '../run-view/plugin-run-view.ts';

// A `recorded` `wrapModelCall` in a run with a recorder (a durable run) is recorded in parts
// around its model calls, which stay the run's own: a durable runner's model call is a step of its
// own (its streamed events, usage, price, rate-limit slot and cancel signal with it), and a step
// inside a step is a plain call in DBOS ("You can call one step from another step, but the called
// step becomes part of the calling step's execution", https://docs.dbos.dev/typescript/tutorials/
// step-tutorial; `DBOS.runStep` inside a step is `func()`, `@dbos-inc/dbos-sdk` 5.3
// `dist/src/dbos.js`). Why and what a plugin gets: docs/design/plugin-seam.md, "A recorded
// wrapModelCall in a durable run". The same shape as ./recorded-tool-wrap.ts, with `next` called
// any number of times (a retry, a fallback) and given a draft.

/**
 * What a draft passed to `next` changed of the one the wrapper was given: only what differs is
 * recorded (a wrapper that passes its draft on records `{}`, not the history). `null`: the field
 * was set back to nothing (a record is JSON: `undefined` is dropped).
 */
type DraftChange = {
  readonly contents?: readonly Content[];
  readonly model?: string | null;
  readonly cachedContent?: string | null;
};

/**
 * What one part's record holds: the wrapper called `next` (with this change of its draft), or it
 * ended: returned a value, returned the step of one of its calls (`step`: its index, so the step is
 * not stored twice), or threw what one of its calls threw (`rethrown`: the call's index, so the run
 * fails with that call's own error, as a wrapper that passes it on does without a recorder).
 */
type Part =
  | { readonly next: DraftChange }
  | { readonly returned: unknown }
  | { readonly step: number }
  | { readonly rethrown: number };

/** One model call's outcome in this execution of the run. */
type Outcome =
  | { readonly ok: true; readonly step: unknown }
  | { readonly ok: false; readonly error: unknown };

/** What {@link wrapRecordedModel} needs of the hook's chain. @internal */
export type RecordedModelWrap = {
  /**
   * Records part `part` of the hook's call (0: until its first `next`; `part`: after its
   * `part`th call), as every recorded hook call is recorded (`PluginHookCalls.call`).
   */
  readonly record: (
    body: (run: PluginRunView) => Promise<unknown>,
    part: number,
  ) => Promise<unknown>;
  /** The draft the wrapper is given. */
  readonly draft: ModelCallDraft;
  /** The plugin's `wrapModelCall` with `next` and the run view it is given. */
  readonly wrapper: (
    next: (draft: ModelCallDraft) => Promise<AgentStep>,
    run: PluginRunView,
  ) => unknown;
  /** The model call through the wrappers inside this one. */
  readonly inner: (draft: ModelCallDraft) => Promise<AgentStep>;
  /** Whether an error ends the run (an abort, a durable runner's end): it goes on at once. */
  readonly ending: (error: unknown) => boolean;
  /** The hook's failure for a record that is not one the seam wrote. */
  readonly changed: (message: string) => Error;
};

/** A call of `next` waiting for its part to take it. */
type Waiting = {
  readonly draft: ModelCallDraft;
  readonly answer: (outcome: Outcome) => void;
};

/** The wrapper as it runs in this process, between its parts. */
type Running = {
  /** Its calls of `next` no part has taken yet, in the order made. */
  readonly waiting: Waiting[];
  /** The call the last part took, answered by the next part with its outcome. */
  taken: Waiting | undefined;
  /** Its end: what it returned, or its throw. */
  ended: Promise<Outcome>;
  /** Wakes the part that waits for its next call. */
  wake: () => void;
};

/**
 * A recorded `wrapModelCall`'s call: the wrapper runs in a first record until it calls `next`
 * (recorded with what its draft changed) or ends; the model call then runs outside any record, as
 * a call without the wrapper does; each later part gives the wrapper its call's step (or error)
 * and records what it does next: another `next` (a retry, a fallback), a return or a throw. A
 * replay takes every record and runs no wrapper: each recorded call is made again from its
 * recorded draft (a durable runner's model step answers from its own record, its events and usage
 * made again as on the first run). When a part is not recorded and the wrapper is not running in
 * this process (a worker killed between two parts), the wrapper runs again from its start and its
 * first calls are answered at once with this run's calls, in order, whatever drafts it passes
 * (the recorded calls are what the run made); its next call is a new one.
 * @internal
 */
export async function wrapRecordedModel(wrap: RecordedModelWrap): Promise<unknown> {
  const outcomes: Outcome[] = [];
  let running: Running | undefined;
  for (let part = 0; ; part++) {
    const recorded = (await wrap.record((run) => {
      const alive = running ?? start(wrap, run, outcomes);
      running = alive;
      const taken = alive.taken;
      alive.taken = undefined;
      if (taken !== undefined) taken.answer(outcomes[part - 1] as Outcome);
      return nextPart(alive, wrap.draft, outcomes);
    }, part)) as Part | null | undefined;
    if (typeof recorded !== 'object' || recorded === null)
      throw wrap.changed(`its record of part ${part} is not one of a wrapModelCall`);
    if ('returned' in recorded) return recorded.returned;
    if ('step' in recorded || 'rethrown' in recorded) {
      const at = 'step' in recorded ? recorded.step : recorded.rethrown;
      const outcome = Number.isInteger(at) ? outcomes[at] : undefined;
      if (outcome === undefined || outcome.ok !== 'step' in recorded)
        throw wrap.changed(`its record of part ${part} names a call it did not make`);
      if (outcome.ok) return outcome.step;
      throw outcome.error;
    }
    if (typeof recorded.next !== 'object' || recorded.next === null)
      throw wrap.changed(`its record of part ${part} is not one of a wrapModelCall`);
    const draft = applied(wrap.draft, recorded.next, wrap.changed);
    let outcome: Outcome;
    try {
      outcome = { ok: true, step: await wrap.inner(draft) };
    } catch (error) {
      // The run's own end goes on at once; a failed call is the wrapper's to hear (a fallback).
      if (wrap.ending(error)) throw error;
      outcome = { ok: false, error };
    }
    outcomes.push(outcome);
  }
}

/** The wrapper started with a `next` that answers this run's calls at once, then waits for a part. */
function start(wrap: RecordedModelWrap, run: PluginRunView, outcomes: readonly Outcome[]): Running {
  let calls = 0;
  const alive: Running = {
    waiting: [],
    taken: undefined,
    ended: Promise.resolve({ ok: true, step: undefined }),
    wake: () => {},
  };
  const next = (draft: ModelCallDraft): Promise<AgentStep> => {
    const made = outcomes[calls++];
    if (made !== undefined) return settle(made);
    return new Promise<Outcome>((resolve) => {
      alive.waiting.push({ draft, answer: resolve });
      alive.wake();
    }).then(settle);
  };
  let result: Promise<unknown>;
  try {
    result = Promise.resolve(wrap.wrapper(next, run));
  } catch (error) {
    result = Promise.reject(error);
  }
  alive.ended = result.then(
    (step): Outcome => ({ ok: true, step }),
    (error: unknown): Outcome => ({ ok: false, error }),
  );
  return alive;
}

/**
 * What a part records: the wrapper's next call of `next` (the first made, when it made several at
 * once: they run one after another), or its end (see {@link Part}).
 */
async function nextPart(
  alive: Running,
  given: ModelCallDraft,
  outcomes: readonly Outcome[],
): Promise<Part> {
  for (;;) {
    const call = alive.waiting.shift();
    if (call !== undefined) {
      alive.taken = call;
      return { next: changeOf(given, call.draft) };
    }
    const woken = new Promise<undefined>((resolve) => {
      alive.wake = () => resolve(undefined);
    });
    const end = await Promise.race([alive.ended, woken]);
    if (end === undefined) continue;
    // A call it made and did not wait for before it ended is not made.
    const at = outcomes.findIndex((outcome) =>
      end.ok ? outcome.ok && outcome.step === end.step : !outcome.ok && outcome.error === end.error,
    );
    if (at >= 0) return end.ok ? { step: at } : { rethrown: at };
    if (end.ok) return { returned: end.step ?? null };
    throw end.error;
  }
}

function settle(outcome: Outcome): Promise<AgentStep> {
  return outcome.ok ? Promise.resolve(outcome.step as AgentStep) : Promise.reject(outcome.error);
}

/** What `sent` changed of `given` (see {@link DraftChange}); a draft that is not an object: none. */
function changeOf(given: ModelCallDraft, sent: ModelCallDraft): DraftChange {
  if (typeof sent !== 'object' || sent === null) return {};
  return {
    ...(sent.contents !== given.contents && { contents: sent.contents }),
    ...(sent.model !== given.model && { model: sent.model ?? null }),
    ...(sent.cachedContent !== given.cachedContent && {
      cachedContent: sent.cachedContent ?? null,
    }),
  };
}

/** The draft a recorded change makes of `given`; what is not one fails as a changed record. */
function applied(
  given: ModelCallDraft,
  change: DraftChange,
  changed: RecordedModelWrap['changed'],
): ModelCallDraft {
  const { contents, model, cachedContent } = change;
  const text = (value: unknown): boolean =>
    value === undefined || value === null || typeof value === 'string';
  if ((contents !== undefined && !Array.isArray(contents)) || !text(model) || !text(cachedContent))
    throw changed('its record holds a draft that is not { contents, model, cachedContent }');
  return {
    ...given,
    ...(contents !== undefined && { contents }),
    ...('model' in change && { model: model ?? undefined }),
    ...('cachedContent' in change && { cachedContent: cachedContent ?? undefined }),
  };
}
