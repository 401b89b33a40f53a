import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { secretsOfHeaders } from '../errors/redact-secrets.ts';
import { type RetryPolicy, resolveRetryPolicy } from '../retry/retry-policy.ts';
import type { RetryEvent } from '../retry/with-retry.ts';
import { checkHeaders } from './check-headers.ts';
import { checkTimeout } from './check-timeout.ts';
import type { CallOptions, ResponseInfo } from './gemini.ts';
import { isAbortSignal } from './is-abort-signal.ts';
import type { ResolvedClientOptions } from './resolve-client-options.ts';

/** {@link CallOptions} checked and merged over the client's settings. */
export type ResolvedCallOptions = {
  signal: AbortSignal | undefined;
  /** Told of each retry (`CallOptions.onRetry`). */
  onRetry?: ((event: RetryEvent) => void) | undefined;
  timeoutMs: number;
  retry: RetryPolicy;
  headers: Record<string, string>;
  /** The client's secrets, plus the credentials among this call's extra headers. */
  redact: readonly string[];
  onResponse: ((response: ResponseInfo) => void) | undefined;
};

const CALL_OPTIONS: readonly string[] = [
  'signal',
  'timeoutMs',
  'retry',
  'headers',
  'onRetry',
  'onResponse',
];

/**
 * The client's settings for a call without options; computed once per client so a call without
 * options costs nothing here.
 * @internal
 */
export function defaultCallOptions(client: ResolvedClientOptions): ResolvedCallOptions {
  return {
    signal: undefined,
    timeoutMs: client.timeoutMs,
    retry: client.retry,
    headers: client.headers,
    redact: client.redact,
    onResponse: undefined,
  };
}

/**
 * Checks per-call options strictly and merges them over the client's: `timeoutMs` and `retry`
 * replace (retry field by field), `headers` are added (they may not replace the auth header).
 * @param extraKeys Other option names the method accepts (`pageSize`, `pageToken` for listModels).
 * @throws {@link InvalidArgumentError} naming the option.
 * @internal
 */
export function resolveCallOptions(
  options: CallOptions | undefined,
  client: ResolvedClientOptions,
  defaults: ResolvedCallOptions,
  extraKeys: readonly string[] = [],
): ResolvedCallOptions {
  if (options === undefined) return defaults;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidArgumentError({
      argument: 'options',
      message: 'Call options must be an object such as { signal, timeoutMs }.',
    });
  }
  for (const key in options) {
    if (!CALL_OPTIONS.includes(key) && !extraKeys.includes(key)) {
      throw new InvalidArgumentError({
        argument: `options.${key}`,
        message: `Unknown call option '${key}'; the options are ${[...CALL_OPTIONS, ...extraKeys].join(', ')}.`,
      });
    }
  }
  const { signal } = options;
  const { onRetry } = options;
  if (onRetry !== undefined && typeof onRetry !== 'function') {
    throw new InvalidArgumentError({
      argument: 'options.onRetry',
      message: 'options.onRetry must be a function (event) => void, or left out.',
    });
  }
  if (signal !== undefined && !isAbortSignal(signal)) {
    throw new InvalidArgumentError({
      argument: 'options.signal',
      message:
        'options.signal must be an AbortSignal, e.g. AbortSignal.timeout(10_000) or controller.signal.',
    });
  }
  let headers = defaults.headers;
  let redact = defaults.redact;
  if (options.headers !== undefined) {
    const extra = checkHeaders(options.headers, 'options.headers') ?? {};
    const authHeader = client.auth === 'bearer' ? 'authorization' : 'x-goog-api-key';
    if (authHeader in extra) {
      throw new InvalidArgumentError({
        argument: `options.headers.${authHeader}`,
        message: `options.headers must not set ${authHeader}: the client sends the key; make another client for another key.`,
      });
    }
    headers = {
      ...defaults.headers,
      ...extra,
      [authHeader]: defaults.headers[authHeader] as string,
    };
    const secrets = secretsOfHeaders(extra);
    if (secrets.length > 0) {
      redact = [...defaults.redact, ...secrets].sort((a, b) => b.length - a.length);
    }
  }
  return {
    signal,
    onRetry,
    timeoutMs: checkTimeout(options.timeoutMs, defaults.timeoutMs, 'options.timeoutMs'),
    retry: resolveRetryPolicy(options.retry, defaults.retry, 'options.retry'),
    headers,
    redact,
    onResponse: checkOnResponse(options.onResponse),
  };
}

function checkOnResponse(
  onResponse: CallOptions['onResponse'],
): ((response: ResponseInfo) => void) | undefined {
  if (onResponse === undefined || typeof onResponse === 'function') return onResponse;
  throw new InvalidArgumentError({
    argument: 'options.onResponse',
    message: 'options.onResponse must be a function ({ status, headers, attempt }) => void.',
  });
}
