import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import {
  checkedWhereUsed,
  checkOptionsCopy,
  type DeclaredOptions,
  defineOptions,
  describeValue,
  functionOption,
  integerOption,
  optionCheck,
} from '../../options/define-options.ts';
import { type RetryPolicy, resolveRetryPolicy } from '../../retry/retry-policy.ts';
import type { RetryEvent } from '../../retry/with-retry.ts';
import { isAbortSignal } from '../../shared/on-abort.ts';
import { secretsOfHeaders } from '../../shared/redact-secrets.ts';
import type { Secrets } from '../../shared/secret-list.ts';
import { checkHeaders } from '../check-headers.ts';
import { timeoutOption } from '../check-timeout.ts';
import type { CallOptions, ListModelsOptions, ResponseInfo } from '../gemini.ts';
import type { ResolvedClientOptions } from './resolve-client-options.ts';

/** {@link CallOptions} checked and merged over the client's settings. */
export type ResolvedCallOptions = {
  signal: AbortSignal | undefined;
  /** Told of each retry (`CallOptions.onRetry`). */
  onRetry?: ((event: RetryEvent) => void) | undefined;
  timeoutMs: number;
  retry: RetryPolicy;
  headers: Record<string, string>;
  /**
   * The client's secrets (read live: a Vertex token fetched after the call started is in it),
   * plus the credentials among this call's extra headers.
   */
  secrets: Secrets;
  onResponse: ((response: ResponseInfo) => void) | undefined;
  /**
   * Where an internal model call (model-call-entry.ts) keeps the response info of the attempt
   * that succeeded, so the agent reads the served tier without a closure of its own. Always a
   * key (`undefined` until a call's copy sets it), so that copy only overrides it (create-gemini.ts).
   */
  record?: { info: ResponseInfo | undefined } | undefined;
  /** `CallOptions.beforeSend`. */
  beforeSend: CallOptions['beforeSend'];
};

const callOptionChecks = {
  signal: optionCheck(
    isAbortSignal,
    'options.signal must be an AbortSignal, e.g. AbortSignal.timeout(10_000) or controller.signal.',
  ),
  timeoutMs: timeoutOption,
  // These two are merged over the client's settings, and checked by that merge below.
  retry: checkedWhereUsed,
  headers: checkedWhereUsed,
  onRetry: functionOption('options.onRetry must be a function (event) => void, or left out.'),
  onResponse: functionOption(
    'options.onResponse must be a function ({ status, headers, attempt }) => void.',
  ),
  beforeSend: functionOption(
    'options.beforeSend must be a function ({ attempt, method, model, signal, timeoutMs }) => Promise<(() => void) | undefined>.',
  ),
};

/** The options every call takes (`generateContent`, `countTokens`, `caches.get`, ...). @internal */
export const callOptionsDeclaration: DeclaredOptions<CallOptions> = defineOptions<CallOptions>({
  name: 'A call',
  unknownKey: 'Unknown call option',
  path: 'options',
  example: '{ signal, timeoutMs }',
  checks: callOptionChecks,
});

/** The options of a list call (`listModels`, `caches.list`): a call's, and the page. @internal */
export const listOptionsDeclaration: DeclaredOptions<ListModelsOptions> =
  defineOptions<ListModelsOptions>({
    name: 'A list call',
    unknownKey: 'Unknown call option',
    path: 'options',
    example: '{ pageSize, pageToken, signal }',
    checks: {
      ...callOptionChecks,
      pageSize: integerOption({
        min: 1,
        message: (path, value) =>
          `${path} must be a positive integer (the API allows up to 1000); got ${describeValue(value)}.`,
      }),
      pageToken: optionCheck(
        (value) => typeof value === 'string' && value !== '',
        'options.pageToken must be the nextPageToken of a previous page.',
      ),
    },
  });

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
    secrets: client.secrets,
    onResponse: undefined,
    record: undefined,
    beforeSend: undefined,
  };
}

/**
 * Checks per-call options strictly and merges them over the client's: `timeoutMs` and `retry`
 * replace (retry field by field), `headers` are added (they may not replace the auth header).
 * @param declared The options the method takes: {@link listOptionsDeclaration} for list calls.
 * @throws {@link InvalidArgumentError} naming the option.
 * @internal
 */
export function resolveCallOptions(
  options: CallOptions | undefined,
  client: ResolvedClientOptions,
  defaults: ResolvedCallOptions,
  declared: DeclaredOptions<CallOptions> = callOptionsDeclaration,
): ResolvedCallOptions {
  if (options === undefined) return defaults;
  // Each option read once (attack23): read again after the check, a getter gave it
  // `timeoutMs: 30000` and the timer NaN. `retry`'s and `headers`' fields are read once by their
  // merge below (resolveRetryPolicy checks a copy; checkHeaders builds its own object), so they
  // need no copy here. A run's own are resolved once per run (resolveModelCallOptions), so this
  // copies per run, not per step.
  const {
    signal,
    onRetry,
    onResponse,
    beforeSend,
    timeoutMs,
    retry,
    headers: given,
  } = checkOptionsCopy(declared, options);
  let headers = defaults.headers;
  let secrets = defaults.secrets;
  if (given !== undefined) {
    const extra = checkHeaders(given, 'options.headers') ?? {};
    const authHeader = client.auth === 'bearer' ? 'authorization' : 'x-goog-api-key';
    if (authHeader in extra) {
      throw new InvalidArgumentError({
        argument: `options.headers.${authHeader}`,
        message: `options.headers must not set ${authHeader}: the client sends the key; make another client for another key.`,
      });
    }
    // `extra` cannot hold the auth header (refused above), so the client's stays. Copying it over
    // again sent "x-goog-api-key: undefined" with every Vertex call that had headers (Vertex's
    // client headers hold no key: its bearer token is added per attempt).
    headers = { ...defaults.headers, ...extra };
    const own = secretsOfHeaders(extra);
    // Never a copy of the client's list: it learns secrets after this point (Vertex tokens).
    if (own.length > 0) secrets = client.secrets.withCall(own);
  }
  return {
    signal,
    onRetry,
    timeoutMs: timeoutMs ?? defaults.timeoutMs,
    retry: resolveRetryPolicy(retry, defaults.retry, 'options.retry'),
    headers,
    secrets,
    onResponse,
    record: undefined,
    beforeSend,
  };
}
