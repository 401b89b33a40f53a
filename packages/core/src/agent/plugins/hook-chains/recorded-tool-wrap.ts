import type { PluginRunView } from '../run-view/plugin-run-view.ts';

// A `recorded` `wrapToolCall` in a run with a recorder (a durable run) is recorded in two parts
// around the tool's execution, which stays the run's own: a durable runner's tool is a step of
// its own, a subagent a child workflow, a wait a numbered operation of the workflow, and none of
// these may run inside a step (DBOS: "a step cannot start a workflow or call recv", and
// `DBOS.runStep` inside a step is a plain call, `@dbos-inc/dbos-sdk` 5.3 `dist/src/dbos.js`).
// Why and what a plugin gets: docs/design/plugin-seam.md, "A recorded wrapToolCall in a durable
// run".

/** What the first part's record holds: the wrapper called `next()`, or what it returned without. */
type FirstPart = { readonly next: true } | { readonly returned: unknown };

/** What {@link wrapRecorded} needs of the hook's chain. @internal */
export type RecordedWrap = {
  /**
   * Records one part of the hook's call (`after`: the part after `next()`), as every recorded
   * hook call is recorded (`PluginHookCalls.call`: reports, trips, errors and state with it).
   */
  readonly record: (
    body: (run: PluginRunView) => Promise<unknown>,
    after: boolean,
  ) => Promise<unknown>;
  /** The plugin's `wrapToolCall` with `next` and the run view it is given. */
  readonly wrapper: (next: () => Promise<unknown>, run: PluginRunView) => unknown;
  /** The tool's execution through the wrappers inside this one (`next()` of the first run). */
  readonly inner: () => Promise<unknown>;
  /** The hook's failure for a record that is not one the seam wrote. */
  readonly changed: (message: string) => Error;
};

/** The message of a second `next()` of a recorded wrapper (it has one execution to give). */
export const NEXT_ONCE =
  "a recorded wrapToolCall's next() runs the tool once in a run with a recorder (a durable run): the tool's execution is its own step, outside the wrapper's record; retry inside the tool, or leave wrapToolCall out of `recorded`";

/**
 * A recorded `wrapToolCall`'s call: the wrapper runs in a first record until it calls `next()`
 * (recorded as "next") or returns without (its value recorded, the tool not run); then the tool's
 * execution runs outside any record, as a call without the wrapper does; then a second record
 * holds what the wrapper returns. A replay takes both records and runs neither the wrapper nor,
 * when its execution was recorded, the tool. When the first record is there but the second is not
 * (a worker killed between them), the wrapper that waited on `next()` is gone with its process:
 * the second record runs the wrapper again from its start, and its `next()` answers at once with
 * the execution of this run (the tool's recorded one). `next()` gives one execution: a second
 * call is refused ({@link NEXT_ONCE}).
 * @internal
 */
export async function wrapRecorded(wrap: RecordedWrap): Promise<unknown> {
  // The wrapper as it runs in this process, from the first record on (`undefined`: it did not
  // run here, its first part was replayed), and the run view it was given.
  let running: { readonly result: Promise<unknown>; readonly run: PluginRunView } | undefined;
  let answer: (execution: unknown) => void = () => {};
  const answered = new Promise<unknown>((resolve) => {
    answer = resolve;
  });
  const first = (await wrap.record((run) => {
    let called: () => void = () => {};
    const nextCalled = new Promise<FirstPart>((resolve) => {
      called = () => resolve({ next: true });
    });
    const result = callWrapper(wrap, run, () => {
      called();
      return answered;
    });
    // Its end is heard by the second part; a run that ends before it leaves it unheard.
    result.catch(() => {});
    running = { result, run };
    // `null` for nothing (a record is JSON: a key whose value is `undefined` is dropped), so a
    // wrapper that returned nothing fails as such, not as a changed record.
    const returned = result.then((value): FirstPart => ({ returned: value ?? null }));
    return Promise.race([returned, nextCalled]);
  }, false)) as FirstPart | null | undefined;
  if (typeof first !== 'object' || first === null)
    throw wrap.changed("its first part's record is neither a call of next() nor a result");
  if ('returned' in first) return first.returned;
  if (first.next !== true)
    throw wrap.changed("its first part's record is neither a call of next() nor a result");
  // What the execution throws goes on as it is, as a wrapper's `next()` passes it in every run (a
  // wrapper still waiting on it here is left).
  const execution = await wrap.inner();
  return wrap.record((run) => {
    const alive = running;
    if (alive === undefined) return callWrapper(wrap, run, () => Promise.resolve(execution));
    // Its reports from here on are this part's (the first part's record is written).
    alive.run.holding = run.holding;
    answer(execution);
    return alive.result.finally(() => {
      alive.run.holding = undefined;
    });
  }, true);
}

/** The wrapper called with a `next` that answers once (`answer`), then refuses. */
function callWrapper(
  wrap: RecordedWrap,
  run: PluginRunView,
  answer: () => Promise<unknown>,
): Promise<unknown> {
  let calls = 0;
  const next = (): Promise<unknown> =>
    calls++ === 0 ? answer() : Promise.reject(new Error(NEXT_ONCE));
  try {
    return Promise.resolve(wrap.wrapper(next, run));
  } catch (error) {
    return Promise.reject(error);
  }
}
