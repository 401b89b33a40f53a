import { GemloopError } from '@gemloop/core/errors';

/**
 * The `type` of an OpenAI error body, as OpenAI's API answers it (`invalid_request_error` for a
 * 400/404/413, `authentication_error` for 401, `permission_error` for a 403 (a token without a
 * scope the request needs), `rate_limit_error` for 429, `server_error` for a run that failed and a 503).
 */
export type OpenAIErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'rate_limit_error'
  | 'server_error';

/**
 * The body of every error the OpenAI door answers, in OpenAI's shape (the `openai` client reads it
 * into `APIError.error`; see `ErrorObject` in `openai/resources/shared`): a fixed message, never
 * one of the run's or a thrown error's own, and `param` naming the request field at fault.
 */
export type OpenAIErrorBody = {
  error: {
    message: string;
    type: OpenAIErrorType;
    param: string | null;
    code: string | null;
  };
};

/**
 * A request the OpenAI door refuses (bad JSON, a field of the wrong shape, an unknown model, a
 * previous response that is not the caller's, a body too large, too many requests, no
 * credentials). Carries the HTTP status and OpenAI's error fields; the door answers it with
 * {@link OpenAIErrorBody}. Thrown inside the handler only: a caller sees the response.
 */
export class OpenAIRequestError extends GemloopError {
  override readonly code = 'openai-request';
  /** Not the code's (`OpenaiRequestError`): see the `name` of {@link GemloopError}. */
  override get name(): string {
    return 'OpenAIRequestError';
  }
  /** The HTTP status the door answers with. */
  readonly status: number;
  /** OpenAI's error `type`. */
  readonly type: OpenAIErrorType;
  /** OpenAI's error `code`: `invalid_json`, `missing_field`, `model_not_found`, ... */
  readonly errorCode: string;
  /** The request field at fault (`messages[2].role`), or `null`. */
  readonly param: string | null;
  /** For a 405: the methods the route takes, sent as `Allow` (RFC 9110 section 15.5.6). */
  readonly allow: string | undefined;
  /** For a 503: the seconds to wait, sent as `Retry-After` (RFC 9110 section 10.2.3). */
  readonly retryAfter: number | undefined;

  constructor(options: {
    status: number;
    type: OpenAIErrorType;
    errorCode: string;
    param?: string | null | undefined;
    message: string;
    allow?: string | undefined;
    retryAfter?: number | undefined;
  }) {
    super({ message: options.message });
    this.status = options.status;
    this.type = options.type;
    this.errorCode = options.errorCode;
    this.param = options.param ?? null;
    this.allow = options.allow;
    this.retryAfter = options.retryAfter;
  }

  static override isInstance(error: unknown): error is OpenAIRequestError {
    return GemloopError.hasCode(error, 'openai-request');
  }

  /** The error as OpenAI's body. */
  toBody(): OpenAIErrorBody {
    return {
      error: { message: this.message, type: this.type, param: this.param, code: this.errorCode },
    };
  }
}

/** A 400 `invalid_request_error` naming `param` (`null`: the body as a whole). @internal */
export function invalidRequest(
  param: string | null,
  message: string,
  errorCode = 'invalid_value',
): OpenAIRequestError {
  return new OpenAIRequestError({
    status: 400,
    type: 'invalid_request_error',
    errorCode,
    param,
    message,
  });
}

/**
 * A 404 `invalid_request_error`: unknown, forgotten and someone else's are one answer, so a
 * stranger learns nothing from it. @internal
 */
export function notFound(errorCode: string, message: string, param?: string): OpenAIRequestError {
  return new OpenAIRequestError({
    status: 404,
    type: 'invalid_request_error',
    errorCode,
    param,
    message,
  });
}
