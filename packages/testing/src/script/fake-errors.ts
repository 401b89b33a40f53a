import { FAKE_GEMINI_ERROR_DOMAIN } from '@gemloop/core/internal';
import type { GoogleErrorBody, GoogleErrorDetail } from '@gemloop/core/wire';

/** An HTTP error the fake answers with: a status and a Google error body. */
export type FakeHttpError = {
  status: number;
  body: GoogleErrorBody;
};

const statusNames: Readonly<Record<number, string>> = {
  400: 'INVALID_ARGUMENT',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

/**
 * A Google error body, `{"error":{"code","message","status","details"}}`, as the Gemini API sends
 * it. `status` defaults to the `google.rpc.Code` name of the HTTP status.
 */
export function googleError(
  code: number,
  message: string,
  options: { status?: string | undefined; details?: GoogleErrorDetail[] | undefined } = {},
): FakeHttpError {
  const error: GoogleErrorBody['error'] = {
    code,
    message,
    status: options.status ?? statusNames[code] ?? 'UNKNOWN',
  };
  if (options.details !== undefined) error.details = options.details;
  return { status: code, body: { error } };
}

/**
 * An error the fake raises about itself (its script ran out, threw or returned no turn), not in
 * imitation of Google: a 400 `FAILED_PRECONDITION` whose `ErrorInfo` names the fake's domain, so
 * the client's message says where the error came from instead of giving Google's advice on
 * billing and regions.
 * @internal
 */
export function fakeScriptError(
  reason: 'SCRIPT_EXHAUSTED' | 'SCRIPT_THREW' | 'SCRIPT_RETURNED_NO_TURN',
  message: string,
): FakeHttpError {
  return googleError(400, `[gemloop fake] ${message}`, {
    status: 'FAILED_PRECONDITION',
    details: [
      {
        '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
        reason,
        domain: FAKE_GEMINI_ERROR_DOMAIN,
      },
    ],
  });
}

/**
 * The fake's answer to a request whose Host names neither a loopback address nor `localhost`
 * while it listens on one: a 421 (RFC 9110 section 15.5.20, Misdirected Request) in Google's
 * error shape, with an `ErrorInfo` naming the fake.
 * @internal
 */
export function fakeMisdirected(): FakeHttpError {
  return googleError(
    421,
    '[gemloop fake] This fake answers on 127.0.0.1 and localhost only (the Host header named another name: a web page reaching it through DNS rebinding). Call it by its printed URL, or listen({ host }) on another interface.',
    {
      status: 'PERMISSION_DENIED',
      details: [
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: 'MISDIRECTED_REQUEST',
          domain: FAKE_GEMINI_ERROR_DOMAIN,
        },
      ],
    },
  );
}

/**
 * The fake's answer to a request body past its bound (`listen({ maxBodyBytes })`): a 413 in
 * Google's error shape, with the API's own words for a payload too large ("Request payload size
 * exceeds the limit: N bytes.", its 400 for a body past its limit) and an `ErrorInfo` naming the
 * fake, so the client's message says the fake refused it.
 * @internal
 */
export function fakeRequestTooLarge(maxBodyBytes: number): FakeHttpError {
  return googleError(
    413,
    `[gemloop fake] Request payload size exceeds the limit: ${maxBodyBytes} bytes. Send less (upload large media with the Files API), or start the fake with a larger listen({ maxBodyBytes }).`,
    {
      status: 'INVALID_ARGUMENT',
      details: [
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: 'REQUEST_TOO_LARGE',
          domain: FAKE_GEMINI_ERROR_DOMAIN,
        },
      ],
    },
  );
}

/**
 * The error bodies of the real API, by situation. Texts come from recordings in
 * `test/fixtures/gemini/errors/` or from public issue reports (named per entry).
 * @internal
 */
export const fakeErrors = {
  /** No key at all. Text: public reports (e.g. PublicAffairs/openai-gemini#92). */
  permissionDenied: (): FakeHttpError =>
    googleError(
      403,
      "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
    ),

  /** A key the server does not know. Body: fixture `errors/400-INVALID_ARGUMENT-API_KEY_INVALID`. */
  apiKeyInvalid: (): FakeHttpError =>
    googleError(400, 'API key not valid. Please pass a valid API key.', {
      details: [
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: 'API_KEY_INVALID',
          domain: 'googleapis.com',
          metadata: { service: 'generativelanguage.googleapis.com' },
        },
        {
          '@type': 'type.googleapis.com/google.rpc.LocalizedMessage',
          locale: 'en-US',
          message: 'API key not valid. Please pass a valid API key.',
        },
      ],
    }),

  /** Fixture `errors/404-NOT_FOUND-unknown-model.json`. */
  modelNotFound: (model: string, apiVersion: string, method: string): FakeHttpError =>
    googleError(
      404,
      `models/${model} is not found for API version ${apiVersion}, or is not supported for ${method}. Call ModelService.ListModels to see the list of available models and their supported methods.`,
    ),

  /** Fixture `errors/429-RESOURCE_EXHAUSTED-Help-QuotaFailure-RetryInfo.json` (per-minute quota). */
  rateLimited: (model: string, retryDelaySeconds: number): FakeHttpError =>
    googleError(
      429,
      'You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits. To monitor your current usage, head to: https://ai.dev/rate-limit. \n' +
        `* Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_free_tier_requests, limit: 5, model: ${model}\n` +
        `Please retry in ${retryDelaySeconds}s.`,
      {
        details: [
          helpDetail(),
          quotaDetail(model, 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier', '5'),
          {
            '@type': 'type.googleapis.com/google.rpc.RetryInfo',
            // The recording says "Please retry in 58.217843437s." but retryDelay "58s".
            retryDelay: `${Math.floor(retryDelaySeconds)}s`,
          },
        ],
      },
    ),

  /**
   * The per-day quota is spent: same shape with a `PerDay` quotaId; the API still sends a short
   * RetryInfo, which is why clients must look at the quotaId.
   */
  dailyQuota: (model: string): FakeHttpError =>
    googleError(
      429,
      'You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits. To monitor your current usage, head to: https://ai.dev/rate-limit. \n' +
        `* Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_free_tier_requests, limit: 20, model: ${model}\n` +
        'Please retry in 21.5s.',
      {
        details: [
          helpDetail(),
          quotaDetail(model, 'GenerateRequestsPerDayPerProjectPerModel-FreeTier', '20'),
          { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '21s' },
        ],
      },
    ),

  /** The generic 500 of the Gemini API (public reports). */
  internal: (): FakeHttpError =>
    googleError(
      500,
      'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
    ),

  /** Fixture `errors/503-UNAVAILABLE-overloaded.no-alt-sse-array.json`. */
  overloaded: (): FakeHttpError =>
    googleError(503, 'The model is overloaded. Please try again later.'),

  invalidArgument: (message: string, details?: GoogleErrorDetail[]): FakeHttpError =>
    googleError(400, message, { details }),
};

function helpDetail(): GoogleErrorDetail {
  return {
    '@type': 'type.googleapis.com/google.rpc.Help',
    links: [
      {
        description: 'Learn more about Gemini API quotas',
        url: 'https://ai.google.dev/gemini-api/docs/rate-limits',
      },
    ],
  };
}

function quotaDetail(model: string, quotaId: string, quotaValue: string): GoogleErrorDetail {
  return {
    '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
    violations: [
      {
        quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests',
        quotaId,
        quotaDimensions: { model, location: 'global' },
        quotaValue,
      },
    ],
  };
}
