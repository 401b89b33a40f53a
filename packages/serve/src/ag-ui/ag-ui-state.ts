import { type BaseEvent, EventType } from '@ag-ui/core';
import type { AgentEvent } from '@gemloop/core';
// The CommonJS build: Node's ESM loader sees only its default export, not `compare` by name.
import jsonPatch from 'fast-json-patch';

/**
 * Shared state for AG-UI frontends (https://docs.ag-ui.com/concepts/state): the thread's JSON
 * state, which the run's events change. Given as the `state` option of `createAgUiHandler`.
 */
export type AgUiStateOptions = {
  /**
   * The next state after one event of the run (every gemloop event of the top-level run: a
   * `tool-result` with its `toolCall.output`, a `plugin` event a plugin `emit`ted, `step-end`,
   * `run-end`...). Return a new value, or change `state` in place and return it; `undefined`
   * keeps the state as it is. It sees every event, secret arguments included (`args`): what it
   * puts in the state reaches the frontend, so it copies only what the page may show. A reducer
   * that throws, or a state nested past 64 levels or with a `__proto__` key, leaves the state as
   * it was (the run goes on; `onError` gets the error).
   */
  reduce: (state: unknown, event: AgentEvent<unknown>) => unknown;
  /** A new thread's state (JSON). @defaultValue `{}` */
  initial?: unknown;
  /**
   * Start each run from the `state` the client sends in `RunAgentInput` (CopilotKit's
   * `setState`), not the thread's last one: the frontend may then write the state, and `reduce`
   * must treat what it finds there as the caller's input (one nested past 64 levels or with a
   * `__proto__` key answers 400). @defaultValue false: the server's state
   */
  acceptClientState?: boolean | undefined;
  /**
   * The largest state, as JSON characters: a larger one from `reduce` is not sent (the state
   * stays as it was; `onError` gets an error), a larger one from the client answers 400.
   * @defaultValue 65536
   */
  maxStateChars?: number | undefined;
};

/** Follows a run's state and makes its AG-UI events. @internal */
export type StateTracker = {
  /** The state now (JSON: a copy the reducer never held). */
  current(): unknown;
  /** `STATE_SNAPSHOT` of the state now: the first state event of every AG-UI run. */
  snapshot(): BaseEvent;
  /** `STATE_DELTA` (a JSON Patch, RFC 6902), or a `STATE_SNAPSHOT` when the patch is longer. */
  map(event: AgentEvent<unknown>): BaseEvent[];
};

/**
 * Starts following the state from `state` (JSON). Each event goes through `reduce`; a change is
 * sent as the smallest of a JSON Patch (`compare` of fast-json-patch, the library `@ag-ui/client`
 * applies patches with) and a snapshot. @internal
 */
export function createStateTracker(options: {
  state: unknown;
  reduce: AgUiStateOptions['reduce'];
  maxStateChars: number;
  onError: (error: unknown) => void;
}): StateTracker {
  const { reduce, maxStateChars, onError } = options;
  let text = JSON.stringify(options.state) ?? '{}';
  // What the client holds (never handed to the reducer), and the reducer's own working copy.
  let sent: unknown = JSON.parse(text);
  let working: unknown = JSON.parse(text);
  const snapshot = (): BaseEvent =>
    ({ type: EventType.STATE_SNAPSHOT, snapshot: JSON.parse(text) }) as BaseEvent;
  return {
    current: () => JSON.parse(text),
    snapshot,
    map(event) {
      if (event.path.length > 0) return [];
      let next: unknown;
      let nextText: string | undefined;
      let problem: string | undefined;
      try {
        next = reduce(working, event);
        if (next === undefined) next = working;
        // Shape first: a deep enough state overflows JSON.stringify's recursion.
        problem = stateShapeProblem(next, MAX_STATE_DEPTH);
        if (problem === undefined) nextText = JSON.stringify(next);
      } catch (error) {
        onError(error);
        working = JSON.parse(text);
        return [];
      }
      if (problem !== undefined) {
        onError(
          new RangeError(`The AG-UI state from the reducer ${problem}; the state stays as it was.`),
        );
        working = JSON.parse(text);
        return [];
      }
      if (nextText === undefined || nextText.length > maxStateChars) {
        onError(
          new RangeError(
            nextText === undefined
              ? 'The AG-UI state reducer returned a value that is not JSON; the state stays as it was.'
              : `The AG-UI state is ${nextText.length} JSON characters, over maxStateChars (${maxStateChars}); the state stays as it was.`,
          ),
        );
        working = JSON.parse(text);
        return [];
      }
      working = next;
      if (nextText === text) return [];
      const fresh: unknown = JSON.parse(nextText);
      const patch = bothContainers(sent, fresh)
        ? jsonPatch.compare(sent, fresh as object)
        : undefined;
      sent = fresh;
      text = nextText;
      if (patch !== undefined && JSON.stringify(patch).length < nextText.length) {
        return [{ type: EventType.STATE_DELTA, delta: patch } as BaseEvent];
      }
      return [snapshot()];
    },
  };
}

/** The deepest a client's state may nest (objects and arrays): far past any page's, bounded. */
export const MAX_STATE_DEPTH = 64;

/**
 * What keeps `value` from being a state a page can take, or `undefined`: nested more than
 * `limit` levels deep (objects and arrays; a cycle counts as too deep), holding a `__proto__`
 * key, a Promise, a Map or a Set (JSON.stringify writes those as `{}`, silently). Walked with a stack of its own, so a hostile state a million levels deep is measured,
 * never recursed into. Why both: `@ag-ui/client` applies a state with recursive copies and
 * fast-json-patch (4,000 levels overflow its stack: the page's run fails), and its `applyPatch`
 * refuses a path through `__proto__` (a reducer's `Object.assign`/merge over such a key sets a
 * prototype). @internal
 */
export function stateShapeProblem(value: unknown, limit: number): string | undefined {
  const stack: [unknown, string, number][] = [[value, '', 0]];
  while (stack.length > 0) {
    const [each, path, depth] = stack.pop() as [unknown, string, number];
    if (typeof each !== 'object' || each === null) continue;
    if (depth >= limit) return `nests deeper than ${limit} levels`;
    // JSON.stringify writes these as {}: a careless async reducer would wipe the page's state.
    if (typeof (each as { then?: unknown }).then === 'function') {
      return `is a Promise at "${path}" (reduce must return the state itself, synchronously)`;
    }
    if (each instanceof Map || each instanceof Set) {
      return `holds a ${each instanceof Map ? 'Map' : 'Set'} at "${path}" (JSON has none: use an object or an array)`;
    }
    if (Object.hasOwn(each, '__proto__')) return `holds a "__proto__" key at "${path}/__proto__"`;
    for (const [key, child] of Object.entries(each)) {
      stack.push([child, `${path}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`, depth + 1]);
    }
  }
  return undefined;
}

/** Whether a JSON Patch between the two can be made: both objects, or both arrays. */
function bothContainers(before: unknown, after: unknown): before is object {
  if (typeof before !== 'object' || before === null) return false;
  if (typeof after !== 'object' || after === null) return false;
  return Array.isArray(before) === Array.isArray(after);
}
