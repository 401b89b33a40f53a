import type { Redactor } from '../shared/client-redactor.ts';
import { createScanMemo } from '../shared/scan-memo.ts';
import type { ScanMemo } from '../shared/scrub-secrets.ts';
import type { RunObservation, RunStartInfo } from './run-observer.ts';

/**
 * What observers (the run recorder, OpenTelemetry, your own) see of a run, with the client's key
 * (`redact`: the client's own redaction, `ModelCallEntry.redact`) replaced by `[redacted]`
 * wherever a string holds it: a model that writes the key (a tool result told it to print its
 * configuration) in its text, a thought or a call's arguments would otherwise put it in
 * `gen_ai.output.messages`, the next request's `gen_ai.input.messages`, a tool span's arguments
 * and the run file. The run itself keeps the model's words: its history is sent back verbatim.
 * Made only for an observed run (startObservation), so an unobserved run pays nothing.
 *
 * The walk goes through arrays and plain objects (the wire's `contents`, responses, steps,
 * events, the result) and copies only what changed; an error or another class instance passes as
 * it is, since the client and the loop redact errors where they are made (and an error's `run`
 * would make the client's bounded walk replace a long history by its fail-closed marker).
 *
 * Each model call's info holds the whole history, so without `memo` every text of it is
 * scanned again at each step (quadratic in the run's length). With the run's {@link KeyMemo},
 * each string and property name goes to `redact` with where it is held, and the client's
 * redactor scans it once (the secrets it reads unchanged): a long one while that property holds
 * it, a short one (under 256 characters: `role`, a tool's name, a number's text) once by its
 * characters, wherever it is met (observe67: every short text and name of the history was
 * scanned again at each step). A text found holding a key is never remembered.
 * @internal
 */
export function redactKeyObservation(
  observation: RunObservation,
  redact: Redactor,
  memo?: KeyMemo,
): RunObservation {
  const scrub = <T>(value: T): T => scrubData(value, redact, memo);
  return {
    modelCall(info) {
      const call = observation.modelCall(scrub(info));
      return {
        wrap: call.wrap,
        retry: (event) => call.retry(event),
        firstChunk: (at) => call.firstChunk(at),
        end: (outcome, at) => call.end(scrub(outcome), at),
      };
    },
    toolCall(info) {
      const call = observation.toolCall(scrub(info));
      return { wrap: call.wrap, end: (record, at) => call.end(scrub(record), at) };
    },
    stepEnd: (step) => observation.stepEnd(scrub(step)),
    event:
      observation.event === undefined
        ? undefined
        : (event, at) => observation.event?.(scrub(event), at),
    end: (outcome, at) => observation.end(scrub(outcome), at),
  };
}

/**
 * The long texts one observed run's key walk found clean: values by the object and property that
 * hold them, property names by the object that has them. Two memos, not one: a long name and its
 * long value would share the one place a memo keeps for that property, each pushing the other
 * out, and both would be scanned at every meeting. One per observed run, made with its
 * observation (start-observation.ts): never shared between runs.
 * @internal
 */
export type KeyMemo = { readonly values: ScanMemo; readonly names: ScanMemo };

/** An empty {@link KeyMemo}. @internal */
export function createKeyMemo(): KeyMemo {
  return { values: createScanMemo(), names: createScanMemo() };
}

/** The run's start as observers see it: its input without the client's key. @internal */
export function redactKeyStartInfo(info: RunStartInfo, redact: Redactor): RunStartInfo {
  return scrubData(info, redact, undefined);
}

// Past this depth, or at a cycle (a plugin's report data may be cyclic), the whole value goes to
// the client's own bounded walk instead, which handles both and fails closed.
const MAX_DEPTH = 64;
// why (sentinel): thrown and caught inside this module; carries nothing.
const TOO_DEEP = Symbol('too deep');

type Walk = {
  readonly redact: Redactor;
  readonly memo: KeyMemo | undefined;
  readonly above: object[];
};

/** `value` with `redact` applied to every string in its arrays and plain objects. */
function scrubData<T>(value: T, redact: Redactor, memo: KeyMemo | undefined): T {
  try {
    return scrubWithin(value, { redact, memo, above: [] });
  } catch (thrown) {
    if (thrown !== TOO_DEEP) throw thrown;
    return redact(value);
  }
}

function scrubWithin<T>(value: T, walk: Walk): T {
  if (typeof value === 'string') return walk.redact(value);
  if (typeof value !== 'object' || value === null) return value;
  const { above } = walk;
  if (above.length > MAX_DEPTH || above.includes(value)) throw TOO_DEEP;
  above.push(value);
  try {
    return scrubObject(value, walk);
  } finally {
    above.pop();
  }
}

/** `holder[key]` without the key: a string with where it is held, for the run's memo. */
function scrubAt(item: unknown, walk: Walk, holder: object, key: PropertyKey): unknown {
  const { memo } = walk;
  if (typeof item !== 'string' || memo === undefined) return scrubWithin(item, walk);
  return walk.redact(item, { memo: memo.values, holder, key });
}

/** A property name of `holder` without the key; remembered as a value is, by its holder. */
function scrubName(name: string, walk: Walk, holder: object): string {
  const { memo } = walk;
  if (memo === undefined) return walk.redact(name);
  return walk.redact(name, { memo: memo.names, holder, key: name });
}

function scrubObject<T extends object>(value: T, walk: Walk): T {
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let index = 0; index < value.length; index++) {
      const item: unknown = value[index];
      const scrubbed = scrubAt(item, walk, value, index);
      if (scrubbed !== item) {
        copy ??= value.slice();
        copy[index] = scrubbed;
      }
    }
    return (copy ?? value) as T;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  const keys = Object.keys(value);
  // Each value read once (a getter may answer differently next time); the entries are made only
  // when a name or value changed (most records hold no key), the names scrubbed again then.
  const items: unknown[] = [];
  let changed = false;
  for (const key of keys) {
    const item = (value as Record<string, unknown>)[key];
    const scrubbed = scrubAt(item, walk, value, key);
    // A call's arguments may name a property by the key, too.
    if (scrubbed !== item || scrubName(key, walk, value) !== key) changed = true;
    items.push(scrubbed);
  }
  // fromEntries defines own properties: a `__proto__` key stays data, as JSON.parse made it.
  if (!changed) return value;
  return Object.fromEntries(
    keys.map((key, index): [string, unknown] => [scrubName(key, walk, value), items[index]]),
  ) as T;
}
