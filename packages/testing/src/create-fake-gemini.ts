import { type AsyncDispose, copyOptions } from '@gemloop/core/internal';
import { serveFakeOverHttp } from '#platform/serve-fake-over-http';
import { checkFakeFault, checkFakeOptions, checkListenOptions } from './check-fake-options.ts';
import { finishFakeInteraction } from './endpoints/run-fake-interaction.ts';
import type { FakeFault, FakeFaultRule } from './script/fake-faults.ts';
import { turn } from './script/fake-turn.ts';
import type {
  CreateFakeGeminiOptions,
  FakeRecordedRequest,
  FakeScript,
} from './script/fake-types.ts';
import { createFakeMswHandlers } from './serve/create-fake-msw-handlers.ts';
import type { FakeMswHandler } from './serve/fake-msw-handler.ts';
import { handleFakeRequest } from './serve/handle-fake-request.ts';
import type { FakeHttpServer, FakeServerAddress } from './serve/serve-fake-over-http.ts';
import { handleFetchRequest } from './serve/to-fetch-response.ts';
import type { FakeState } from './state/fake-state.ts';
import type { FakeWebhookDelivery } from './state/fake-webhook.ts';
import { createSeededRandom } from './state/seeded-random.ts';
import { createServedFields } from './state/served-fields.ts';

/**
 * A fake Gemini API made by {@link createFakeGemini}: one request handler, served over a real
 * HTTP port (`listen`), as msw handlers (`handlers`), or in-process (`fetch`).
 */
export type FakeGemini = {
  /**
   * Starts an HTTP server on 127.0.0.1 (a free port unless given) and returns its address; give
   * `url` to the client as `baseUrl`. Calling it again returns the running server's address.
   * On a loopback address it answers a Host of a loopback address or `localhost` only, and 421
   * to any other name (a web page reaching it through DNS rebinding).
   */
  listen(options?: {
    port?: number | undefined;
    host?: string | undefined;
    /**
     * Answer CORS preflights and allow every origin, for a client in a browser page served from
     * another origin. @defaultValue false
     */
    cors?: boolean | undefined;
    /**
     * The largest request body the server reads, in bytes: a larger one gets a 413 with a Google
     * error body, unread. @defaultValue `DEFAULT_FAKE_MAX_BODY_BYTES` (100 MiB, what the API takes)
     */
    maxBodyBytes?: number | undefined;
  }): Promise<FakeServerAddress>;
  /** The base URL of the running server. Throws before `listen()`. */
  readonly url: string;
  /** Stops the HTTP server (open connections included). Safe to call twice. */
  close(): Promise<void>;
  /** `close()`, for `await using fake = createFakeGemini(...)`. */
  [Symbol.asyncDispose]: AsyncDispose;
  /**
   * A `fetch` that answers in-process, without a socket: `createGemini({ fetch: fake.fetch })`.
   * Any base URL works.
   */
  readonly fetch: typeof globalThis.fetch;
  /**
   * msw request handlers that answer requests under `baseUrl` with this fake, for suites that
   * already run msw: `setupServer(...fake.handlers())`. Needs the optional peer `msw`.
   * @param baseUrl @defaultValue `https://generativelanguage.googleapis.com`
   */
  handlers(baseUrl?: string): FakeMswHandler[];
  /** Every request received, in order, keys redacted (the latest `keepRequests` of them). */
  readonly requests: readonly FakeRecordedRequest[];
  /** The model calls only (`generateContent` and `streamGenerateContent`). */
  readonly modelRequests: readonly FakeRecordedRequest[];
  /** The last request received. */
  readonly lastRequest: FakeRecordedRequest | undefined;
  /** How many scripted turns were delivered whole. */
  readonly turnsDelivered: number;
  /** Adds a fault rule (checked after the ones given at creation). */
  addFault(rule: FakeFaultRule): void;
  /** Makes the next `times` model calls fail with `fault` (checked before every other rule). */
  failNext(fault: FakeFault, times?: number): void;
  /**
   * Makes every continuation token issued so far expire (as a durable run resumed hours later
   * finds them): a request that sends one gets a 400.
   */
  expireContinuationTokens(): void;
  /**
   * Finishes background interaction `id` now (its scripted turn runs), whatever
   * `backgroundPolls` or `holdBackground` say, and delivers its `interaction.*` event to the
   * webhooks registered on the fake (`/v1beta/webhooks`), signed as the Gemini API signs them.
   * Resolves with the deliveries once every receiver answered.
   */
  finishInteraction(id: string): Promise<FakeWebhookDelivery[]>;
  /** The webhook deliveries the fake made, oldest first. */
  readonly webhookDeliveries: readonly FakeWebhookDelivery[];
  /** Replaces the script and starts it from its first turn. */
  setScript(script: FakeScript): void;
  /** Forgets the requests, rewinds the script, and resets the fault rules' counters. */
  reset(): void;
};

/**
 * Creates a fake Gemini API that behaves like the real one where a client can tell: the same
 * routes, auth, error bodies and texts, stream framing and chunking, thought signatures and
 * function-call ids on Gemini 3, and the same refusals of malformed requests (roles, function
 * call/response pairing, missing or foreign signatures, schema keywords, tool combinations,
 * thinking settings). Answers come from a script of turns; faults (429, 503, resets, broken
 * streams, safety stops) are injected on demand or at random with a seed.
 *
 * @example
 * ```ts
 * import { createFakeGemini, turn } from '@gemloop/testing';
 *
 * await using fake = createFakeGemini({
 *   script: [
 *     turn.calls([{ name: 'get_weather', args: { city: 'Paris' } }]),
 *     turn.text('It is 18 °C and sunny in Paris.'),
 *   ],
 * });
 * const { url } = await fake.listen();
 * const gemini = createGemini({ baseUrl: url, apiKey: 'test-key' });
 * ```
 */
