import { unloadedErrorOf } from '../../errors/api-call-error-of.ts';
import { isLevelEnabled } from '../../logging/logger.ts';
import type { RetryEvent } from '../../retry/with-retry.ts';
import { untilAborted } from '../../shared/until-aborted.ts';
import type { UsageMetadata } from '../../wire/response.ts';
import type { ResponseInfo } from '../gemini.ts';
import type { ResolvedCallOptions } from '../options/resolve-call-options.ts';
import type { ResolvedClientOptions } from '../options/resolve-client-options.ts';
import { selectTransport } from '../transport/select-transport.ts';
import type { TransportResponse } from '../transport/transport.ts';
import { type AttemptSignal, createAttemptSignal } from './create-attempt-signal.ts';
import { logAttempt, logBody, logRetry } from './log-attempt.ts';
import { reportRetry } from './report-retry.ts';
import type { SentRequest } from './status-error.ts';
import { type AttemptError, toAttemptError } from './to-attempt-error.ts';

/** One call of the API, unary or streamed, as {@link sendWithRetry} sends it. */
export type SendWithRetryOptions = {
  client: ResolvedClientOptions;
  call: ResolvedCallOptions;
  /** The API method, for logs and errors: `generateContent`, `caches.create`, ... */
  method: string;
  /** The model path, for logs. */
  model?: string | undefined;
  url: string;
  httpMethod: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /**
   * The serialised body (serialised once, before the first attempt), or the raw bytes of an upload
   * chunk (never logged).
   */
  body?: string | Uint8Array | undefined;
  /** Whether a failure may be retried. @defaultValue an `ApiCallError` with `isRetryable` */
  isRetryable?: ((error: unknown) => boolean) | undefined;
};

/**
 * Reads a 2xx response within its attempt: under the attempt's time limit and signal. What it
 * throws fails the attempt (and is retried when `isRetryable` says so). It sets
 * `attempt.waitingFor` before each wait, for the message of a time-out.
 */
export type ReadResponse<T, O extends SendWithRetryOptions = SendWithRetryOptions> = (
  response: TransportResponse,
  attempt: Attempt<T, O>,
) => Promise<T>;

/** What an attempt's debug line adds to model, method, attempt, status and latency. */
export type AttemptOutcome = {
  usage?: UsageMetadata | undefined;
  /** Stream only: how many chunks were delivered. */
  chunks?: number | undefined;
  /** Stream only: time to the response headers. */
  headersMs?: number | undefined;
};

/**
 * The one request path of every call, unary and streamed, on either transport: attempts with
 * their own time limit and signal, sent (redirects refused, a non-2xx status thrown as an
 * `ApiCallError`), told to `onResponse`, read by `options.read`, retried by the retry policy
 * (honouring RetryInfo / Retry-After), each failure classified (caller's abort, time-out, network,
 * typed error) and scrubbed of secrets, with a debug line per attempt and an info line per retry.
 *
 * Resolves with the attempt that succeeded, still open: its signal keeps the caller's abort and
 * the time limit working for whatever reads on (a stream's later chunks). The caller ends it with
 * {@link Attempt.succeed} or {@link Attempt.fail}.
 *
 * The first attempt is this function's own body, and the retries start from its failure: neither
 * a function that only forwards nor the retry machinery (its options, closures and two promises
 * a call) lies between the caller and the transport for a call that succeeds at once (issue 53
 * item 8, agent/request-path-depth.test.ts). `retry` is this function's own, for attempts 2 and
 * later (made by `retryFailed`).
 * @internal
 */
