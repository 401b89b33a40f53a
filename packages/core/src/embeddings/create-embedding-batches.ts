import { withRequestPath } from '../http/attempts/load-request-path.ts';
import type { BatchResultsOptions } from '../http/batches/batches.ts';
import { checkBatchCreate } from '../http/batches/check-batch-create.ts';
import { readJob } from '../http/batches/check-batch-job.ts';
import { createBatches } from '../http/batches/create-batches.ts';
import { orderResults } from '../http/batches/order-results.ts';
import { checkSucceeded, readBatchOutput } from '../http/batches/read-batch-output.ts';
import { toInputConfig } from '../http/batches/to-input-config.ts';
import type { CallOptions } from '../http/call-options.ts';
import { createFiles, internalsOf } from '../http/files/create-files.ts';
import { refuseOnVertex, toUnsupportedEndpoint } from '../http/files/endpoint-support.ts';
import { pickCallOptions } from '../http/files/file-options.ts';
import { toFilePath } from '../http/files/to-file-path.ts';
import type { Gemini } from '../http/gemini.ts';
import { resolveCallOptions } from '../http/options/resolve-call-options.ts';
import type { BatchJob, RpcStatus } from '../wire/batch.ts';
import { isItem, pickConfig } from './create-embeddings.ts';
import type { EmbedContentConfig, EmbedContentResponse, EmbedInput } from './embeddings.ts';
import { checkEmbedConfig, toEmbedContent, toGeminiApiBody } from './to-embed-body.ts';

/** One item of an embedding batch: a content, settings with it, and an optional key. */
export type EmbeddingBatchItem =
  | EmbedInput
  | (EmbedContentConfig & { content: EmbedInput; key?: string | undefined });

/**
 * The body of {@link EmbeddingBatches.create}: `@google/genai`'s `batches.createEmbeddings`
 * (`{ model, src: { inlinedRequests | fileName }, config: { displayName } }`) in gemloop's shape.
 */
export type CreateEmbeddingBatchRequest = EmbedContentConfig & {
  /** The embedding model of every item. */
  model: string;
  displayName?: string | undefined;
  /** The items (no per-call limit of 100 here: the job holds as many as its input may). */
  requests?: readonly EmbeddingBatchItem[] | undefined;
  /** An uploaded JSONL file, one `{"key": "...", "request": EmbedContentRequest}` per line. */
  fileName?: string | undefined;
  /** As {@link CreateBatchRequest.input}. @defaultValue 'auto' */
  input?: 'auto' | 'inline' | 'file' | undefined;
};

/** One answer of a finished embedding batch, with its key and position. */
export type EmbeddingBatchResult = {
  key: string;
  /** The item's position, when the key says it (gemloop's `request-<n>`, or the `keys` given). */
  index: number | undefined;
  response?: EmbedContentResponse | undefined;
  /** The item's own error (the batch itself succeeded). */
  error?: RpcStatus | undefined;
};

/**
 * Embeddings through the Batch API (half the price, answered within 48 hours): create the job,
 * follow it with `createBatches(gemini).wait(job)`, read its embeddings in item order. Gemini API
 * only, as `@google/genai` 2.32.0 `batches.createEmbeddings` is.
 */
export interface EmbeddingBatches {
  /** `POST models/{model}:asyncBatchEmbedContent`. */
  create(request: CreateEmbeddingBatchRequest, options?: CallOptions): Promise<BatchJob>;
  /**
   * The embeddings of a succeeded job, one per item in item order, each item's error kept.
   * @throws {@link BatchJobError} when the job did not succeed.
   */
  results(job: string | BatchJob, options?: BatchResultsOptions): Promise<EmbeddingBatchResult[]>;
}

const CREATE_KEYS = new Set([
  'model',
  'displayName',
  'requests',
  'fileName',
  'input',
  'taskType',
  'title',
  'outputDimensionality',
  'autoTruncate',
  'mimeType',
]);

/**
 * The embedding batches of a client made by `createGemini`. The route and body are
 * `@google/genai` 2.32.0's (`createEmbeddingsBatchJobParametersToMldev`: `POST
 * {model}:asyncBatchEmbedContent` with `{ batch: { displayName, inputConfig: { requests: {
 * requests: [{ request: EmbedContentRequest }] } } | { file_name } } }`), each inline request
 * keyed in `metadata` as `batchGenerateContent`'s are; the answers come back as
 * `inlinedResponses` holding `{ response: { embedding } }` (`tRecvBatchJobDestination`).
 *
 * @example
 * ```ts
 * const batch = createEmbeddingBatches(gemini);
 * const job = await batch.create({ model: 'gemini-embedding-2', requests: ['a', 'b'] });
 * const done = await createBatches(gemini).wait(job);
 * const vectors = (await batch.results(done)).map((result) => result.response?.embedding.values);
 * ```
 * @throws {@link InvalidArgumentError} when `gemini` was not made by `createGemini`.
 */
