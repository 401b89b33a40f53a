import { CODED_BODY_MESSAGE } from '@gemloop/core/internal';
import {
  BODIES_BUSY_RETRY_AFTER_SECONDS,
  type BodyLimits,
  parseJsonOr,
  readBoundedBody,
} from '../door/read-bounded-body.ts';
import { AgUiRequestError } from './ag-ui-request-error.ts';

/**
 * The AG-UI door's request body as JSON, read within `budget`: 413 past `maxBytes`, 503
 * `server_busy` with `retry-after` when the door is reading as many bodies as it takes, 408 for a
 * body that stopped arriving, 415 for a coded one, 400 when it is not UTF-8 JSON, each an
 * {@link AgUiRequestError}. @internal
 */
export async function readAgUiBody(request: Request, limits: BodyLimits): Promise<unknown> {
  return await readBoundedBody(request, {
    ...limits,
    parse: parseJsonOr(
      () =>
        new AgUiRequestError({
          status: 400,
          errorCode: 'invalid_json',
          message: 'The request body is not valid JSON: send RunAgentInput as JSON.',
        }),
    ),
    errors: {
      coded: () =>
        new AgUiRequestError({
          status: 415,
          errorCode: 'unsupported_content_encoding',
          message: CODED_BODY_MESSAGE,
        }),
      tooLarge: (message) =>
        new AgUiRequestError({ status: 413, errorCode: 'request_too_large', message }),
      notUtf8: () =>
        new AgUiRequestError({
          status: 400,
          errorCode: 'invalid_json',
          message: 'The request body is not UTF-8: send RunAgentInput as JSON in UTF-8.',
        }),
      busy: (message) =>
        new AgUiRequestError({
          status: 503,
          errorCode: 'server_busy',
          message,
          retryAfter: BODIES_BUSY_RETRY_AFTER_SECONDS,
        }),
      timedOut: (message) =>
        new AgUiRequestError({ status: 408, errorCode: 'request_timeout', message }),
    },
  });
}
