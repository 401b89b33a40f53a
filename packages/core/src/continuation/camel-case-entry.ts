import type { ModelCallEntry } from '../http/model-call-entry.ts';
import type { GenerateContentResponse } from '../wire/response.ts';

/**
 * `entry` with every response it gives (a unary body, each chunk of a stream) read by `read`: the
 * hops of an answer a gateway writes in the proto field names (`finish_reason`,
 * `continuation_token`) see it in camelCase, as they see the API's. Made by the hops only, once
 * an answer asked in snake_case to be continued; the entry below (a durable client's records
 * included) keeps the gateway's spelling.
 * @internal
 */
export function camelCaseEntry(
  entry: ModelCallEntry,
  read: (response: unknown) => GenerateContentResponse,
): ModelCallEntry {
  return {
    generate: (input, given) =>
      entry
        .generate(input, given)
        .then((result) => ({ ...result, response: read(result.response) })),
    stream(input, given) {
      const opened = entry.stream(input, given);
      return { stream: readEach(opened.stream, read), record: opened.record };
    },
    redact: entry.redact,
  };
}

async function* readEach(
  chunks: AsyncIterable<GenerateContentResponse>,
  read: (response: unknown) => GenerateContentResponse,
): AsyncGenerator<GenerateContentResponse> {
  for await (const chunk of chunks) yield read(chunk);
}