export async function sendWithRetry<T, O extends SendWithRetryOptions>(
  options: O,
  // Apart from the options rather than in them: callers pass their own options object as it is
  // (a spread of it plus this field measured 0.1 to 0.2 us per call on Node 20, for nothing).
  read: ReadResponse<T, O>,
  retry?: { number: number; debug: boolean } | undefined,
): Promise<Attempt<T, O>> {
  const { client, call } = options;
  const number = retry?.number ?? 1;
  // Checked once per call: with logging off (the default) no log fields are built at all.
  const debug = retry?.debug ?? startCall(options);
  // An attempt behind `beforeSend` is admitted first, and only then made, so that its time limit
  // does not run while it waits for admission (a rate limit may hold it for a whole period).
  const answered = call.beforeSend === undefined ? undefined : await admitted(options, number);
  const attempt = new Attempt<T, O>(options, read, number, debug);
  if (typeof answered === 'function') attempt.answered = answered as () => void;
  try {
    let headers = call.headers;
    if (client.vertex !== undefined) {
      // Within the attempt: a token function that never settles meets the time limit.
      attempt.waitingFor = 'the Vertex AI access token';
      headers = await client.vertex.authorize(headers, attempt.signal);
      attempt.waitingFor = 'the response headers';
    }
    let response: TransportResponse;
    try {
      // A promise only while the node transport loads (the first request of a process).
      const selected = selectTransport(client);
      const transport = 'send' in selected ? selected : await selected;
      // The transport is called here, not through a function that only forwards (issue 53 item
      // 8): the request's failures are mapped by status-error.ts once they happened.
      try {
        response = await transport.send({
          url: options.url,
          method: options.httpMethod,
          headers,
          body: options.body,
          signal: attempt.signal,
        });
      } catch (error) {
        throw (await requestErrors()).sendError(error, sentRequest(attempt));
      }
      const { status } = response;
      // A 2xx response is returned unread; any other status is thrown before anything reads it.
      if (status < 200 || status >= 300) {
        throw await (await requestErrors()).statusError(response, sentRequest(attempt));
      }
    } finally {
      // The API has answered (or never will): an admission step may count the request as seen.
      if (attempt.answered !== undefined) attempt.tellAnswered();
    }
    attempt.status = response.status;
    attempt.response = response;
    if (call.onResponse !== undefined || call.record !== undefined) {
      const info = new AttemptResponseInfo(response, attempt.number);
      if (call.record !== undefined) call.record.info = info;
      try {
        call.onResponse?.(info);
      } catch {
        // Ignored, as documented on CallOptions.onResponse (and as onRetry's): an observer's bug
        // failed the call that had its answer, as "could not reach <host>... check the baseUrl"
        // (attack60b).
      }
    }
    if (attempt.debug) attempt.headersMs = performance.now() - attempt.started;
    attempt.value = await attempt.read(response, attempt);
  } catch (caught) {
    const { error } = await attempt.fail(caught);
    if (retry !== undefined || call.retry.maxRetries === 0) throw error;
    if (call.signal?.aborted) throw call.signal.reason;
    // The retry machinery loads on the first failure (most processes never retry): 1.4 KB
    // minified off what an agent app loads to run (bench/src/bundle-size, issue 53). Should that
    // load fail (a chunk lost, a page gone offline), the call ends with this attempt's typed error,
    // its status and retryability kept, rather than the load's TypeError.
    const retrying = await import('../../retry/with-retry.ts').catch(() => undefined);
    if (retrying === undefined) throw error;
    const { retryFailed } = retrying;
    return retryFailed(error, (next) => sendWithRetry(options, read, { number: next, debug }), {
      policy: call.retry,
      signal: call.signal,
      isRetryable: options.isRetryable,
      onRetry: (event: RetryEvent) => {
        logRetry(client.logger, {
          method: options.method,
          attempt: event.attempt,
          delayMs: event.delayMs,
          isServerDelay: event.isServerDelay,
        });
        reportRetry(call.onRetry, event);
      },
    });
  }
  // As p-retry does (and `retryAfter`): a first attempt's result that arrives after the caller
  // aborted is not returned when the call may be retried.
  if (retry === undefined && call.retry.maxRetries !== 0 && call.signal?.aborted) {
    throw call.signal.reason;
  }
  return attempt;
}

/**
 * status-error.ts (a failed request's error: its body read, a refused redirect), loaded on the
 * first failure: 2.2 KB minified a run that succeeds never executes, off what the agent app loads
 * (bench/RESULTS.md, "bytes42"). Should the load itself fail (a chunk that 404s, a page that lost
 * its network), a transport's rejection stays as it is, for the attempt to classify, and a failed
 * status still makes an `ApiCallError` with that status and its retryability.
 */
