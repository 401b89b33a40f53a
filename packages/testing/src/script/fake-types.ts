import type { ModelCapabilities } from '@gemloop/core/models';
import type {
  FunctionDeclaration,
  FunctionResponse,
  GenerateContentBody,
} from '@gemloop/core/wire';
import type { FakeFaultRule } from './fake-faults.ts';
import type { FakeTurn } from './fake-turn.ts';

/** Which models the fake serves: see `CreateFakeGeminiOptions.models`. */
export type FakeModels = readonly string[] | ((model: string) => boolean) | 'pattern';

/**
 * Mistakes of gateways that serve Gemini's native format (CometAPI and others), one per value, for
 * `createFakeGemini({ gatewayMistakes })`, so a client or `gemloop probe` can be tested against
 * each:
 * - `signatures-in-text`: a function call's `thoughtSignature` moved onto a text part;
 * - `openai-chunks`: `streamGenerateContent?alt=sse` answers OpenAI `chat.completion.chunk`s;
 * - `trailing-done`: an SSE stream ends with `data: [DONE]`;
 * - `drop-call-ids`: function calls lose their `id`;
 * - `refuse-bearer`, `refuse-x-goog-api-key`: that auth header is refused with a 401;
 * - `ignore-alt-sse`: `alt=sse` is ignored (the JSON array form comes back);
 * - `no-retry-info`: error bodies lose their `RetryInfo` detail;
 * - `openai-error-body`: error bodies come in OpenAI's shape;
 * - `snake-case`: model answers (`generateContent`, each `streamGenerateContent` event) come in the
 *   proto field names (`finish_reason`, `usage_metadata`, `function_call`, `continuation_token`),
 *   as a gateway that translates proto JSON writes them, and so do the other resources' answers
 *   (token counts, models, files and uploads, caches, batches, File Search stores: `total_tokens`,
 *   `next_page_token`, `mime_type`); the caller's data is kept (the keys of `args`, of a
 *   function's `response`, of a batch item's `metadata`, a schema's property names). Interactions,
 *   webhooks and agents, snake_case by their own API, are left as they are.
 */
export type FakeGatewayMistake =
  | 'signatures-in-text'
  | 'openai-chunks'
  | 'trailing-done'
  | 'drop-call-ids'
  | 'refuse-bearer'
  | 'refuse-x-goog-api-key'
  | 'ignore-alt-sse'
  | 'no-retry-info'
  | 'openai-error-body'
  | 'snake-case';

/** The request a script turn answers. The body is as sent (it may use snake_case keys). */
export type FakeScriptRequest = {
  /** The model name from the URL, without `models/`. */
  model: string;
  stream: boolean;
  body: GenerateContentBody;
};

/** What a script function knows besides the request. */
export type FakeScriptContext = {
  /** 0-based index of this model call among all the fake received (failed ones included). */
  callIndex: number;
  /** How many scripted turns were delivered before this one. */
  turnIndex: number;
  /** Whether the fake answers as Gemini 3 (signatures, call ids). */
  gemini3: boolean;
  capabilities: ModelCapabilities;
  /** The text of the last user content that has text, if any. */
  lastUserText: string | undefined;
  /**
   * The function responses just sent back: those of the user contents that end the history (one
   * content, or several in a row, which the API reads as one turn).
   */
  functionResponses: FunctionResponse[];
  /** Every function declared in `tools`, in order. */
  functionDeclarations: FunctionDeclaration[];
  /**
   * What the fake's File Search retrieved from its stores for this call (a `fileSearch` tool
   * naming them), best first; empty without one. Write the answer from it: the fake adds the
   * citations (`groundingMetadata`) to a text turn that has none.
   */
  fileSearchResults?: readonly FakeFileSearchResult[] | undefined;
};

/** A turn computed from the request. */
export type FakeScriptFunction = (
  request: FakeScriptRequest,
  context: FakeScriptContext,
) => FakeTurn | Promise<FakeTurn>;

