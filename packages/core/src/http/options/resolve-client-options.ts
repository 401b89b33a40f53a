import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { checkLogger } from '../../logging/check-logger.ts';
import type { Logger } from '../../logging/logger.ts';
import {
  booleanOption,
  checkedWhereUsed,
  checkOptionsCopy,
  type DeclaredOptions,
  defineOptions,
  functionOption,
  type OptionCheck,
  oneOfOption,
  optionCheck,
  withDefaults,
} from '../../options/define-options.ts';
import {
  DEFAULT_RETRY_POLICY,
  type RetryPolicy,
  resolveRetryPolicy,
} from '../../retry/retry-policy.ts';
import type { AuthStyle, CredentialStyle } from '../../shared/credential-style.ts';
import { LoadOnce } from '../../shared/load-once.ts';
import { secretsOfHeaders } from '../../shared/redact-secrets.ts';
import { SecretList } from '../../shared/secret-list.ts';
import { TimerPool } from '../../shared/timer-pool.ts';
import { checkHeaders, describeUnsendable, isWrappedInQuotes } from '../check-headers.ts';
import { timeoutOption } from '../check-timeout.ts';
import type { CreateGeminiOptions } from '../gemini.ts';
import { isNode } from '../transport/is-node.ts';
import type { Transport, TransportOption } from '../transport/transport.ts';
import type { VertexAuth } from '../vertex/vertex-auth.ts';
import {
  checkVertexOptions,
  DEFAULT_VERTEX_API_VERSION,
  type ResolvedVertex,
  vertexBaseUrl,
  vertexRoot,
} from '../vertex/vertex-options.ts';
import { BASE_URL_VARIABLE, loadApiKey, loadBaseUrl } from './load-api-key.ts';
import { DEFAULT_API_VERSION, DEFAULT_BASE_URL, normalizeBaseUrl } from './normalize-base-url.ts';

/** The largest unary response body read (64 MiB): past it a call fails with ResponseTooLargeError. */
export const DEFAULT_MAX_RESPONSE_BYTES: number = 64 * 1024 * 1024;

/**
 * The most bytes of one streamed answer (128 MiB): twice the unary cap, as SSE repeats each
 * chunk's metadata, and far below what breaks a process (an answer that grew to 528 MiB failed
 * with V8's untyped "Invalid string length" while its text was joined). Past it the stream fails
 * with ResponseTooLargeError.
 */
export const DEFAULT_MAX_STREAM_BYTES: number = 128 * 1024 * 1024;

/** Time limit of one attempt. */
export const DEFAULT_TIMEOUT_MS = 120_000;

/**
 * The defaults of {@link CreateGeminiOptions} that are one value, declared once (a test holds the
 * type's `@defaultValue`s to them). `auth` is the Gemini API's; Vertex AI always takes OAuth.
 * @internal
 */
export const CLIENT_DEFAULTS: {
  readonly auth: AuthStyle;
  readonly transport: TransportOption;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  readonly maxStreamBytes: number;
} = {
  auth: 'x-goog-api-key',
  transport: 'auto',
  timeoutMs: DEFAULT_TIMEOUT_MS,
  maxResponseBytes: DEFAULT_MAX_RESPONSE_BYTES,
  maxStreamBytes: DEFAULT_MAX_STREAM_BYTES,
};

// Idle attempt timers a client keeps: as many as requests it usually has in flight.
const MAX_IDLE_TIMERS = 64;

/** {@link CreateGeminiOptions} checked, with defaults and the environment applied. */
export type ResolvedClientOptions = {
  apiKey: string;
  /**
   * The secrets to keep out of errors and logs, one live list for every call: the key and the
   * credentials among the extra `headers` (see `secretsOfHeaders`), then each credential learned
   * as it appears (Vertex access tokens, the credentials of a call's own headers).
   */
  secrets: SecretList;
  baseUrl: string;
  apiVersion: string;
  /** `${baseUrl}/${apiVersion}/`, the prefix of every request URL. */
  root: string;
  auth: CredentialStyle;
  /** The headers of every request: content type, auth, and the user's extras. */
  headers: Record<string, string>;
  fetch: typeof globalThis.fetch | undefined;
  /** How requests are sent (see `selectTransport`). */
  transport: TransportOption;
  /**
   * The injected `fetch` as a transport, made by the client's first request (`selectTransport`):
   * the fetch transport's modules load with the request path, not with the root (bench/RESULTS.md,
   * "Cold import, counted"). `undefined` until then, and always without an injected fetch.
   */
  fetchTransport: Transport | undefined;
  logger: Logger;
  retry: RetryPolicy;
  timeoutMs: number;
  /** The largest 2xx body of a unary call read, in bytes. */
  maxResponseBytes: number;
  /** The most bytes of one streamed answer, in total. */
  maxStreamBytes: number;
  /** Idle attempt timers, restarted by the next attempt (see {@link TimerPool}). */
  timers: TimerPool;
  /** Set for Vertex AI: the project and location, and the OAuth token of each attempt. */
  vertex?: (ResolvedVertex & VertexAuth) | undefined;
};

