import type { AgentCacheOptions } from '../agent/config/agent-options.ts';
import { ApiCallError } from '../errors/api-call-error.ts';
import { TimeoutError } from '../errors/timeout-error.ts';
import type { Gemini } from '../http/gemini.ts';
import { modelCallEntryOf } from '../http/model-call-entry.ts';
import type { Logger } from '../logging/logger.ts';
import { getMinCacheTokens } from '../models/min-cache-tokens.ts';
import type { AgentCacheReport } from '../run/agent-cache-report.ts';
import type { Redactor } from '../shared/client-redactor.ts';
import { describeThrown } from '../shared/describe-thrown.ts';
import type { Content } from '../wire/content.ts';
import { readUsageCount } from '../wire/read-usage-count.ts';
import type { GenerateContentRequest } from '../wire/request.ts';

/** The fields of a request the cache takes over (they may not be sent beside it). */
type Prefix = Pick<GenerateContentRequest, 'systemInstruction' | 'tools' | 'toolConfig'>;

/** What an agent's {@link PromptCache} is made from (its `cache` option, checked). @internal */
export type PromptCacheOptions = {
  gemini: Gemini;
  model: string;
  prefix: Prefix;
  cache: AgentCacheOptions;
  now: () => number;
  logger: Logger;
};

const DEFAULT_TTL_SECONDS = 3600;

/**
 * How long a cache whose creation failed for a passing reason (a 503, a 429, a 5xx, a network
 * error or a timeout, after the client's retries) is left unmade before it is tried again.
 */
const CREATE_RETRY_MS = 60_000;

/**
 * One agent's cache of its request prefix (system instruction, tool declarations, tool config,
 * and `cache.contents`): created on first use when the prefix reaches the model's minimum,
 * shared by every run and chat turn of the agent, its TTL refreshed once half of it has passed,
 * recreated when it expired or vanished, deleted by `close()`.
 * @internal
 */
export class PromptCache {
  readonly contents: Content[];
  readonly #gemini: Gemini;
  readonly #model: string;
  readonly #prefix: Prefix;
  readonly #ttlMs: number;
  readonly #minTokens: number;
  readonly #displayName: string;
  readonly #now: () => number;
  readonly #logger: Logger;
  /** The client's secrets out of what is logged: a gateway may put the key in a cache's name. */
  readonly #redact: Redactor;
  #status: AgentCacheReport['status'] | 'new' = 'new';
  #name: string | undefined;
  #tokens = 0;
  /**
   * When the cache expires, on this machine's clock: the TTL from when it was asked for. Not the
   * API's `expireTime`, which is on the server's clock: read against ours when ours runs ahead,
   * a cache just made looked expired, and every run made another.
   */
  #expiresAt = 0;
  #pending: Promise<string | undefined> | undefined;
  #closed = false;
  /** A TTL refresh failed: the cache is used as it is until it expires, then made again. */
  #refreshFailed = false;
  /** When a creation that failed for a passing reason may be tried again (`undefined`: never). */
  #retryCreateAt: number | undefined;
  /** The deletion of a cache given up while the agent lives ({@link ignored}; never rejects). */
  #deleting: Promise<void> | undefined;

  constructor(options: PromptCacheOptions) {
    const { cache } = options;
    this.#gemini = options.gemini;
    this.#model = options.model;
    this.#prefix = options.prefix;
    this.#ttlMs = (cache.ttlSeconds ?? DEFAULT_TTL_SECONDS) * 1000;
    this.#minTokens = cache.minTokens ?? getMinCacheTokens(options.model);
    this.#displayName = cache.displayName ?? `gemloop agent ${options.model}`.slice(0, 128);
    this.#now = options.now;
    this.#logger = options.logger.child({ component: 'prompt-cache' });
    this.#redact = modelCallEntryOf(options.gemini).redact;
    this.contents =
      cache.contents === undefined
        ? []
        : typeof cache.contents === 'string'
          ? [{ role: 'user', parts: [{ text: cache.contents }] }]
          : [...cache.contents];
  }

