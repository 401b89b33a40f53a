import type { Redactor } from '../shared/client-redactor.ts';
import type { ArgumentRedactor } from '../tools/define/argument-redactor.ts';
import {
  createKeyMemo,
  redactKeyObservation,
  redactKeyStartInfo,
} from './redact-key-observation.ts';
import { redactObservation, redactStartInfo } from './redact-observation.ts';
import type {
  ModelCallObservation,
  RunObservation,
  RunObserver,
  RunStartInfo,
  ToolCallObservation,
} from './run-observer.ts';

/**
 * Starts every observer on a run and returns one observation that reports to all of them, or
 * `undefined` when none follows the run (then the loop runs unobserved, at no cost). An
 * observer that throws is left out: observing never fails a run. With `redact` (the client's
 * redaction), observers never see the client's key, even where the model wrote it.
 * @internal
 */
export function startObservation(
  observers: readonly RunObserver[],
  startInfo: RunStartInfo,
  redactor?: ArgumentRedactor | undefined,
  redact?: Redactor | undefined,
): RunObservation | undefined | Promise<RunObservation | undefined> {
  // Observers write outside the process: with secret tool arguments they see them redacted, and
  // the client's key nowhere (redact-key-observation.ts).
  const keyless = redact === undefined ? startInfo : redactKeyStartInfo(startInfo, redact);
  const info = redactor === undefined ? keyless : redactStartInfo(keyless, redactor);
  const join = (list: readonly RunObservation[]): RunObservation | undefined => {
    let joined = joinObservations(list);
    if (joined === undefined) return undefined;
    // The run's memo of long texts found clean, made only once an observer took the run: each
    // model call hands the whole history again, which is scanned once.
    if (redact !== undefined) joined = guard(redactKeyObservation(joined, redact, createKeyMemo()));
    return redactor === undefined ? joined : guard(redactObservation(joined, redactor));
  };
  // Synchronous until an observer hands back a promise: with telemetry idle (nothing registered)
  // and no recorder, a run gets `undefined` here without a promise or a microtask.
  const started: (RunObservation | Promise<RunObservation | undefined>)[] = [];
  let pending = false;
  for (const observer of observers) {
    let observation: ReturnType<RunObserver['startRun']>;
    try {
      observation = observer.startRun(info);
    } catch {
      continue;
    }
    if (observation === undefined) continue;
    if (observation instanceof Promise) {
      pending = true;
      // A failing observer (an optional dependency that would not load) is skipped.
      started.push(observation.catch(() => undefined));
    } else started.push(observation);
  }
  if (started.length === 0) return undefined;
  if (!pending) return join(started as RunObservation[]);
  return Promise.all(started).then((list) =>
    join(list.filter((item): item is RunObservation => item !== undefined)),
  );
}

function joinObservations(list: readonly RunObservation[]): RunObservation | undefined {
  if (list.length === 0) return undefined;
  // Each observer guarded on its own: one that throws leaves the others their records.
  return list.length === 1 ? guard(list[0] as RunObservation) : combine(list.map(guard));
}

function combine(list: readonly RunObservation[]): RunObservation {
  // Only the observers that read events get them; none does: the run builds no event for them.
  const readers = list.filter((observation) => observation.event !== undefined);
  return {
    modelCall(info) {
      const calls = list.map((observation) => observation.modelCall(info));
      return {
        wrap: composeWraps(calls),
        retry: (event) => {
          for (const call of calls) call.retry(event);
        },
        firstChunk: (at) => {
          for (const call of calls) call.firstChunk(at);
        },
        end: (outcome, at) => {
          for (const call of calls) call.end(outcome, at);
        },
      };
    },
    toolCall(info) {
      const calls = list.map((observation) => observation.toolCall(info));
      return {
        wrap: composeWraps(calls),
        end: (record, at) => {
          for (const call of calls) call.end(record, at);
        },
      };
    },
    stepEnd(step) {
      for (const observation of list) observation.stepEnd(step);
    },
    event:
      readers.length === 0
        ? undefined
        : (event, at) => {
            for (const observation of readers) observation.event?.(event, at);
          },
    end(outcome, at) {
      for (const observation of list) observation.end(outcome, at);
    },
  };
}

function composeWraps(
  calls: readonly (ModelCallObservation | ToolCallObservation)[],
): (<T>(fn: () => T) => T) | undefined {
  const wraps = calls.flatMap((call) => (call.wrap === undefined ? [] : [call.wrap]));
  if (wraps.length === 0) return undefined;
  if (wraps.length === 1) return wraps[0];
  return <T>(fn: () => T): T =>
    wraps.reduceRight<() => T>((inner, wrap) => () => wrap(inner), fn)();
}

/** Keeps an observer's throw out of the run: hooks that fail are ignored. */
function guard(observation: RunObservation): RunObservation {
  const quiet =
    <A extends unknown[]>(fn: (...args: A) => void) =>
    (...args: A): void => {
      try {
        fn(...args);
      } catch {
        // Observing never changes the run.
      }
    };
  const noopModel: ModelCallObservation = { retry() {}, firstChunk() {}, end() {} };
  const noopTool: ToolCallObservation = { end() {} };
  return {
    modelCall(info) {
      let call: ModelCallObservation;
      try {
        call = observation.modelCall(info);
      } catch {
        return noopModel;
      }
      return {
        wrap: guardWrap(call.wrap),
        retry: quiet((event) => call.retry(event)),
        firstChunk: quiet((at) => call.firstChunk(at)),
        end: quiet((outcome, at) => call.end(outcome, at)),
      };
    },
    toolCall(info) {
      let call: ToolCallObservation;
      try {
        call = observation.toolCall(info);
      } catch {
        return noopTool;
      }
      return { wrap: guardWrap(call.wrap), end: quiet((record, at) => call.end(record, at)) };
    },
    stepEnd: quiet((step) => observation.stepEnd(step)),
    event: observation.event === undefined ? undefined : quiet(observation.event.bind(observation)),
    end: quiet((outcome, at) => observation.end(outcome, at)),
  };
}

/**
 * An observer's wrap around a call (telemetry's context: `context.with`), kept from changing the
 * call: one that throws before calling it (a broken context manager) runs the call without it,
 * one that throws after it (or swallows its error) gives back what the call gave. The call runs
 * once either way.
 */
function guardWrap(wrap: (<T>(fn: () => T) => T) | undefined): (<T>(fn: () => T) => T) | undefined {
  if (wrap === undefined) return undefined;
  return <T>(fn: () => T): T => {
    let ran = false;
    let failed = false;
    let value: T | undefined;
    let error: unknown;
    const call = (): T => {
      ran = true;
      try {
        value = fn();
        return value;
      } catch (thrown) {
        failed = true;
        error = thrown;
        throw thrown;
      }
    };
    try {
      wrap(call);
    } catch {
      // The wrap's own failure: what counts is whether the call ran, and how it ended.
    }
    if (!ran) return call();
    if (failed) throw error;
    return value as T;
  };
}