const AUTH_STYLES: readonly AuthStyle[] = ['x-goog-api-key', 'bearer'];

const TRANSPORTS: readonly TransportOption[] = ['auto', 'fetch', 'node'];

/** The options of `createGemini`, each with its check. @internal */
export const createGeminiOptions: DeclaredOptions<CreateGeminiOptions> =
  defineOptions<CreateGeminiOptions>({
    name: 'createGemini()',
    unknownKey: 'createGemini(): unknown option',
    example: 'createGemini({ apiKey })',
    checks: {
      // Read from GEMINI_API_KEY when left out, and refused with vertex: checked below.
      apiKey: checkedWhereUsed,
      // Read from GEMINI_BASE_URL when left out: checked below, the environment's too.
      baseUrl: checkedWhereUsed,
      allowInsecureHttp: booleanOption(),
      apiVersion: optionCheck(
        (value) => typeof value === 'string' && /^[A-Za-z0-9._-]+$/.test(value),
        (_path, value) =>
          `apiVersion must be a version such as 'v1beta' or 'v1'; got ${JSON.stringify(value)}.`,
      ),
      auth: oneOfOption(
        AUTH_STYLES,
        // Not echoed (attack14): `auth: 'Bearer <key>'` is the mistake it catches.
        "auth must be 'x-goog-api-key' (Google, CometAPI) or 'bearer' (Authorization: Bearer, CometAPI); the key is apiKey.",
      ),
      // Normalized and checked against the auth header below.
      headers: checkedWhereUsed,
      fetch: functionOption('fetch must be a function with the signature of globalThis.fetch.'),
      transport: oneOfOption(
        TRANSPORTS,
        (_path, value) =>
          `transport must be 'auto' (the default), 'fetch' or 'node'; got ${JSON.stringify(value) ?? String(value)}.`,
      ),
      // checkLogger also wraps the logger so that it cannot throw; resolveRetryPolicy merges
      // the fields over the defaults; checkVertexOptions resolves the location.
      logger: checkedWhereUsed,
      retry: checkedWhereUsed,
      timeoutMs: timeoutOption,
      maxResponseBytes: byteCapOption('maxResponseBytes', DEFAULT_MAX_RESPONSE_BYTES, '64 MiB'),
      maxStreamBytes: byteCapOption('maxStreamBytes', DEFAULT_MAX_STREAM_BYTES, '128 MiB'),
      vertex: checkedWhereUsed,
    },
  });

/**
 * Checks the options of `createGemini` strictly (unknown names, wrong types, bad values) and
 * applies the defaults. The result holds the key: it must stay inside the client's closure.
 * @throws {@link InvalidArgumentError} naming the option and the fix.
 * @throws {@link MissingApiKeyError} when no key is given or set in the environment.
 * @internal
 */
