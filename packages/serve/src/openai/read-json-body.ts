import { CODED_BODY_MESSAGE } from '@gemloop/core/internal';
import {
  BODIES_BUSY_RETRY_AFTER_SECONDS,
  type BodyLimits,
  parseJsonOr,
  readBoundedBody,
} from '../door/read-bounded-body.ts';
import { invalidRequest, OpenAIRequestError } from './openai-request-error.ts';
import { isRecord } from './to-contents.ts';

/**
 * The body as a JSON object, read within `budget`: 413 past `maxBytes`, 503 `server_error` with
 * `retry-after` when the door is reading as many bodies as it takes, 400 for anything but a JSON
 * object.
 * @throws {@link OpenAIRequestError} as said.
 * @internal
 */
export async function readJsonBody(
  request: Request,
  limits: BodyLimits,
): Promise<Record<string, unknown>> {
  const body = await readBoundedBody(request, {
    ...limits,
    parse: parseJsonOr(() =>
      invalidRequest(null, 'The request body is not valid JSON.', 'invalid_json'),
    ),
    errors: {
      coded: () =>
        new OpenAIRequestError({
          status: 415,
          type: 'invalid_request_error',
          errorCode: 'unsupported_content_encoding',
          message: CODED_BODY_MESSAGE,
        }),
      tooLarge: (message) =>
        new OpenAIRequestError({
          status: 413,
          type: 'invalid_request_error',
          errorCode: 'request_too_large',
          message,
        }),
      notUtf8: () =>
        invalidRequest(
          null,
          'The request body is not UTF-8: send the JSON as UTF-8.',
          'invalid_json',
        ),
      busy: (message) =>
        new OpenAIRequestError({
          status: 503,
          type: 'server_error',
          errorCode: 'server_busy',
          message,
          retryAfter: BODIES_BUSY_RETRY_AFTER_SECONDS,
        }),
      timedOut: (message) =>
        new OpenAIRequestError({
          status: 408,
          type: 'invalid_request_error',
          errorCode: 'request_timeout',
          message,
        }),
    },
  });
  if (!isRecord(body))
    throw invalidRequest(null, 'The request body must be a JSON object.', 'invalid_type');
  return body;
}
