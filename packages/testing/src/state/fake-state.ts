import type { ModelCapabilities } from '@gemloop/core/models';

import type { ActiveFaultRule } from '../script/fake-faults.ts';
import type { FakeTurn } from '../script/fake-turn.ts';
import type {
  CreateFakeGeminiOptions,
  FakeGatewayMistake,
  FakeRecordedRequest,
  FakeScript,
} from '../script/fake-types.ts';
import type { ImplicitCacheMemory } from './fake-implicit-cache.ts';
import type { FakeWebhook, FakeWebhookDelivery } from './fake-webhook.ts';
import type { SeededRandom } from './seeded-random.ts';
import type { ServedFields } from './served-fields.ts';

/** A continuation token the fake issued (see `fake-continuation.ts`): where its answer goes on. @internal */
export type FakeContinuationToken = {
  /** The continued turn (`turn.continued`). */
  turn: FakeTurn;
  /** The hop the token starts (0-based). */
  hop: number;
  /** The chunks of that hop already delivered (0 at the hop's start; past a checkpoint else). */
  offset: number;
  /** The request without its token and without an appended output so far. */
  fingerprint: string;
  contentsLength: number;
  /** Output tokens of the hops before: the resend's prompt counts them (the server re-reads them). */
  outputTokens: number;
  expired: boolean;
};

/** A cache the fake holds: the resource, what it caches, and when it expires. @internal */
export type FakeCache = {
  name: string;
  /** The model id, without `models/`. */
  model: string;
  displayName: string | undefined;
  systemInstruction: unknown;
  contents: unknown[];
  tools: unknown;
  toolConfig: unknown;
  tokens: number;
  /** On Vertex AI: `projects/{p}/locations/{l}`, where the cache and its publisher model live. */
  parent?: string | undefined;
  createTime: number;
  updateTime: number;
  expireTime: number;
};

/** A file of the fake's Files API. @internal */
export type FakeFile = {
  /** The id, without `files/`. */
  id: string;
  displayName: string | undefined;
  mimeType: string;
  bytes: Uint8Array;
  createTime: number;
  /** `files.get` calls left before it is `ACTIVE` (or `FAILED`). */
  processingPolls: number;
  failed: boolean;
  source: 'UPLOADED' | 'GENERATED';
};

/** A resumable upload in progress. @internal */
export type FakeUpload = {
  id: string;
  displayName: string | undefined;
  mimeType: string;
  declaredSize: number | undefined;
  pieces: Uint8Array[];
  received: number;
  /** What the final chunk answers, in place of a Files API file (a File Search store's upload). */
  finish?: ((bytes: Uint8Array) => FakeReply) | undefined;
};

/** A document of a fake File Search store: its text cut into chunks. @internal */
export type FakeStoreDocument = {
  id: string;
  displayName: string;
  mimeType: string;
  sizeBytes: number;
  customMetadata: unknown[];
  chunks: string[];
  createTime: number;
  state: 'STATE_PENDING' | 'STATE_ACTIVE' | 'STATE_FAILED';
};

/** A File Search store of the fake. @internal */
export type FakeFileSearchStore = {
  id: string;
  displayName: string | undefined;
  embeddingModel: string;
  createTime: number;
  documents: Map<string, FakeStoreDocument>;
};

/** An upload or import into a store, done after `pollsLeft` gets. @internal */
export type FakeStoreOperation = {
  name: string;
  storeId: string;
  documentId: string;
  pollsLeft: number;
  error: { code: number; message: string } | undefined;
};

/** A batch job of the fake. @internal */
export type FakeBatch = {
  id: string;
  model: string;
  displayName: string | undefined;
  requests: Array<{ key: string | undefined; request: unknown }>;
  fromFile: boolean;
  /** `'embed'` for a job of `asyncBatchEmbedContent`: its items are embedded, not generated. */
  kind?: 'embed' | undefined;
  state: string;
  /** Gets seen in the current state. */
  polls: number;
  createTime: number;
  output: Record<string, unknown> | undefined;
  /** Requests answered with an error once it ran (`batchStats.failedRequestCount`). */
  failedRequests?: number | undefined;
};