/**
 * What the fake answers model calls with: a list played in order (each entry a turn, or a
 * function for that one call), or one function for every call. A list that runs out, or a
 * function that throws or returns no turn (not an object), answers `400 FAILED_PRECONDITION` with
 * a message naming the call (counted from 1) and an `ErrorInfo` of domain `fake-gemini.gemloop`
 * (reason `SCRIPT_EXHAUSTED`, `SCRIPT_THREW` or `SCRIPT_RETURNED_NO_TURN`), so the client's error
 * says it came from the fake, not from Google.
 */
export type FakeScript = readonly (FakeTurn | FakeScriptFunction)[] | FakeScriptFunction;

/** A request the fake received, for assertions. Keys are redacted. */
export type FakeRecordedRequest = {
  /** 0-based, over all requests. */
  index: number;
  /** `GET`, `POST`, ... */
  httpMethod: string;
  /**
   * `generateContent`, `streamGenerateContent`, `countTokens`, `listModels`, `getModel`,
   * `caches.create`, `caches.get`, `caches.list`, `caches.update`, `caches.delete`, or `unknown`.
   */
  method: string;
  /** The model from the URL, without `models/`. */
  model: string | undefined;
  /** `streamGenerateContent`, with or without `alt=sse`. */
  stream: boolean;
  /** The `alt` query parameter (`sse` for SSE streams). */
  alt: string | undefined;
  apiVersion: string | undefined;
  /** The path and query, with a `key` parameter redacted. */
  url: string;
  /** Lower-case names; `x-goog-api-key` and `authorization` values redacted. */
  headers: Record<string, string>;
  /** The parsed JSON body (`undefined` for GET or a body that is not JSON). */
  body: unknown;
  /** The HTTP status the fake answered. */
  status: number;
  /** The injected fault, if any. */
  fault: string | undefined;
  /**
   * When the fake received the request (its `now` clock, ms since the epoch), before it answered:
   * what a test of a rate limit reads as the API's view.
   */
  receivedAt: number;
};

