import type { Agent } from '../agent/create-agent.ts';
import { createApiCallError } from '../errors/api-call/create-api-call-error.ts';
import { ApiCallError } from '../errors/api-call-error.ts';
import { createNetworkError } from '../errors/create-network-error.ts';
import { ResponseTooLargeError } from '../errors/response-too-large-error.ts';
import { TimeoutError } from '../errors/timeout-error.ts';
import { createAttemptSignal } from '../http/attempts/create-attempt-signal.ts';
import { capResponseBody } from '../http/transport/cap-response-body.ts';
import { isRedirectResponse } from '../http/transport/redirect-target.ts';
import {
  checkOptionsCopy,
  type DeclaredOptions,
  defineOptions,
  describeValue,
  integerOption,
  optionCheck,
  withDefaults,
} from '../options/define-options.ts';
import { MIN_KEY_LENGTH } from '../shared/redact-secrets.ts';
import { liveAgentOf } from './live-agent.ts';
import { type LiveSessionOptions, liveSessionOptions } from './live-session-options.ts';
import { liveSetupFor } from './live-setup.ts';

/** The most bytes of the token endpoint's answer read (a token's is a few hundred). */
const MAX_TOKEN_ANSWER_BYTES = 1024 * 1024;
/** The options of {@link createLiveToken}: the session it locks, and the token's limits. */
export type LiveTokenOptions = Pick<
  LiveSessionOptions,
  | 'model'
  | 'modality'
  | 'transcripts'
  | 'speechConfig'
  | 'realtimeInputConfig'
  | 'contextWindowTokens'
  | 'contextWindowCompression'
  | 'toolBehavior'
> & {
  /** Sessions the token may start; 0 is no limit. Resuming is not a use. @defaultValue 1 */
  uses?: number | undefined;
  /** When its sessions' messages start being refused (under 20 hours away). @defaultValue in 30 minutes */
  expireTime?: Date | undefined;
  /** When it stops starting new sessions (under 20 hours away). @defaultValue in 60 seconds */
  newSessionExpireTime?: Date | undefined;
  signal?: AbortSignal | undefined;
};

/** The defaults of {@link LiveTokenOptions}, declared once. @internal */
export const LIVE_TOKEN_DEFAULTS: { readonly uses: number } = { uses: 1 };

const dateOption = optionCheck(
  // An Invalid Date threw a RangeError from toISOString, naming no option.
  (value) => value instanceof Date && !Number.isNaN(value.getTime()),
  (path, value) => `${path} must be a valid Date; got ${describeValue(value)}.`,
);

const sessionChecks = liveSessionOptions.checks;

/**
 * The check of {@link LiveTokenOptions}: the session options a token locks are checked as a
 * session's are (the same checks), the token's own limits here. Before it, none were checked: a
 * misspelt `modalty` minted a text token without a word. @internal
 */
export const liveTokenOptions: DeclaredOptions<LiveTokenOptions> = defineOptions<LiveTokenOptions>({
  name: 'createLiveToken',
  example: "{ model: 'gemini-3.1-flash-live-preview', modality: 'audio', uses: 1 }",
  checks: {
    model: sessionChecks.model,
    modality: sessionChecks.modality,
    transcripts: sessionChecks.transcripts,
    speechConfig: sessionChecks.speechConfig,
    realtimeInputConfig: sessionChecks.realtimeInputConfig,
    contextWindowTokens: sessionChecks.contextWindowTokens,
    contextWindowCompression: sessionChecks.contextWindowCompression,
    toolBehavior: sessionChecks.toolBehavior,
    uses: integerOption({
      min: 0,
      message: (path, value) =>
        `${path} must be a whole number, 0 for no limit; got ${describeValue(value)}.`,
    }),
    expireTime: dateOption,
    newSessionExpireTime: dateOption,
    signal: sessionChecks.signal,
  },
});

/** An ephemeral token: give `name` to the page, which opens its session with it. */
export type LiveToken = {
  /** `auth_tokens/...`: the page's `createGemini({ apiKey: token.name })`. */
  name: string;
  expireTime: string | undefined;
  newSessionExpireTime: string | undefined;
};

/**
 * Mints an ephemeral token for a browser's live session (`POST /v1alpha/auth_tokens`, as
 * @google/genai's `authTokens.create` does), so the API key never reaches the page. The token
 * locks the session to the agent's setup (model, tools, instructions, options): the body carries
 * `bidiGenerateContentSetup` without a `fieldMask`, which @google/genai documents as "Lock all
 * fields" (src/tokens.ts, convertBidiSetupToTokenSetup). The page opens its session with
 * `createGemini({ apiKey: token.name })` and an agent with the same tools: an `auth_tokens/` key
 * goes to `BidiGenerateContentConstrained` as `?access_token=`, on v1alpha.
 *
 * @throws {@link ApiCallError} when the API refuses; {@link InvalidArgumentError} for bad options.
 */
