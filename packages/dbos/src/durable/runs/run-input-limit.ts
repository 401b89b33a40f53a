import { InvalidArgumentError } from '@gemloop/core';
import { defineOptions, integerOption } from '@gemloop/core/internal';
import { DurableRunInputTooLargeError } from '../../errors/durable-run-input-too-large-error.ts';

/**
 * The default most a durable run's stored input may be, in bytes of JSON: 100 MB, the most
 * Gemini takes inline in one request (raised from 20 MB in January 2026, "the maximum payload size
 * for inline data from 20MB to 100MB (base64 encoded)",
 * https://blog.google/innovation-and-ai/technology/developers-tools/gemini-api-new-file-limits).
 * A run's first request carries its whole input, so a larger one could only fail there, after a
 * worker had read it back; files past that go by reference (Files API, GCS, URLs).
 */
export const DEFAULT_MAX_INPUT_BYTES = 100_000_000;

/** The durable runtime's bound on a run's stored input (`createDurableRuns`, `startDurableWorker`). */
export type RunInputLimitOptions = {
  /**
   * The most a run's input (`input`, `history`, `budget`, `generationConfig`: its JSON, UTF-8
   * bytes) may be; `runs.start()` refuses a larger one with `DurableRunInputTooLargeError`,
   * nothing stored. @defaultValue 100_000_000 (Gemini's inline request limit, 100 MB)
   */
  maxInputBytes?: number | undefined;
};

/** The option declared once: its check and its message. @internal */
export const runInputLimitOptions: ReturnType<typeof defineOptions<RunInputLimitOptions>> =
  defineOptions<RunInputLimitOptions>({
    name: 'the durable runtime',
    example: '{ maxInputBytes: 200_000_000 }',
    checks: { maxInputBytes: integerOption({ min: 1 }) },
  });

/**
 * Refuses a run input over `limit` bytes of JSON, or one JSON cannot write, before anything is
 * stored. Measured on the JSON DBOS stores (its default serializer is `JSON.stringify`): one more
 * stringify of the input per start, where the run's own storing makes one too.
 * @throws {@link DurableRunInputTooLargeError}, or `InvalidArgumentError` for an input JSON cannot
 * write (a getter, `toJSON` or Proxy trap that throws, a BigInt, a cycle, nesting past the stack).
 * @internal
 */
export function checkRunInputSize(
  runId: string,
  agent: string,
  input: unknown,
  limit: number,
): void {
  let json: string;
  try {
    json = JSON.stringify([agent, input]);
  } catch (error) {
    throw unstorableInput(input, error);
  }
  // Characters first: a UTF-8 byte is at most one character, so a text this short is under the
  // limit without counting its bytes (at most 3 per UTF-16 unit).
  if (json.length * 3 <= limit) return;
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes > limit) throw new DurableRunInputTooLargeError({ runId, bytes, limit });
}

/**
 * The refusal of an input JSON cannot write, naming its field (`input`, `history`, ...) and why,
 * never the thrown error's words: a getter's or a Proxy trap's message is the caller's (it may
 * quote a connection string), and V8's cycle message quotes the input's structure. Before, that
 * error left `runs.start()` as it was thrown, a bare `TypeError` for a BigInt (attack60c).
 */
function unstorableInput(input: unknown, error: unknown): InvalidArgumentError {
  let field = 'input';
  try {
    if (typeof input === 'object' && input !== null && !Array.isArray(input)) {
      for (const [key, value] of Object.entries(input)) {
        try {
          JSON.stringify(value);
        } catch {
          field = key;
          break;
        }
      }
    }
  } catch {
    // An input whose own keys cannot be listed (a Proxy): named `input`.
  }
  return new InvalidArgumentError({
    argument: field,
    message: `The run's ${field} cannot be stored as JSON: ${whyUnstorable(error)}. A durable run's input is stored as JSON and read back by a worker: pass plain data (strings, numbers, booleans, arrays and plain objects), as read from JSON.`,
  });
}

/**
 * Why `JSON.stringify` threw, in words that quote nothing of the value: nested too deep, a
 * BigInt, a cycle, or a throw of the value's own (a getter, `toJSON`, a Proxy trap). @internal
 */
export function whyUnstorable(error: unknown): string {
  let message = '';
  try {
    message = error instanceof Error ? String(error.message) : '';
  } catch {
    // An error whose message getter throws: read as a throw of the input's own.
  }
  if (error instanceof RangeError && /call stack/i.test(message)) return 'it is nested too deep';
  if (error instanceof TypeError && /BigInt/.test(message)) return 'it holds a BigInt';
  if (error instanceof TypeError && /circular/i.test(message)) {
    return 'it holds a reference to itself (a cycle)';
  }
  return 'reading it threw (a getter, a toJSON method or a Proxy trap)';
}