/** Options of {@link createFakeGemini}. */
export type CreateFakeGeminiOptions = {
  /** The turns to answer with. @defaultValue every call answers `turn.text('OK')` */
  script?: FakeScript | undefined;
  /**
   * The API keys the fake accepts; another key gets the real `400 API_KEY_INVALID`. Without it
   * any non-empty key is accepted. A request without a key always gets `403 PERMISSION_DENIED`.
   */
  apiKeys?: readonly string[] | undefined;
  /**
   * The OAuth access tokens the fake's Vertex AI routes (`/v1/projects/{p}/locations/{l}/
   * publishers/google/models/{m}:{method}`) accept as `Authorization: Bearer`; another token, an
   * API key or none gets `401 UNAUTHENTICATED`. Without it any bearer token is accepted.
   */
  accessTokens?: readonly string[] | undefined;
  /**
   * Answer as Gemini 3 (`true`) or as Gemini 2.5 (`false`) whatever the model in the URL. By
   * default the model name decides, through `getModelCapabilities`.
   */
  gemini3?: boolean | undefined;
  /** Capabilities that replace the ones of the model name. */
  capabilities?: Partial<ModelCapabilities> | undefined;
  /** Give function calls server ids (8 lowercase base36 chars). @defaultValue Gemini 3 mode */
  callIds?: boolean | undefined;
  /**
   * How Gemini 3 mode checks the signatures of the active loop: `'issued'` (present, and issued
   * by a fake for this model, or the documented `skip_thought_signature_validator`), `'present'`
   * (any non-empty value, e.g. to replay recordings with real Google signatures), `'off'`. On the
   * Interactions API, `'issued'` also checks the signature of each `thought` step a stateless
   * client sends back (the fake answers a Gemini 3 turn's signature on such a step).
   * @defaultValue `'issued'`
   */
  signatureValidation?: 'issued' | 'present' | 'off' | undefined;
  /**
   * Simulate Gemini's implicit caching: a request whose prefix (system instruction and tools, then
   * whole contents, byte for byte) repeats one of the last 16 requests to the model, and reaches
   * the model's documented minimum (`getMinCacheTokens`), reports that prefix's tokens as
   * `cachedContentTokenCount`. @defaultValue false (usage without cache hits, as before)
   */
  implicitCaching?: boolean | undefined;
  /**
   * Refuse every history that is not gemloop's own shape, not only what the real API refuses:
   * each model content of function calls answered by the next content alone (one response per
   * call), response names equal to their calls', no part without a data field. For contract
   * tests that must prove a history canonical. By default the fake refuses what the API refuses:
   * it accepts, as the API did in recorded traffic, calls spread over consecutive model contents
   * answered together, responses spread over consecutive user contents, and a part holding only
   * `videoMetadata`. These rules are the fake's own, written from Google's documentation and the
   * recorded requests, not the client's `validateHistory`. @defaultValue false
   */
  strictHistory?: boolean | undefined;
  /**
   * The models that exist; others get the real `404 NOT_FOUND`. A list of names, a function of
   * the name, or `'pattern'`: the known models and any name shaped like a Gemini family one
   * (`gemini-<version>-<flash|pro|flash-lite>[-suffix]`, `gemini-*-latest`, `gemma-*`), for a
   * model newer than gemloop's table.
   * @defaultValue the models of gemloop's table (`knownModels` in `@gemloop/core/models`), so
   *   a made-up or mistyped name fails in tests as it does against the API
   */
  models?: FakeModels | undefined;
  /** Characters of text per stream chunk. @defaultValue 48 */
  chunkSize?: number | undefined;
  /** Delay between stream chunks, at most 2147483647 ms (Node's longest timer). @defaultValue 0 */
  chunkDelayMs?: number | undefined;
  /** Delay before every answer, at most 2147483647 ms (Node's longest timer). @defaultValue 0 */
  latencyMs?: number | undefined;
  /** Faults to inject; see {@link FakeFaultRule}. */
  faults?: readonly FakeFaultRule[] | undefined;
  /** Seed of ids, signatures and probabilistic faults. @defaultValue 1 */
  seed?: number | undefined;
  /** `modelVersion` of the answers. @defaultValue the model from the URL */
  modelVersion?: string | undefined;
  /**
   * Pretty-print JSON bodies (a `generateContent` answer, the JSON array of
   * `streamGenerateContent` without `alt=sse`, an error) with two spaces, as the real API does
   * (Google's `$prettyPrint` system parameter defaults to true); SSE events are one line either
   * way, as the API sends them. The indentation grows with the square of a structure's depth
   * (function-call arguments 1,000 deep: 2 MB indented, 6 KB compact): a test that sends deeply
   * nested structures passes `false`. @defaultValue true
   */
  prettyJson?: boolean | undefined;
  /**
   * The fake's clock (ms since the epoch), for cache expiry and timestamps: advance it to expire
   * a `cachedContents` resource without waiting. @defaultValue `Date.now`
   */
  now?: (() => number) | undefined;
  /**
   * The smallest cache `cachedContents.create` accepts, in tokens (by the fake's estimate of
   * about four characters a token). @defaultValue the model's real minimum, `getMinCacheTokens`
   */
  minCacheTokens?: number | undefined;
  /**
   * Behave like a broken gateway in front of Gemini: one or more of the mistakes listed in
   * {@link FakeGatewayMistake} (signatures moved to text parts, OpenAI chunks, a trailing
   * `[DONE]`, dropped call ids, a refused auth header, `alt=sse` ignored, no `RetryInfo`, an
   * OpenAI error body). @defaultValue none: the fake behaves like Google's API
   */
  gatewayMistakes?: FakeGatewayMistake | readonly FakeGatewayMistake[] | undefined;
  /**
   * The tier reported back (`usageMetadata.serviceTier` and the `x-gemini-service-tier` header)
   * for a request that asked for one; e.g. `() => 'standard'` to simulate `priority` falling back
   * under load. @defaultValue the requested tier (`unspecified` serves `standard`)
   */
  serveTier?: ((requested: string) => string) | undefined;
  /**
   * Called with each request once it is answered (its `status` and `fault` filled in, keys
   * redacted), e.g. to log one line per request as `gemloop fake` does. A listener that throws
   * does not change the answer. @defaultValue none
   */
  onRequest?: ((request: FakeRecordedRequest) => void) | undefined;
  /**
   * The embedding of each content the fake embeds (`embedContent`, `batchEmbedContents`, an
   * embedding batch job, Vertex's routes), for tests that need similar meanings to score high (a
   * memory recalled by a paraphrase): return `dimensions` finite numbers. The fake still checks
   * the request as the API does. @defaultValue a unit vector seeded by a hash of the content (only
   * identical content is similar)
   */
  embed?: FakeEmbed | undefined;
  /**
   * How many of the latest requests `fake.requests` keeps: older ones are dropped as new ones
   * arrive (`index` goes on counting). Each kept request holds its whole body, so a fake serving
   * for hours (`gemloop fake` keeps 1,000) grew by every history it was sent; a test reads
   * them all. @defaultValue every request
   */
  keepRequests?: number | undefined;
  /** How the Files and Batch APIs behave (both served by default). */
  filesApi?: FakeFilesApiOptions | undefined;
  /** How the Interactions API (`/v1beta/interactions`) behaves (served by default). */
  interactions?: FakeInteractionsOptions | undefined;
};