export function resolveClientOptions(given: CreateGeminiOptions = {}): ResolvedClientOptions {
  // Each option read once (attack20): a getter gave the check one fetch or key, the client another.
  const options = checkOptionsCopy(createGeminiOptions, given);
  const vertex = options.vertex === undefined ? undefined : checkVertexOptions(options.vertex);
  if (vertex !== undefined) {
    for (const key of ['apiKey', 'auth'] as const) {
      if (options[key] !== undefined) {
        throw new InvalidArgumentError({
          argument: key,
          message: `createGemini(): ${key} does not go with vertex; Vertex AI takes an OAuth access token (vertex.getAccessToken, or Application Default Credentials).`,
        });
      }
    }
  }
  // Vertex has no key: its secret list starts without one and learns each access token.
  const apiKey = vertex === undefined ? checkApiKey(loadApiKey(options.apiKey)) : '';

  const defaulted = withDefaults(CLIENT_DEFAULTS, options);
  const auth: CredentialStyle = vertex === undefined ? defaulted.auth : 'vertex-oauth';

  // GEMINI_BASE_URL names a Gemini API endpoint: Vertex takes only an explicit baseUrl (tests).
  const rawBaseUrl =
    vertex === undefined
      ? (loadBaseUrl(options.baseUrl) ?? DEFAULT_BASE_URL)
      : (options.baseUrl ?? vertexBaseUrl(vertex.location));
  if (typeof rawBaseUrl !== 'string') {
    throw new InvalidArgumentError({
      argument: 'baseUrl',
      message: `baseUrl must be a string such as '${DEFAULT_BASE_URL}'.`,
    });
  }
  const normalized = normalizeBaseUrl(rawBaseUrl, options.allowInsecureHttp);
  const logger = checkLogger(options.logger, 'logger');
  if (Object.hasOwn(options, 'baseUrl') && options.baseUrl === undefined) {
    const source =
      vertex !== undefined
        ? `Vertex AI's endpoint for ${vertex.location}`
        : loadBaseUrl(undefined) === undefined
          ? "Google's Gemini API, the default"
          : BASE_URL_VARIABLE;
    warnUndefinedBaseUrl(logger, normalized.baseUrl, source);
  }
  const apiVersion = checkApiVersion(
    options.apiVersion,
    normalized.apiVersion ??
      (vertex !== undefined && options.apiVersion === undefined
        ? DEFAULT_VERTEX_API_VERSION
        : undefined),
  );

  const extraHeaders = checkHeaders(options.headers, 'headers');
  const authHeader = auth === 'bearer' ? 'authorization' : 'x-goog-api-key';
  if (extraHeaders !== undefined && authHeader in extraHeaders) {
    throw new InvalidArgumentError({
      argument: `headers.${authHeader}`,
      message: `headers must not set ${authHeader}: pass the key as { apiKey } and choose the header with { auth }.`,
    });
  }
  const headers: Record<string, string> = { 'content-type': 'application/json', ...extraHeaders };
  // Vertex's bearer token is added per attempt (it is fetched and refreshed).
  if (vertex === undefined) headers[authHeader] = auth === 'bearer' ? `Bearer ${apiKey}` : apiKey;

  const transport = checkTransport(defaulted.transport, options.fetch);
  // Vertex has no key: its list starts with the header credentials and learns each access token.
  const secrets = new SecretList([
    ...(vertex === undefined ? [apiKey] : []),
    ...secretsOfHeaders(extraHeaders),
  ]);
  return {
    apiKey,
    secrets,
    baseUrl: normalized.baseUrl,
    apiVersion,
    root:
      vertex === undefined
        ? `${normalized.baseUrl}/${apiVersion}/`
        : vertexRoot(normalized.baseUrl, apiVersion, vertex),
    auth,
    headers,
    fetch: options.fetch,
    transport,
    // Declared here, set by the first request: the client keeps one shape.
    fetchTransport: undefined,
    logger,
    retry: resolveRetryPolicy(options.retry, DEFAULT_RETRY_POLICY, 'retry'),
    timeoutMs: defaulted.timeoutMs,
    maxResponseBytes: defaulted.maxResponseBytes,
    maxStreamBytes: defaulted.maxStreamBytes,
    timers: new TimerPool({ maxIdle: MAX_IDLE_TIMERS }),
    vertex:
      vertex === undefined ? undefined : { ...vertex, ...createLazyVertexAuth(vertex, secrets) },
  };
}

/**
 * The client's Vertex auth, made by its first attempt: the token source (with its loader of
 * google-auth-library) is imported then, not with the root, which must stay cheap to import
 * (bench/README.md, "Cold import"). A failed load is not kept; that attempt fails with the
 * loader's error, as any import would.
 */
function createLazyVertexAuth(vertex: ResolvedVertex, secrets: SecretList): VertexAuth {
  const auth = new LoadOnce(async () =>
    (await import('../vertex/vertex-auth.ts')).createVertexAuth(vertex, secrets),
  );
  return {
    authorize(headers, signal) {
      if (auth.value !== undefined) return auth.value.authorize(headers, signal);
      return auth.load().then((made) => made.authorize(headers, signal));
    },
    // Before the first attempt there is no token to forget.
    invalidateToken: () => auth.value?.invalidateToken(),
  };
}

/** The `transport` option against the others and the runtime (its value is checked already). */
function checkTransport(value: TransportOption, fetch: unknown): TransportOption {
  if (value === 'node' && fetch !== undefined) {
    throw new InvalidArgumentError({
      argument: 'transport',
      message:
        "transport 'node' does not use fetch, but a fetch option was given: drop one of them (an injected fetch is always used).",
    });
  }
  if (value === 'node' && !isNode) {
    throw new InvalidArgumentError({
      argument: 'transport',
      message:
        "transport 'node' needs Node.js (it sends with undici's request API); use 'auto' or 'fetch' on this runtime.",
    });
  }
  return value;
}

