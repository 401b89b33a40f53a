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
 * Refuses a run input over `limit` bytes of JSON, before anything is stored. Measured on the
 * JSON DBOS stores (its default serializer is `JSON.stringify`): one more stringify of the
 * input per start, where the run's own storing makes one too.
 * @throws {@link DurableRunInputTooLargeError}
 * @internal
 */
export function checkRunInputSize(
  runId: string,
  agent: string,
  input: unknown,
  limit: number,
): void {
  // Characters first: a UTF-8 byte is at most one character, so a text this short is under the
  // limit without counting its bytes (at most 3 per UTF-16 unit).
  const json = JSON.stringify([agent, input]);
  if (json.length * 3 <= limit) return;
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes > limit) throw new DurableRunInputTooLargeError({ runId, bytes, limit });
}
