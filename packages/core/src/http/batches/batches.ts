import type { BatchJob, ListBatchesResponse, RpcStatus } from '../../wire/batch.ts';
import type { GenerateContentRequest } from '../../wire/request.ts';
import type { GenerateContentResponse } from '../../wire/response.ts';
import type { CallOptions } from '../call-options.ts';
import type { PollOptions } from '../files/files.ts';

/** One request of a batch: a `generateContent` request without `model` (the batch's model). */
export type BatchRequestBody = Omit<GenerateContentRequest, 'model'>;

/**
 * A request of {@link CreateBatchRequest.requests}: a request, or a request with its own key
 * (results carry the key; without one gemloop numbers them `request-0`, `request-1`, ...).
 */
export type BatchRequestInput = BatchRequestBody | { key: string; request: BatchRequestBody };

/** The body of {@link Batches.create}. */
export type CreateBatchRequest = {
  /** `gemini-2.5-flash` or `models/gemini-2.5-flash`. */
  model: string;
  displayName?: string | undefined;
  /** The requests; give these or `fileName`. */
  requests?: readonly BatchRequestInput[] | undefined;
  /**
   * An uploaded JSONL file (`files/{id}`, mime type `application/jsonl`), one
   * `{"key": "...", "request": {...}}` per line, as ai.google.dev/gemini-api/docs/batch-mode
   * describes.
   */
  fileName?: string | undefined;
  /**
   * How `requests` are sent: `'inline'` in the create request, `'file'` uploaded as JSONL first,
   * `'auto'` inline below 20,000,000 bytes (the inline limit `@ai-sdk/google` 4.0.121 uses,
   * `googleBatchInlineCreationMaxBytes`; Google documents inline batches "under 20MB") and a file
   * above. @defaultValue 'auto'
   */
  input?: 'auto' | 'inline' | 'file' | undefined;
};

/** One answer of a finished batch: a response or the request's own error, with its key. */
export type BatchResult = {
  key: string;
  /** The request's position, when the key says it (gemloop's keys, or `keys` given to `results`). */
  index: number | undefined;
  response?: GenerateContentResponse | undefined;
  /** The request's error (the batch itself succeeded). */
  error?: RpcStatus | undefined;
};

/** Options of {@link Batches.results}. */
export type BatchResultsOptions = CallOptions & {
  /** The keys in request order (`create`'s own are `request-<n>`): results are sorted by them. */
  keys?: readonly string[] | undefined;
  /** The most bytes of a results file read. @defaultValue the client's `maxResponseBytes` */
  maxBytes?: number | undefined;
};

/** Options of {@link Batches.list}. */
export type ListBatchesOptions = CallOptions & {
  pageSize?: number | undefined;
  pageToken?: string | undefined;
};

/**
 * The Batch API of Google's Gemini API (`batches`, half the price of the same calls, answered
 * within 48 hours): create a job from inline requests or an uploaded JSONL file, follow it, read
 * its results in request order with each request's error kept. Vertex AI and gateways that do not
 * serve it get `UnsupportedEndpointError`. Made by `createBatches(gemini)` (`@gemloop/core/http`).
 *
 * @example
 * ```ts
 * const batches = createBatches(gemini);
 * const job = await batches.create({ model: 'gemini-2.5-flash', requests: [{ contents: 'Hi' }, { contents: 'Bye' }] });
 * const done = await batches.wait(job, { pollIntervalMs: 30_000 });
 * for (const result of await batches.results(done)) console.log(result.key, result.response?.candidates?.[0]);
 * ```
 */
export interface Batches {
  /** `POST models/{model}:batchGenerateContent`. */
  create(request: CreateBatchRequest, options?: CallOptions): Promise<BatchJob>;
  /** `GET batches/{id}`. */
  get(name: string, options?: CallOptions): Promise<BatchJob>;
  /** `GET batches`: one page. */
  list(options?: ListBatchesOptions): Promise<ListBatchesResponse>;
  /**
   * Every batch of this key, page after page.
   * @throws {@link ApiCallError} (not retryable) when a page hands back a page token already
   * followed (a gateway that ignores `pageToken`), rather than listing forever.
   */
  listAll(options?: Omit<ListBatchesOptions, 'pageToken'>): AsyncIterable<BatchJob>;
  /** `POST batches/{id}:cancel`. */
  cancel(name: string, options?: CallOptions): Promise<void>;
  /** `DELETE batches/{id}`. */
  delete(name: string, options?: CallOptions): Promise<void>;
  /**
   * Polls `batches.get` until the job is done (`SUCCEEDED`, `FAILED`, `CANCELLED`, `EXPIRED`), and
   * returns it; `signal` ends the wait.
   */
  wait(job: string | BatchJob, options?: PollOptions): Promise<BatchJob>;
  /**
   * The answers of a succeeded job, inline or from its results file (read within `maxBytes`),
   * one per request, in request order, each request's error kept. A key the results list twice
   * is returned twice, in the order read (`createBatchRuns` fails such a run). Each error's text
   * is scrubbed of the call's secrets (a gateway may echo the key there).
   * @throws {@link BatchJobError} when the job did not succeed.
   * @throws {@link InvalidArgumentError} (`argument: 'job.metadata.output'`) when a succeeded job
   * holds neither inline answers nor a results file (a job not yet waited for, or a broken server).
   */
  results(job: string | BatchJob, options?: BatchResultsOptions): Promise<BatchResult[]>;
}
