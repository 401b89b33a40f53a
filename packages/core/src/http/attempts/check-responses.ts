import type { ApiCallError } from '../../errors/api-call-error.ts';
import { parseGenerateContentResponse } from '../../wire/parse-generate-content-response.ts';
import type { GenerateContentResponse } from '../../wire/response.ts';
import { invalidResponse } from './read-json-response.ts';

/** What a response check gets besides the parsed value. */
export type CheckContext = {
  text: string;
  status: number;
  /**
   * The response, for its headers: read only where they are needed (an error, the upload's
   * answer), since the node transport builds a `Headers` object on first read.
   */
  response: { readonly headers: Headers | Readonly<Record<string, string>> };
  attempt: number;
  url: string;
  method: string;
  redact: readonly string[];
};

/**
 * Checks a `generateContent` body leniently (see `parseGenerateContentResponse`); the parsed
 * object is returned as is, unknown fields included.
 * @internal
 */
export function checkGenerateContentResponse(
  value: unknown,
  context: CheckContext,
): GenerateContentResponse {
  const result = parseGenerateContentResponse(value);
  if (result.ok) return result.value;
  const where = result.path === '' ? 'the body' : `\`${result.path}\``;
  throw fail(
    context,
    `returned a body that is not a GenerateContentResponse: ${where} ${result.message}`,
  );
}

function fail(context: CheckContext, problem: string): ApiCallError {
  return invalidResponse(context, problem);
}