/** How the fake's Interactions API behaves. */
export type FakeInteractionsOptions = {
  /** `interactions.get` calls a background interaction stays `in_progress`. @defaultValue 1 */
  backgroundPolls?: number | undefined;
  /**
   * While it returns `true`, a background interaction stays `in_progress` and its `get`s do not
   * count toward `backgroundPolls`: a test holds an interaction running until it has done what
   * must happen meanwhile (killed a worker, cancelled a run) instead of racing a poll count.
   * @defaultValue never held
   */
  holdBackground?: ((interactionId: string) => boolean) | undefined;
  /**
   * Cuts each interaction's first stream connection after this many events (a dropped
   * connection), so a client must resume from the last `event_id`. @defaultValue never
   */
  dropStreamAfterEvents?: number | undefined;
};

/** What a file is, for {@link FakeFilesApiOptions} functions. */
export type FakeFileInfo = { mimeType: string; displayName: string | undefined };

/** Options of the fake's Files API (`upload/{version}/files`, `files`) and Batch API (`batches`). */
export type FakeFilesApiOptions = {
  /** The `x-goog-upload-chunk-granularity` announced. @defaultValue 262144 (256 KiB) */
  chunkGranularity?: number | undefined;
  /**
   * How many `files.get` a new file answers `PROCESSING` before `ACTIVE`.
   * @defaultValue 1 for `video/*`, else 0
   */
  processingPolls?: number | ((file: FakeFileInfo) => number) | undefined;
  /** Files whose processing ends `FAILED`. */
  failProcessing?: ((file: FakeFileInfo) => boolean) | undefined;
  /**
   * Upload requests to break (0-based, counted over every upload request): the fake keeps the
   * first `keepBytes` of the chunk and answers 503, as a connection cut part-way would leave it.
   */
  breakChunks?: ReadonlyArray<{ chunk: number; keepBytes: number }> | undefined;
  /** `batches.get` calls a job stays `PENDING`, then `RUNNING`. @defaultValue 1 */
  batchPolls?: number | undefined;
  /**
   * Operation gets a File Search store's upload or import answers `done: false` before it is
   * done (and its document `STATE_ACTIVE`). @defaultValue 1
   */
  fileSearchPolls?: number | undefined;
};

/**
 * A chunk the fake's File Search retrieved for a model call whose `fileSearch` tool names its
 * stores: the chunks sharing the most words with the last user text, best first (at most the
 * tool's `topK`, 5 by default). The same chunks go out as `groundingMetadata`.
 */
export type FakeFileSearchResult = {
  /** `fileSearchStores/{id}`. */
  store: string;
  /** `fileSearchStores/{id}/documents/{doc}`. */
  document: string;
  /** The document's display name (the citation's `title`). */
  title: string;
  /** The chunk's text. */
  text: string;
};

/**
 * A test's own embedding function for the fake (`embed`): `text` is the content's text parts
 * joined, `parts` the content's parts as sent, `dimensions` the asked `outputDimensionality` (the
 * model's default without it).
 */
export type FakeEmbed = (input: {
  model: string;
  text: string;
  parts: readonly unknown[];
  dimensions: number;
}) => readonly number[];
