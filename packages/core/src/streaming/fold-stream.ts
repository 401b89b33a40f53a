import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { attachPartialUsage } from '../errors/partial-usage.ts';
import type { GenerateContentResponse, UsageMetadata } from '../wire/response.ts';
import { createStreamAccumulator } from './create-stream-accumulator.ts';

/**
 * Folds the chunks of a `streamGenerateContent` stream into the one response `generateContent`
 * would have returned: text deltas merged, function calls whole, signatures kept where the
 * non-streamed response has them, usage and `finishReason` from the last chunk. The rules are
 * those of {@link createStreamAccumulator}.
 *
 * Takes an async iterable (a live stream) or a plain iterable (recorded chunks, or the JSON array
 * `streamGenerateContent` returns without `alt=sse`). Errors of the stream propagate; a gemloop
 * error after chunks that reported usage carries the last of it as `partialUsage`
 * (`partial: true`): those tokens were billed.
 *
 * @example
 * ```ts
 * const response = await foldStream(gemini.streamGenerateContent(request));
 * ```
 */
export async function foldStream(
  chunks: AsyncIterable<GenerateContentResponse> | Iterable<GenerateContentResponse>,
): Promise<GenerateContentResponse> {
  const iterable = chunks as {
    [Symbol.asyncIterator]?: unknown;
    [Symbol.iterator]?: unknown;
  } | null;
  if (
    typeof iterable !== 'object' ||
    iterable === null ||
    (typeof iterable[Symbol.asyncIterator] !== 'function' &&
      typeof iterable[Symbol.iterator] !== 'function')
  ) {
    throw new InvalidArgumentError({
      argument: 'chunks',
      message:
        'foldStream() takes the chunks of a stream: gemini.streamGenerateContent(request), or an array of GenerateContentResponse.',
    });
  }
  const accumulator = createStreamAccumulator();
  let usage: UsageMetadata | undefined;
  try {
    for await (const chunk of chunks) {
      accumulator.push(chunk);
      if (chunk.usageMetadata !== undefined) usage = chunk.usageMetadata;
    }
  } catch (error) {
    throw attachPartialUsage(error, usage);
  }
  return accumulator.response();
}
