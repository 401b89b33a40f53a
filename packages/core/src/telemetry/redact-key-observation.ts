import type { Redactor } from '../shared/client-redactor.ts';
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
 * @internal
 */
export function redactKeyObservation(
  observation: RunObservation,
  redact: Redactor,
): RunObservation {
  const scrub = <T>(value: T): T => scrubData(value, redact);
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

/** The run's start as observers see it: its input without the client's key. @internal */
export function redactKeyStartInfo(info: RunStartInfo, redact: Redactor): RunStartInfo {
  return scrubData(info, redact);
}

// Past this depth, or at a cycle (a plugin's report data may be cyclic), the whole value goes to
// the client's own bounded walk instead, which handles both and fails closed.
const MAX_DEPTH = 64;
// why (sentinel): thrown and caught inside this module; carries nothing.
const TOO_DEEP = Symbol('too deep');

/** `value` with `redact` applied to every string in its arrays and plain objects. */
function scrubData<T>(value: T, redact: Redactor): T {
  try {
    return scrubWithin(value, redact, []);
  } catch (thrown) {
    if (thrown !== TOO_DEEP) throw thrown;
    return redact(value);
  }
}

function scrubWithin<T>(value: T, redact: Redactor, above: object[]): T {
  if (typeof value === 'string') return redact(value);
  if (typeof value !== 'object' || value === null) return value;
  if (above.length > MAX_DEPTH || above.includes(value)) throw TOO_DEEP;
  above.push(value);
  try {
    return scrubObject(value, redact, above);
  } finally {
    above.pop();
  }
}

function scrubObject<T extends object>(value: T, redact: Redactor, above: object[]): T {
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let index = 0; index < value.length; index++) {
      const item: unknown = value[index];
      const scrubbed = scrubWithin(item, redact, above);
      if (scrubbed !== item) {
        copy ??= value.slice();
        copy[index] = scrubbed;
      }
    }
    return (copy ?? value) as T;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  let changed = false;
  const entries = Object.keys(value).map((key): [string, unknown] => {
    const item = (value as Record<string, unknown>)[key];
    const scrubbed = scrubWithin(item, redact, above);
    // A call's arguments may name a property by the key, too.
    const name = redact(key);
    if (scrubbed !== item || name !== key) changed = true;
    return [name, scrubbed];
  });
  // fromEntries defines own properties: a `__proto__` key stays data, as JSON.parse made it.
  return changed ? (Object.fromEntries(entries) as T) : value;
}