export async function createLiveToken(
  agent: Agent<unknown>,
  given: LiveTokenOptions = {},
): Promise<LiveToken> {
  // Checked, and each option read once, before anything is sent.
  const options = checkOptionsCopy(liveTokenOptions, given);
  const { options: agentOptions, client } = liveAgentOf(agent, 'createLiveToken');
  const { uses } = withDefaults(LIVE_TOKEN_DEFAULTS, options);
  const setup = liveSetupFor(agentOptions, options)['setup'];
  const body: Record<string, unknown> = { uses, bidiGenerateContentSetup: setup };
  if (options.expireTime !== undefined) body['expireTime'] = options.expireTime.toISOString();
  if (options.newSessionExpireTime !== undefined) {
    body['newSessionExpireTime'] = options.newSessionExpireTime.toISOString();
  }
  const url = `${client.baseUrl.replace(/\/+$/, '')}/v1alpha/auth_tokens`;
  // The client's time limit, as every other call of it has: a gateway that never answers (or
  // never ends its body) held this call for good when the caller gave no signal (attack47a).
  const attempt = createAttemptSignal({ signal: options.signal, timeoutMs: client.timeoutMs });
  let text: string;
  try {
    text = await requestToken(client, url, JSON.stringify(body), attempt.signal);
  } catch (error) {
    if (!attempt.timedOut) throw error;
    throw new TimeoutError({
      timeoutMs: client.timeoutMs,
      operation: 'authTokens.create',
      message: `authTokens.create got no whole answer within the client's timeoutMs (${client.timeoutMs} ms). Check that the baseUrl reaches the Gemini API, or raise timeoutMs.`,
    });
  } finally {
    attempt.dispose();
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Reported below, as an answer without a token name.
  }
  // `null` read `.name` of null: a bare TypeError (attack47a).
  const token = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as {
    name?: unknown;
    expireTime?: unknown;
    newSessionExpireTime?: unknown;
  };
  if (typeof token.name !== 'string' || !token.name.startsWith('auth_tokens/')) {
    throw createApiCallError({
      url,
      method: 'authTokens.create',
      status: 200,
      body: 'the auth_tokens response has no token name',
      redact: client.secrets.values,
    });
  }
  // The name goes to the page, so a gateway that names the token after the key would hand the
  // key to every visitor: refused by value, the name not quoted (attack47a).
  const name = token.name;
  if (
    client.secrets.values.some((secret) => secret.length >= MIN_KEY_LENGTH && name.includes(secret))
  ) {
    throw new ApiCallError({
      message:
        "authTokens.create: the token name the server answered holds the client's API key, so it was not handed out (the page would get the key). Check that the baseUrl points at the Gemini API.",
      url,
      method: 'authTokens.create',
      status: 200,
      isRetryable: false,
    });
  }
  return {
    name,
    expireTime: typeof token.expireTime === 'string' ? token.expireTime : undefined,
    newSessionExpireTime:
      typeof token.newSessionExpireTime === 'string' ? token.newSessionExpireTime : undefined,
  };
}

/**
 * Sends the mint request and reads its answer (capped), failing typed for a redirect or an error
 * status; `signal` bounds both the request and the body.
 */
async function requestToken(
  client: ReturnType<typeof liveAgentOf>['client'],
  url: string,
  body: string,
  signal: AbortSignal,
): Promise<string> {
  const fetchFunction = client.fetch ?? globalThis.fetch;
  let response: Response;
  try {
    response = await fetchFunction(url, {
      method: 'POST',
      headers: client.headers,
      body,
      signal,
      // Never followed, as the client's own calls: fetch drops only `Authorization` on a
      // cross-origin redirect, never `x-goog-api-key`, so the key went to whatever host a
      // gateway's Location named, which then minted the page's token (attack12).
      redirect: 'manual',
    });
  } catch (error) {
    throw createNetworkError({
      url,
      method: 'authTokens.create',
      cause: error,
      redact: client.secrets.values,
    });
  }
  if (isRedirectResponse(response)) {
    await response.body?.cancel().catch(() => {});
    throw new ApiCallError({
      message: `authTokens.create got a redirect (HTTP ${response.status}). gemloop does not follow redirects, so the API key is never sent to another host: set baseUrl to the address the server redirects to, or fix the proxy.`,
      url,
      method: 'authTokens.create',
      status: response.status,
      isRetryable: false,
    });
  }
  // A token's answer is a few hundred bytes: 1 MiB is far past any real one, and an endless body
  // (a proxy's, a wrong baseUrl) was read whole before.
  const text = await capResponseBody(response, {
    maxBytes: MAX_TOKEN_ANSWER_BYTES,
    tooLarge: (receivedBytes) =>
      new ResponseTooLargeError({
        message: `authTokens.create got an answer of more than ${MAX_TOKEN_ANSWER_BYTES} bytes (HTTP ${response.status}): the rest was not read. A token's answer is far smaller: check the baseUrl.`,
        url,
        method: 'authTokens.create',
        status: response.status,
        maxBytes: MAX_TOKEN_ANSWER_BYTES,
        receivedBytes,
      }),
  }).text();
  if (!response.ok) {
    throw createApiCallError({
      url,
      method: 'authTokens.create',
      status: response.status,
      body: text,
      responseHeaders: response.headers,
      auth: client.auth,
      redact: client.secrets.values,
    });
  }
  return text;
}