function requestErrors(): Promise<RequestErrors> {
  return import('./status-error.ts').catch((cause: unknown) => ({
    sendError: (error: unknown) => error,
    statusError: (response: TransportResponse, sent: SentRequest) =>
      unloadedErrorOf({ ...sent, status: response.status }, cause),
  }));
}

/**
 * Loads status-error.ts now, as a request's first failure would (see `preloadFailurePath`); a
 * failed load is left for that failure, which makes its error without it.
 * @internal
 */
export async function preloadRequestErrors(): Promise<void> {
  await requestErrors();
}

/** What status-error.ts gives the attempt. */
type RequestErrors = {
  sendError(error: unknown, sent: SentRequest): unknown;
  statusError(response: TransportResponse, sent: SentRequest): unknown;
};

/**
 * What a call does before its first attempt: the caller's abort checked, the request body logged
 * at `trace`. Returns whether the attempts write debug lines.
 */
function startCall(options: SendWithRetryOptions): boolean {
  const { client, call } = options;
  // `aborted`, not `throwIfAborted()`: on Node 20 every AbortSignal has a map of its own, so each
  // property name a run reads from its signal misses V8's caches once a run (~2k instructions);
  // the loop reads `aborted` already (bench/RESULTS.md, "The streamed step toward d5ff9c8's").
  if (call.signal?.aborted) throw call.signal.reason;
  const { logger } = client;
  if (typeof options.body === 'string' && isLevelEnabled(logger, 'trace')) {
    logBody(
      logger,
      { method: options.method, direction: 'request' },
      options.body,
      call.secrets.values,
    );
  }
  return isLevelEnabled(logger, 'debug');
}

/**
 * An attempt's admission by `beforeSend`: what it returned (called once the request is
 * answered). The caller's abort ends the call at once, as documented on `signal`, even when the
 * admission never looks at the signal; a slot it grants afterwards is handed back at once, unused.
 */
function admitted(options: SendWithRetryOptions, number: number): Promise<unknown> {
  const { call } = options;
  const admit = call.beforeSend as NonNullable<ResolvedCallOptions['beforeSend']>;
  const admission = Promise.resolve(
    admit({
      attempt: number,
      method: options.method,
      model: options.model,
      signal: call.signal,
      timeoutMs: call.timeoutMs,
    }),
  );
  if (call.signal === undefined) return admission;
  return untilAborted(admission, call.signal, () => {
    admission.then(callAnswered, () => {});
  });
}

/** What an error of the attempt's request names; read after authorize, so a token it just
 * fetched is among the secrets scrubbed. */
function sentRequest(attempt: Attempt<unknown, SendWithRetryOptions>): SentRequest {
  const { client, call, url, method } = attempt.options;
  return {
    url,
    method,
    signal: attempt.signal,
    attempt: attempt.number,
    auth: client.auth,
    redact: call.secrets.values,
  };
}

/** Calls what an admission returned, if a function; what it throws is ignored. */
function callAnswered(answered: unknown): void {
  if (typeof answered !== 'function') return;
  try {
    answered();
  } catch {
    // Ignored, as documented on CallOptions.beforeSend.
  }
}

/**
 * One attempt of a call: its signal (the caller's abort plus the time limit), its status once
 * known, what it waits for, and, once read, its value.
 * @internal
 */