  /**
   * The name to send as `cachedContent`, creating or refreshing the cache first when needed, or
   * `undefined` when the prefix goes inline (too small, or caching unavailable).
   */
  acquire(): Promise<string | undefined> {
    // A retry time further ahead than its wait: the clock stepped back since (NTP, a restored VM),
    // and the prefix went inline for the step's length on top of the minute (economy68).
    const wait = this.#retryCreateAt === undefined ? 0 : this.#retryCreateAt - this.#now();
    if (
      this.#status === 'unavailable' &&
      this.#retryCreateAt !== undefined &&
      (wait <= 0 || wait > CREATE_RETRY_MS)
    ) {
      this.#retryCreateAt = undefined;
      this.#status = 'new';
    }
    if (this.#closed || this.#status === 'too-small' || this.#status === 'unavailable') {
      return Promise.resolve(undefined);
    }
    // One creation or refresh at a time, shared by concurrent runs.
    this.#pending ??= this.#ensure().finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  /** Forgets a cache the API no longer knows (expired or deleted), so the next use recreates it. */
  invalidate(name: string): void {
    if (this.#name !== name) return;
    this.#log('info', { cache: name }, 'cache vanished; recreating it');
    this.#name = undefined;
    this.#status = 'new';
  }

  /**
   * Gives the cache up for the agent's life: a cache just made was said gone at once, so the
   * server cannot serve it (from then on the prefix goes inline, as when creation failed).
   */
  unavailable(name: string): void {
    if (this.#name !== name) return;
    this.#log(
      'warn',
      { cache: name },
      'the server said the cache it just made is gone; sending the prefix inline from now on',
    );
    this.#name = undefined;
    this.#status = 'unavailable';
  }

  /**
   * Gives the cache up for the agent's life when the server answered a call sent with it as if it
   * were not there (its usage counts no cached token: a gateway that drops `cachedContent`), and
   * deletes it, which nothing will use (its storage is billed by the hour until its TTL ends).
   */
  ignored(name: string): void {
    if (this.#name !== name) return;
    this.#log(
      'warn',
      { cache: name },
      'the server answered without the cache (its usage counts no cached token); sending the prefix inline from now on',
    );
    this.#name = undefined;
    this.#status = 'unavailable';
    this.#deleting = this.#delete(name);
  }

  /** The report of a run whose steps used `savedInputTokens` cached tokens. */
  report(savedInputTokens: number): AgentCacheReport {
    return {
      status: this.#status === 'new' ? 'active' : this.#status,
      name: this.#name,
      cachedTokens: this.#tokens,
      savedInputTokens,
    };
  }

  /** Deletes the cache (a failure is logged: the TTL removes it anyway). */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#pending?.catch(() => undefined);
    await this.#deleting;
    const name = this.#name;
    this.#name = undefined;
    if (name !== undefined) await this.#delete(name);
  }

  /** Deletes a cache of this agent's (a failure is logged: the TTL removes it anyway). */
  async #delete(name: string): Promise<void> {
    try {
      await this.#gemini.caches.delete(name);
      this.#log('debug', { cache: name }, 'cache deleted');
    } catch (error) {
      this.#log(
        'warn',
        { cache: name, err: error },
        `could not delete the cache (it expires by its TTL): ${describeThrown(error)}`,
      );
    }
  }

  /** Logs with the client's secrets removed from the fields and the message. */
  #log(level: 'debug' | 'info' | 'warn', fields: Record<string, unknown>, message: string): void {
    this.#logger[level](this.#redact(fields), this.#redact(message));
  }

  async #ensure(): Promise<string | undefined> {
    const now = this.#now();
    if (this.#name !== undefined && now < this.#expiresAt) {
      // More time left than a whole TTL: the clock stepped back since the TTL was set, so how much
      // is left on the server's clock is unknown. Refreshed, as past half of it: read as it was,
      // the cache went unrefreshed for the step's length and expired under a run (economy68).
      const stepped = this.#expiresAt - now > this.#ttlMs;
      if (stepped) this.#expiresAt = now + this.#ttlMs;
      if (!this.#refreshFailed && (stepped || this.#expiresAt - now < this.#ttlMs / 2)) {
        await this.#refresh(this.#name);
      }
      if (this.#name !== undefined) return this.#name;
    }
    return this.#create();
  }

  async #refresh(name: string): Promise<void> {
    const requestedAt = this.#now();
    try {
      await this.#gemini.caches.update(name, { ttlSeconds: this.#ttlMs / 1000 });
      this.#expiresAt = requestedAt + this.#ttlMs;
      this.#log('debug', { cache: name }, 'cache TTL refreshed');
    } catch (error) {
      if (isCacheGone(error)) return this.invalidate(name);
      // The cache lives on until its TTL ends, so the run goes on with it rather than fail for an
      // optimisation (attack42b: a gateway's 503 on the update failed every run from then on).
      // Not tried again (each try would cost the client's retries on every step): at its expiry
      // a new cache is made.
      this.#refreshFailed = true;
      this.#log(
        'warn',
        { cache: name, err: error },
        `could not refresh the cache's TTL; using it until it expires: ${describeThrown(error)}`,
      );
    }
  }

  async #create(): Promise<string | undefined> {
    const request = { ...this.#prefix };
    const model = this.#model;
    try {
      const counted = await this.#gemini.countTokens({
        model,
        // countTokens needs contents; one short user turn stands in when only the instruction
        // and tools are cached (it adds a token or two, far below any minimum's margin).
        generateContentRequest: {
          ...request,
          contents:
            this.contents.length > 0 ? this.contents : [{ role: 'user', parts: [{ text: '.' }] }],
        },
      });
      this.#tokens = counted.totalTokens;
      if (counted.totalTokens < this.#minTokens) {
        this.#status = 'too-small';
        this.#log(
          'debug',
          { tokens: counted.totalTokens, minTokens: this.#minTokens },
          'prompt prefix below the minimum cache size; sending it inline',
        );
        return undefined;
      }
      const requestedAt = this.#now();
      const created = await this.#gemini.caches.create({
        model,
        displayName: this.#displayName,
        ...(request.systemInstruction === undefined
          ? {}
          : { systemInstruction: request.systemInstruction }),
        ...(request.tools === undefined ? {} : { tools: request.tools }),
        ...(request.toolConfig === undefined ? {} : { toolConfig: request.toolConfig }),
        ...(this.contents.length === 0 ? {} : { contents: this.contents }),
        ttlSeconds: this.#ttlMs / 1000,
      });
      this.#name = created.name;
      this.#tokens = readUsageCount(created.usageMetadata?.totalTokenCount) ?? this.#tokens;
      this.#expiresAt = requestedAt + this.#ttlMs;
      this.#refreshFailed = false;
      this.#status = 'active';
      this.#log('debug', { cache: created.name, tokens: this.#tokens }, 'cache created');
      if (this.#closed) {
        // Made after close() began, which waits for this creation: deleted here, not by calling
        // close() again, which waited for this very creation and never returned (attack42b).
        this.#name = undefined;
        if (created.name !== undefined) await this.#delete(created.name);
        return undefined;
      }
      return created.name;
    } catch (error) {
      if (ApiCallError.isInstance(error) && /too small/i.test(error.apiMessage ?? '')) {
        this.#status = 'too-small';
        return undefined;
      }
      this.#status = 'unavailable';
      // An overload or a network blip at the first use left a long-lived agent without its cache
      // for good, every call paying the whole prefix (attack65a): such a failure is tried again
      // a minute on, at the next call; one the server will answer the same way is not.
      const passing = isPassing(error);
      if (passing) this.#retryCreateAt = this.#now() + CREATE_RETRY_MS;
      this.#log(
        'warn',
        { err: error },
        `could not create the prompt cache; sending the prefix inline ${passing ? 'for a minute, then trying again' : 'from now on'}: ${describeThrown(error)}`,
      );
      return undefined;
    }
  }
}

/**
 * Whether a call failed because its `cachedContent` is gone: the API answers `403
 * PERMISSION_DENIED "CachedContent not found (or permission denied)"` for an expired or deleted
 * cache (some gateways a 404), and Vertex `400 INVALID_ARGUMENT "Cache content <id> is expired."`
 * (clawvisor/clawvisor#360: not a 404; every step failed until the process restarted). Another
 * 400 naming the cache (`CachedContent can not be used with ... system_instruction`) is not one.
 * @internal
 */
export function isCacheGone(error: unknown): boolean {
  const cause = (error as { cause?: unknown } | null)?.cause;
  const apiError = ApiCallError.isInstance(error)
    ? error
    : ApiCallError.isInstance(cause)
      ? cause
      : undefined;
  if (apiError === undefined) return false;
  const text = apiError.apiMessage ?? apiError.message;
  if (apiError.status === 400) return /cached? ?content\b.*\bexpired/i.test(text);
  return (apiError.status === 403 || apiError.status === 404) && /cached ?content/i.test(text);
}

/** A failure that may pass: one the client would retry (429, 5xx, network), or a timeout. */
function isPassing(error: unknown): boolean {
  return (ApiCallError.isInstance(error) && error.isRetryable) || TimeoutError.isInstance(error);
}