/** The mutable state of one fake server, shared by its transports. @internal */
export type FakeState = {
  options: CreateFakeGeminiOptions;
  script: FakeScript;
  random: SeededRandom;
  requests: FakeRecordedRequest[];
  /** Requests received since the last reset: the next one's `index` (`requests` may keep fewer). */
  requestsReceived: number;
  faultRules: ActiveFaultRule[];
  /** Model calls received (generateContent and streamGenerateContent). */
  modelCalls: number;
  /** Scripted turns delivered whole. */
  turnsDelivered: number;
  chunkSize: number;
  prettyJson: boolean;
  /** Capabilities by model name, resolved once. */
  capabilities: Map<string, ModelCapabilities>;
  /** The broken-gateway behaviours on (`gatewayMistakes`). */
  gatewayMistakes: ReadonlySet<FakeGatewayMistake>;
  /** The `cachedContents` resources, by name. */
  caches: Map<string, FakeCache>;
  /** The recent request prefixes, by model (`implicitCaching`). */
  implicitCache: ImplicitCacheMemory;
  /** The continuation tokens issued (`turn.continued`), by token. */
  continuations: Map<string, FakeContinuationToken>;
  /** The Files API's files, by id (without `files/`). */
  files: Map<string, FakeFile>;
  /**
   * Ids of files the fake held that expired or were deleted: a `generateContent` naming one is
   * refused as Google refuses it. Bounded by the files uploaded.
   */
  goneFiles: Set<string>;
  uploads: Map<string, FakeUpload>;
  batches: Map<string, FakeBatch>;
  /** The File Search stores, by id (without `fileSearchStores/`). */
  fileSearchStores: Map<string, FakeFileSearchStore>;
  /** Their uploads' and imports' operations, by full name. */
  storeOperations: Map<string, FakeStoreOperation>;
  /** Managed agents (`/v1beta/agents`), by id. */
  agents: Map<string, Record<string, unknown>>;
  /** Agent environments, by id. */
  environments: Map<string, Record<string, unknown>>;
  /** Static webhooks, by id. */
  webhooks: Map<string, FakeWebhook>;
  /** Triggers, by id, with their executions (oldest first). */
  triggers: Map<
    string,
    { resource: Record<string, unknown>; executions: Array<Record<string, unknown>> }
  >;
  /** Ids handed out to environments, webhooks, triggers and executions. */
  resourceCounter: number;
  /** Webhook deliveries made, oldest first; `deliveryCounter` names the next. */
  webhookDeliveries: FakeWebhookDelivery[];
  deliveryCounter: number;
  /** The Interactions API's interactions, by id. */
  interactions: Map<string, FakeInteraction>;
  interactionCounter: number;
  /** Ids handed out (files, uploads), and batch ids: counters, so the seeded random is untouched. */
  fileCounter: number;
  batchCounter: number;
  /** Upload requests received (0-based index of the next), for `filesApi.breakChunks`. */
  uploadChunks: number;
  /** The keys beyond the known ones the fake served in model turns: taken back in model turns. */
  servedFields: ServedFields;
};

/**
 * What a transport writes: a status, headers, then the body pieces in order (one piece for a
 * JSON body, one per event for a stream), then either a normal end or a dropped connection.
 * @internal
 */
export type FakeReply = {
  status: number;
  headers: Record<string, string>;
  /** Wait this long before the status line. */
  delayMs: number;
  /** Wait this long between pieces. */
  chunkDelayMs: number;
  pieces: string[];
  end: 'normal' | 'reset';
};

/** The request as a transport hands it over. @internal */
export type FakeHttpRequest = {
  method: string;
  /** Path and query, e.g. `/v1beta/models/gemini-3-flash-preview:generateContent?alt=sse`. */
  url: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string;
  /** The raw body (a Files API upload chunk is binary; `body` is its UTF-8 reading). */
  bytes?: Uint8Array | undefined;
};

/** An interaction the fake keeps, by id. @internal */
export type FakeInteraction = {
  id: string;
  model: string | undefined;
  agent: string | undefined;
  status: string;
  stored: boolean;
  previousId: string | undefined;
  /** The whole conversation up to and including this interaction's answer. */
  contents: Array<Record<string, unknown>>;
  /** The contents this interaction's run sent the model (a resumed decode sends them again). */
  requestContents: Array<Record<string, unknown>>;
  /** Set while `requires_continuation`. */
  continuationToken: string | undefined;
  /** The output steps. */
  steps: Array<Record<string, unknown>>;
  usage: Record<string, unknown> | undefined;
  /** The SSE events (with their ids) of its run, for resumption. */
  events: Array<Record<string, unknown>>;
  /** Background: `get` calls left before the run is done. */
  pollsLeft: number;
  /** Background: the request still to run. */
  pending:
    | { body: Record<string, unknown>; recorded: FakeRecordedRequest; apiVersion: string }
    | undefined;
  connections: number;
  created: string;
};