export class Attempt<T = unknown, O extends SendWithRetryOptions = SendWithRetryOptions> {
  /** 1-based. */
  readonly number: number;
  readonly signal: AttemptSignal;
  /** Whether a debug line is written (checked once per call). */
  readonly debug: boolean;
  /** When the attempt started (`performance.now()`), only measured when `debug`. */
  readonly started: number;
  /** Time to the response headers, only measured when `debug`. */
  headersMs: number | undefined = undefined;
  status: number | undefined = undefined;
  /** The 2xx response once its headers came: its headers go on the error of a body that failed. */
  response: TransportResponse | undefined = undefined;
  /** What the attempt waits for, for the message of a time-out. */
  waitingFor = 'the response headers';
  /** What `read` returned (set once the attempt succeeded). */
  value: T = undefined as T;
  /** What `beforeSend` returned, called once the request was answered or failed. */
  answered: (() => void) | undefined = undefined;
  /** The call's options, as given to {@link sendWithRetry}. */
  readonly options: O;
  readonly read: ReadResponse<T, O>;

  constructor(options: O, read: ReadResponse<T, O>, number: number, debug: boolean) {
    this.options = options;
    this.read = read;
    this.number = number;
    this.debug = debug;
    this.started = debug ? performance.now() : 0;
    this.signal = createAttemptSignal({
      signal: options.call.signal,
      timeoutMs: options.call.timeoutMs,
      timers: options.client.timers,
    });
  }

  /** Calls {@link Attempt.answered} once; what it throws is ignored (an observer's bug). */
  tellAnswered(): void {
    const answered = this.answered;
    this.answered = undefined;
    try {
      answered?.();
    } catch {
      // Ignored, as documented on CallOptions.beforeSend.
    }
  }

  /** Ends the attempt as a success: its debug line, and its time limit stops. */
  succeed(outcome?: AttemptOutcome): void {
    this.signal.dispose();
    if (this.debug) this.#log(outcome, undefined);
  }

  /**
   * Ends the attempt as a failure: aborts it (releasing the connection), stops its time limit, and
   * resolves with what to throw, boxed (see `toAttemptError`), after its debug line. A 401 on
   * Vertex drops the token, so the next attempt or call fetches a new one. Aborted and stopped at
   * once; the error is a promise because a network failure's message loads on the first one
   * (bytes42).
   */
  async fail(caught: unknown, outcome?: AttemptOutcome): Promise<AttemptError> {
    const { client, call } = this.options;
    if (client.vertex !== undefined && statusOf(caught) === 401) client.vertex.invalidateToken();
    this.signal.abort();
    this.signal.dispose();
    const failed = await toAttemptError(caught, {
      url: this.options.url,
      method: this.options.method,
      attempt: this.number,
      attemptSignal: this.signal,
      signal: call.signal,
      timeoutMs: call.timeoutMs,
      waitingFor: this.waitingFor,
      redact: call.secrets.values,
      fetchGiven: client.fetch !== undefined,
      status: this.status,
      headers: this.response === undefined ? undefined : () => this.#responseHeaders(),
    });
    if (this.debug) this.#log(outcome, failed.error);
    return failed;
  }

  /** The response's headers; none when its `headers` getter throws (a custom fetch's response). */
  #responseHeaders(): Headers | undefined {
    try {
      return this.response?.headers;
    } catch {
      return undefined;
    }
  }

  #log(outcome: AttemptOutcome | undefined, error: unknown): void {
    logAttempt(this.options.client.logger, {
      model: this.options.model,
      method: this.options.method,
      attempt: this.number,
      status: this.status ?? statusOf(error),
      latencyMs: performance.now() - this.started,
      headersMs: outcome?.headersMs,
      chunks: outcome?.chunks,
      usage: outcome?.usage,
      error,
    });
  }
}

/**
 * What `onResponse` is told: the `Headers` object is built only when read (the node transport
 * holds raw headers, and building a `Headers` on every response cost more than the rest of the
 * call's bookkeeping); its `header(name)` reads one header without it (the agent reads the served service tier so).
 * @internal
 */
export class AttemptResponseInfo implements ResponseInfo {
  readonly status: number;
  readonly attempt: number;
  readonly #response: TransportResponse;

  constructor(response: TransportResponse, attempt: number) {
    this.status = response.status;
    this.attempt = attempt;
    this.#response = response;
  }

  get headers(): Headers {
    return this.#response.headers;
  }

  /** One header's value (names lower-case), or null. */
  header(name: string): string | null {
    return this.#response.header(name);
  }
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}