function checkApiKey({ apiKey, from }: { apiKey: unknown; from: string }): string {
  if (typeof apiKey !== 'string' || apiKey.trim() === '') {
    throw new InvalidArgumentError({
      argument: 'apiKey',
      message:
        'apiKey must be a non-empty string; omit it to read GEMINI_API_KEY or GOOGLE_API_KEY.',
    });
  }
  // A key copied with its header value ("Bearer AIza...") would be sent as "Bearer Bearer ..." or
  // as an x-goog-api-key the server refuses: say so before any request. Only this prefix is
  // judged: keys have no fixed shape (Google's start with AIza, CometAPI's with sk-, a gateway's
  // may be anything), so no other prefix is refused or warned about.
  if (BEARER_PREFIX.test(apiKey)) {
    throw new InvalidArgumentError({
      argument: 'apiKey',
      message:
        "apiKey starts with 'Bearer ': pass the key alone (in apiKey, GEMINI_API_KEY or GOOGLE_API_KEY). With auth: 'bearer' the client sends the 'Authorization: Bearer <key>' header itself (the key itself is not shown).",
    });
  }
  if (/[\r\n\0]/.test(apiKey) || apiKey !== apiKey.trim()) {
    // A pasted key with a newline or spaces fails on every request with a confusing 400.
    throw new InvalidArgumentError({
      argument: 'apiKey',
      message:
        'apiKey contains whitespace or a line break; remove it (the key itself is not shown).',
    });
  }
  if (isWrappedInQuotes(apiKey)) {
    throw new InvalidArgumentError({
      argument: from,
      message: `${from} is wrapped in quotes, sent as part of the key (\`docker --env-file\` keeps them); remove them (the key itself is not shown).`,
    });
  }
  const unsendable = describeUnsendable(apiKey);
  if (unsendable !== undefined) {
    // fetch refuses it on every request with a TypeError that reads like a network failure.
    throw new InvalidArgumentError({
      argument: 'apiKey',
      message: `apiKey contains a character no HTTP header can carry (${unsendable}), often a zero-width space or a typographic quote copied along with the key; remove it (the key itself is not shown).`,
    });
  }
  return apiKey;
}

/** `Bearer` and a space or more at the start of a key, in any case, after any leading spaces. */
const BEARER_PREFIX = /^\s*bearer\s/i;

/**
 * `createGemini({ baseUrl: process.env.MY_GATEWAY_URL })` with the variable unset passes an
 * explicit `undefined`, which means "the default" like a missing key does: a key meant for a
 * gateway or a test server then goes to Google. Allowed (a spread of optional settings does the
 * same on purpose), but said, with the URL the client uses.
 */
function warnUndefinedBaseUrl(logger: Logger, baseUrl: string, source: string): void {
  logger.warn(
    { baseUrl, source },
    `createGemini(): baseUrl was passed as undefined, so requests go to ${baseUrl} (${source}). ` +
      'If it came from an environment variable, that variable is unset; pass the URL, or leave baseUrl out to use the default on purpose.',
  );
}

/** The `apiVersion` option (its form checked already) against the one `baseUrl` ends in. */
function checkApiVersion(given: string | undefined, fromBaseUrl: string | undefined): string {
  if (given === undefined) return fromBaseUrl ?? DEFAULT_API_VERSION;
  if (fromBaseUrl !== undefined && fromBaseUrl !== given) {
    throw new InvalidArgumentError({
      argument: 'apiVersion',
      message: `baseUrl ends in /${fromBaseUrl} but apiVersion is '${given}'; drop the version from baseUrl or make them agree.`,
    });
  }
  return given;
}

/** A byte cap: a positive whole number of bytes, or `Infinity` for none. */
function byteCapOption(name: string, defaultValue: number, readable: string): OptionCheck {
  return optionCheck(
    (value) =>
      typeof value === 'number' &&
      value > 0 &&
      (Number.isSafeInteger(value) || value === Number.POSITIVE_INFINITY),
    (_path, value) =>
      `${name} must be a positive whole number of bytes (Infinity for no limit; the default is ${defaultValue}, ${readable}); got ${JSON.stringify(value) ?? String(value)}.`,
  );
}