export function createEmbeddingBatches(gemini: Gemini): EmbeddingBatches {
  const { client, defaults } = internalsOf(gemini, 'createEmbeddingBatches');
  const files = createFiles(gemini);
  const batches = createBatches(gemini);
  return {
    async create(request, callOptions) {
      refuseOnVertex(client, 'embeddingBatches.create');
      const model = checkCreate(request);
      const call = resolveCallOptions(callOptions, client, defaults);
      const shared = pickConfig(request);
      checkEmbedConfig(shared, model, 'gemini-api', 'request');
      const inputConfig =
        request.fileName !== undefined
          ? { fileName: toFilePath(request.fileName, 'request.fileName') }
          : await toInputConfig(
              (request.requests ?? []).map((item, index) =>
                toKeyedEmbed(item, index, shared, model),
              ),
              { input: request.input, displayName: request.displayName, files, callOptions },
            );
      const batch: Record<string, unknown> = { inputConfig };
      if (request.displayName !== undefined) batch['displayName'] = request.displayName;
      const body = JSON.stringify({ batch });
      return withRequestPath(({ requestJson }) =>
        requestJson({
          client,
          call,
          method: 'embeddingBatches.create',
          model,
          url: `${client.root}${model}:asyncBatchEmbedContent`,
          httpMethod: 'POST',
          body,
          check: readJob,
        }),
      ).catch((error: unknown) => {
        throw toUnsupportedEndpoint(error, client, 'embeddingBatches.create');
      });
    },

    async results(job, options) {
      const current =
        typeof job === 'string' ? await batches.get(job, pickCallOptions(options)) : job;
      const secrets = resolveCallOptions(pickCallOptions(options), client, defaults).secrets.values;
      checkSucceeded(current, secrets);
      const lines = await readBatchOutput(current, {
        method: 'embeddingBatches.results',
        files,
        maxBytes: options?.maxBytes ?? client.maxResponseBytes,
        callOptions: pickCallOptions(options),
        secrets,
        toLine: toEmbedLine,
      });
      return orderResults(lines, options?.keys);
    },
  };
}

function toKeyedEmbed(
  item: EmbeddingBatchItem,
  index: number,
  shared: EmbedContentConfig,
  model: string,
): { key: string; body: Record<string, unknown> } {
  const argument = `request.requests[${index}]`;
  const own = isItem(item) ? { ...shared, ...pickConfig(item) } : shared;
  const key =
    isItem(item) && typeof (item as { key?: unknown }).key === 'string'
      ? (item as { key: string }).key
      : `request-${index}`;
  const content = toEmbedContent(
    isItem(item) ? item.content : item,
    isItem(item) ? `${argument}.content` : argument,
  );
  checkEmbedConfig(own, model, 'gemini-api', argument);
  return { key, body: toGeminiApiBody(content, own) };
}

/** One result line: an answer without `embedding.values` (finite numbers) becomes the line's error. */
function toEmbedLine(
  key: unknown,
  response: unknown,
  error: unknown,
  where: string,
): {
  key: string | undefined;
  response: EmbedContentResponse | undefined;
  error: RpcStatus | undefined;
} {
  const line = {
    key: typeof key === 'string' ? key : undefined,
    response: undefined as EmbedContentResponse | undefined,
    error: typeof error === 'object' && error !== null ? (error as RpcStatus) : undefined,
  };
  if (response === undefined || response === null) return line;
  const values = (response as { embedding?: { values?: unknown } }).embedding?.values;
  // Finite numbers, at least one, as embedContent's answer (read-embed-response.ts): `1e400`
  // parses as Infinity, which scores NaN against every vector (attack47a).
  if (
    Array.isArray(values) &&
    values.length > 0 &&
    values.every((value) => typeof value === 'number' && Number.isFinite(value))
  ) {
    line.response = response as EmbedContentResponse;
  } else if (line.error === undefined) {
    line.error = { message: `${where} of the batch's results has no embedding values` };
  }
  return line;
}

function checkCreate(request: CreateEmbeddingBatchRequest): string {
  return checkBatchCreate(request, {
    method: 'embeddingBatches.create',
    keys: CREATE_KEYS,
    example: "{ model: 'gemini-embedding-2', requests: [...] }",
    items: 'contents (or { content, key, ...settings })',
  }).model;
}