export function createFakeGemini(given: CreateFakeGeminiOptions = {}): FakeGemini {
  // Each option read once (attack20): the fake read them again at each request, so a getter could
  // give the check one `apiKeys` list and the auth check another.
  const options = copyOptions(given);
  checkFakeOptions(options);
  const state: FakeState = {
    options,
    script: options.script ?? (() => turn.text('OK')),
    random: createSeededRandom(options.seed ?? 1),
    requests: [],
    requestsReceived: 0,
    faultRules: (options.faults ?? []).map((rule) => ({ rule, used: 0 })),
    modelCalls: 0,
    turnsDelivered: 0,
    chunkSize: Math.max(1, options.chunkSize ?? 48),
    prettyJson: options.prettyJson ?? true,
    capabilities: new Map(),
    caches: new Map(),
    implicitCache: new Map(),
    continuations: new Map(),
    files: new Map(),
    goneFiles: new Set(),
    uploads: new Map(),
    batches: new Map(),
    fileSearchStores: new Map(),
    storeOperations: new Map(),
    interactions: new Map(),
    interactionCounter: 0,
    agents: new Map(),
    environments: new Map(),
    webhooks: new Map(),
    triggers: new Map(),
    resourceCounter: 0,
    webhookDeliveries: [],
    deliveryCounter: 0,
    fileCounter: 0,
    batchCounter: 0,
    uploadChunks: 0,
    servedFields: createServedFields(),
    gatewayMistakes: new Set(
      typeof options.gatewayMistakes === 'string'
        ? [options.gatewayMistakes]
        : (options.gatewayMistakes ?? []),
    ),
  };
  const handle = (request: Parameters<typeof handleFakeRequest>[1]) =>
    handleFakeRequest(state, request);
  const fetchHandler = (request: Request, signal?: AbortSignal): Promise<Response> =>
    handleFetchRequest(handle, request, signal);
  let server: FakeHttpServer | undefined;
  let starting: Promise<FakeHttpServer> | undefined;

  const close = async (): Promise<void> => {
    const running = server ?? (await starting?.catch(() => undefined));
    server = undefined;
    starting = undefined;
    await running?.close();
  };

  return {
    async listen(listenOptions = {}) {
      if (server === undefined) {
        checkListenOptions(listenOptions);
        starting ??= serveFakeOverHttp(handle, listenOptions);
        server = await starting;
      }
      return { url: server.url, host: server.host, port: server.port };
    },
    get url() {
      if (server === undefined) {
        throw new Error('The fake Gemini server is not listening: await fake.listen() first.');
      }
      return server.url;
    },
    close,
    [Symbol.asyncDispose]: close,
    // The Request is made without the caller's signal, which is handed over beside it: a Request
    // made with a signal follows it through a WeakRef (undici's request.js), and V8 keeps what a
    // WeakRef points at until the event loop turns. An in-process fetch answers from promises
    // alone, so a loop of runs against it never turned it: ~2 KB a request stayed alive for the
    // whole loop (an agent's abort controllers and their listeners; 4 MB per 500 runs of a
    // four-step agent).
    fetch: (input, init) => {
      const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
      return fetchHandler(new Request(input, { ...init, signal: null }), signal ?? undefined);
    },
    handlers: (baseUrl) => createFakeMswHandlers(fetchHandler, baseUrl),
    get requests() {
      return state.requests;
    },
    get modelRequests() {
      return state.requests.filter(
        (request) =>
          request.method === 'generateContent' || request.method === 'streamGenerateContent',
      );
    },
    get lastRequest() {
      return state.requests[state.requests.length - 1];
    },
    get turnsDelivered() {
      return state.turnsDelivered;
    },
    addFault(rule) {
      checkFakeFault(rule?.fault, 'addFault(rule).fault');
      state.faultRules.push({ rule, used: 0 });
    },
    failNext(fault, times = 1) {
      checkFakeFault(fault, 'failNext(fault)');
      const first = state.modelCalls;
      state.faultRules.unshift({
        rule: { fault, on: ({ callIndex }) => callIndex >= first, times },
        used: 0,
      });
    },
    async finishInteraction(id) {
      const interaction = state.interactions.get(id);
      if (interaction === undefined) {
        throw new Error(`finishInteraction: the fake holds no interaction ${String(id)}.`);
      }
      const { deliveries } = await finishFakeInteraction(state, interaction);
      return deliveries;
    },
    get webhookDeliveries() {
      return state.webhookDeliveries;
    },
    expireContinuationTokens() {
      for (const issued of state.continuations.values()) issued.expired = true;
    },
    setScript(script) {
      checkFakeOptions({ script });
      state.script = script;
      state.turnsDelivered = 0;
    },
    reset() {
      state.requests.length = 0;
      state.requestsReceived = 0;
      state.modelCalls = 0;
      state.turnsDelivered = 0;
      state.servedFields = createServedFields();
      for (const active of state.faultRules) active.used = 0;
    },
  };
}
