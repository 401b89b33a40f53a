import { BatchJobError } from '../../errors/files-and-batches/batch-job-error.ts';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { type DeclaredOptions, defineOptions, optionCheck } from '../../options/define-options.ts';
import { sleep } from '../../retry/sleep.ts';
import { describeName } from '../../shared/describe-name.ts';
import type {
  BatchJob,
  InlinedBatchResponse,
  ListBatchesResponse,
  RpcStatus,
} from '../../wire/batch.ts';
import { parseGenerateContentResponse } from '../../wire/parse-generate-content-response.ts';
import type { GenerateContentRequest } from '../../wire/request.ts';
import type { GenerateContentResponse } from '../../wire/response.ts';
import type { CheckContext } from '../attempts/check-responses.ts';
import { withRequestPath } from '../attempts/load-request-path.ts';
import { invalidResponse } from '../attempts/read-json-response.ts';
import { buildGenerateContentBody } from '../build-generate-content-body.ts';
import { createFiles, internalsOf } from '../files/create-files.ts';
import { refuseOnVertex, toUnsupportedEndpoint } from '../files/endpoint-support.ts';
import { pickCallOptions, pollOptionsDeclaration } from '../files/file-options.ts';
import type { Files } from '../files/files.ts';
import { toFilePath } from '../files/to-file-path.ts';
import type { Gemini } from '../gemini.ts';
import { listAllPages } from '../list-all-pages.ts';
import {
  callOptionsDeclaration,
  listOptionsDeclaration,
  type ResolvedCallOptions,
  resolveCallOptions,
} from '../options/resolve-call-options.ts';
import type { ResolvedClientOptions } from '../options/resolve-client-options.ts';
import { toModelPath } from '../options/to-model-path.ts';
import { toPageQuery } from '../options/to-page-query.ts';
import type {
  Batches,
  BatchRequestInput,
  BatchResultsOptions,
  CreateBatchRequest,
} from './batches.ts';
import { isDone } from './is-done.ts';

/** `@ai-sdk/google` 4.0.121's `googleBatchInlineCreationMaxBytes`. */
const MAX_INLINE_BATCH_BYTES = 20_000_000;
/** `@ai-sdk/google` 4.0.121's `googleBatchInputFileMaxBytes` (2 GB, the Files API's per-file cap). */
const MAX_BATCH_FILE_BYTES = 2 * 1024 * 1024 * 1024;
/** A batch takes minutes to hours: polling every 10 s costs nothing and answers soon enough. */
const DEFAULT_POLL_INTERVAL_MS = 10_000;
const BATCH_NAME = /^batches\/[A-Za-z0-9_-]{1,128}$/;
const BATCH_ID = /^[A-Za-z0-9_-]{1,128}$/;
/** Both spellings: the API's `BATCH_STATE_*` and `@google/genai`'s `JOB_STATE_*`. */
const SUCCEEDED = /^(?:BATCH|JOB)_STATE_SUCCEEDED$/;
const CREATE_KEYS = new Set(['model', 'displayName', 'requests', 'fileName', 'input']);

const resultsOptionsDeclaration: DeclaredOptions<BatchResultsOptions> =
  defineOptions<BatchResultsOptions>({
    name: 'batches.results',
    unknownKey: 'Unknown batches.results option',
    path: 'options',
    example: '{ keys, maxBytes, signal }',
    checks: {
      ...callOptionsDeclaration.checks,
      keys: optionCheck(
        (value) => Array.isArray(value) && value.every((key) => typeof key === 'string'),
        'options.keys must be the request keys in order (strings).',
      ),
      maxBytes: optionCheck(
        (value) => typeof value === 'number' && value > 0,
        'options.maxBytes must be a positive number of bytes.',
      ),
    },
  });

/**
 * The Batch API of a client made by `createGemini` (Google's Gemini API), on the same request
 * path as the model calls; loaded only by apps that import it. Routes and
 * bodies: ai.google.dev/api/batch-mode (`POST v1beta/models/{model}:batchGenerateContent` with
 * `{ batch: { displayName, inputConfig: { requests: { requests: [{ request, metadata: { key } }] } }
 * | { fileName } } }`, `GET/DELETE v1beta/batches/{id}`, `POST v1beta/batches/{id}:cancel`,
 * `GET v1beta/batches`), read from `@ai-sdk/google` 4.0.121's google-batch.ts and
 * `@google/genai` 3.1.0's `batches`. Hand-written from those sources, not from recordings.
 *
 * @example
 * ```ts
 * const batches = createBatches(gemini);
 * const job = await batches.create({ model: 'gemini-2.5-flash', requests: [{ contents: 'Hi' }] });
 * const results = await batches.results(await batches.wait(job));
 * ```
 * @throws {@link InvalidArgumentError} when `gemini` was not made by `createGemini`.
 */
export function createBatches(gemini: Gemini): Batches {
  const { client, defaults } = internalsOf(gemini, 'createBatches');
  return makeBatches(client, defaults, createFiles(gemini));
}

function makeBatches(
  client: ResolvedClientOptions,
  defaults: ResolvedCallOptions,
  files: Files,
): Batches {
  const getJob = async (
    name: string,
    callOptions: Parameters<Batches['get']>[1],
  ): Promise<BatchJob> => {
    refuseOnVertex(client, 'batches.get');
    const path = toBatchPath(name);
    const call = resolveCallOptions(callOptions, client, defaults);
    return withRequestPath(({ requestJson }) =>
      requestJson({
        client,
        call,
        method: 'batches.get',
        url: `${client.root}${path}`,
        httpMethod: 'GET',
        check: checkJob,
      }),
    ).catch((error: unknown) => {
      throw toUnsupportedEndpoint(error, client, 'batches.get');
    });
  };

  const batches: Batches = {
    async create(request, callOptions) {
      refuseOnVertex(client, 'batches.create');
      const { model, displayName, requests, fileName, input } = checkCreate(request);
      const call = resolveCallOptions(callOptions, client, defaults);
      const inputConfig =
        fileName !== undefined
          ? { fileName: toFilePath(fileName, 'request.fileName') }
          : await toInputConfig(
              (requests ?? []).map((item, index) => toKeyed(item, index, model)),
              { input, displayName, files, callOptions },
            );
      const batch: Record<string, unknown> = { inputConfig };
      if (displayName !== undefined) batch['displayName'] = displayName;
      const body = JSON.stringify({ batch });
      return withRequestPath(({ requestJson }) =>
        requestJson({
          client,
          call,
          method: 'batches.create',
          model,
          url: `${client.root}${model}:batchGenerateContent`,
          httpMethod: 'POST',
          body,
          check: checkJob,
        }),
      ).catch((error: unknown) => {
        throw toUnsupportedEndpoint(error, client, 'batches.create');
      });
    },

    get: getJob,

    async list(listOptions) {
      refuseOnVertex(client, 'batches.list');
      const call = resolveCallOptions(listOptions, client, defaults, listOptionsDeclaration);
      return withRequestPath(({ requestJson }) =>
        requestJson({
          client,
          call,
          method: 'batches.list',
          url: `${client.root}batches${toPageQuery(listOptions)}`,
          httpMethod: 'GET',
          check: checkJobList,
        }),
      ).catch((error: unknown) => {
        throw toUnsupportedEndpoint(error, client, 'batches.list');
      });
    },

    listAll(listOptions) {
      return listAllPages({
        method: 'batches.list',
        url: `${client.root}batches`,
        listPage: async (pageToken) => {
          const page = await batches.list({ ...listOptions, pageToken });
          return { items: page.operations, nextPageToken: page.nextPageToken };
        },
      });
    },

    async cancel(name, callOptions) {
      await simple('batches.cancel', name, callOptions, 'POST', ':cancel');
    },

    async delete(name, callOptions) {
      await simple('batches.delete', name, callOptions, 'DELETE', '');
    },

    async wait(job, options) {
      const name = typeof job === 'string' ? job : job?.name;
      const checked = options === undefined ? {} : pollOptionsDeclaration.check(options);
      const callOptions = pickCallOptions(options);
      const interval = checked.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
      for (;;) {
        const current = await getJob(name as string, callOptions);
        try {
          checked.onPoll?.(current);
        } catch {
          // Ignored, as documented on PollOptions.onPoll.
        }
        if (isDone(current)) return current;
        await sleep(interval, checked.signal);
      }
    },

    async results(job, options) {
      const checked = options === undefined ? {} : resultsOptionsDeclaration.check(options);
      const current = typeof job === 'string' ? await getJob(job, pickCallOptions(options)) : job;
      checkSucceeded(current);
      const lines = await readBatchOutput(current, {
        files,
        maxBytes: checked.maxBytes ?? client.maxResponseBytes,
        callOptions: pickCallOptions(options),
        toLine,
      });
      return orderResults(lines, checked.keys);
    },
  };

  async function simple(
    method: string,
    name: string,
    callOptions: Parameters<Batches['cancel']>[1],
    httpMethod: 'POST' | 'DELETE',
    suffix: string,
  ): Promise<void> {
    refuseOnVertex(client, method);
    const path = toBatchPath(name);
    const call = resolveCallOptions(callOptions, client, defaults);
    await withRequestPath(({ requestJson }) =>
      requestJson({
        client,
        call,
        method,
        url: `${client.root}${path}${suffix}`,
        httpMethod,
        body: httpMethod === 'POST' ? '{}' : undefined,
        check: () => undefined,
        allowEmptyBody: true,
      }),
    ).catch((error: unknown) => {
      throw toUnsupportedEndpoint(error, client, method);
    });
  }

  return batches;
}

/**
 * Where a batch's requests go: inline in the create request, or uploaded as a JSONL file first
 * (`input: 'file'`, or `'auto'` at 20,000,000 bytes and above). Shared by `batches.create` and
 * the embedding batches (`@gemloop/core/embeddings`).
 * @internal
 */
export async function toInputConfig(
  keyed: readonly { key: string; body: unknown }[],
  options: {
    input: CreateBatchRequest['input'];
    displayName: string | undefined;
    files: Files;
    callOptions: Parameters<Batches['create']>[1];
  },
): Promise<Record<string, unknown>> {
  const { input, displayName, files, callOptions } = options;
  const inline = keyed.map(({ key, body }) => ({ request: body, metadata: { key } }));
  const inlineText = JSON.stringify(inline);
  const useFile =
    input === 'file' || (input !== 'inline' && inlineText.length >= MAX_INLINE_BATCH_BYTES);
  if (!useFile) return { requests: { requests: inline } };
  const jsonl = new TextEncoder().encode(
    keyed.map(({ key, body }) => `${JSON.stringify({ key, request: body })}\n`).join(''),
  );
  if (jsonl.byteLength > MAX_BATCH_FILE_BYTES) {
    throw new InvalidArgumentError({
      argument: 'request.requests',
      message:
        'The batch is larger than 2 GB, the most one input file may hold: split it into several batches.',
    });
  }
  const uploaded = await files.upload(jsonl, {
    ...pickCallOptions(callOptions),
    mimeType: 'application/jsonl',
    displayName: `${displayName ?? 'gemloop-batch'}-input`.slice(0, 512),
  });
  return { fileName: uploaded.name };
}

/** @throws {@link BatchJobError} when the job did not succeed. @internal */
export function checkSucceeded(job: BatchJob): void {
  const state = job.metadata?.state;
  if (job.error !== undefined || (state !== undefined && !SUCCEEDED.test(state))) {
    throw new BatchJobError({ batchName: job.name, state, error: job.error });
  }
}

/**
 * The answers of a succeeded job, inline (`output.inlinedResponses.inlinedResponses`, for
 * embeddings too: `@google/genai` 2.32.0 `tRecvBatchJobDestination` tells them apart by their
 * `embedding`) or from its results file, each made a line by `toLine`.
 * @internal
 */
export async function readBatchOutput<L>(
  job: BatchJob,
  options: {
    files: Files;
    maxBytes: number;
    callOptions: ReturnType<typeof pickCallOptions>;
    toLine: (key: unknown, response: unknown, error: unknown, where: string) => L;
  },
): Promise<L[]> {
  const output = job.metadata?.output ?? job.response;
  const inline = output?.inlinedResponses?.inlinedResponses;
  if (Array.isArray(inline)) {
    return inline.map((item: InlinedBatchResponse, index) =>
      options.toLine(item?.metadata?.key, item?.response, item?.error, `inlined response ${index}`),
    );
  }
  if (output?.responsesFile === undefined) return [];
  const bytes = await options.files.download(output.responsesFile, {
    ...options.callOptions,
    maxBytes: options.maxBytes,
  });
  return readResultLines(new TextDecoder().decode(bytes), options.toLine);
}

type InlinedBatchLine = {
  key: string | undefined;
  response: GenerateContentResponse | undefined;
  error: RpcStatus | undefined;
};

/**
 * The lines of a results file, leniently: a line that is not a JSON object becomes an error result
 * naming its line, so one bad line does not hide the others.
 */
function readResultLines<L>(
  text: string,
  toLine: (key: unknown, response: unknown, error: unknown, where: string) => L,
): L[] {
  const lines: L[] = [];
  let number = 0;
  for (const line of text.split('\n')) {
    number++;
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      value = undefined;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      lines.push(
        toLine(
          undefined,
          undefined,
          { message: `line ${number} of the results file is not a JSON object` },
          `line ${number}`,
        ),
      );
      continue;
    }
    const record = value as Record<string, unknown>;
    const key = record['key'] ?? (record['metadata'] as { key?: unknown } | undefined)?.key;
    lines.push(toLine(key, record['response'], record['error'], `line ${number}`));
  }
  return lines;
}

/**
 * One result, its response checked as a `generateContent` body is (the batch's bytes are as
 * hostile as a call's): a response that is not one becomes the line's error, so a run reading
 * `parts` never meets a string, and token counts are read into non-negative integers (`'100'`
 * summed as a string, or a negative count, would make the usage and its cost silently wrong).
 */
function toLine(key: unknown, response: unknown, error: unknown, where: string): InlinedBatchLine {
  const line: InlinedBatchLine = {
    key: typeof key === 'string' ? key : undefined,
    response: undefined,
    error: isObject(error) ? (error as RpcStatus) : undefined,
  };
  if (response === undefined || response === null) return line;
  const parsed = parseGenerateContentResponse(response);
  if (parsed.ok) line.response = parsed.value;
  else if (line.error === undefined) {
    const at = parsed.path === '' ? 'the response' : `\`response.${parsed.path}\``;
    line.error = {
      message: `${where} of the batch's results is not a GenerateContentResponse: ${at} ${parsed.message}`,
    };
  }
  return line;
}

/**
 * Results in request order: by the given keys, else by gemloop's own `request-<n>` keys, else as
 * read (Google documents neither order for results files, so the key decides). Generic over what a
 * result holds: a `GenerateContentResponse`, or an embedding batch's `EmbedContentResponse`.
 * @internal
 */
export function orderResults<R>(
  lines: readonly {
    key: string | undefined;
    response: R | undefined;
    error: RpcStatus | undefined;
  }[],
  keys: readonly string[] | undefined,
): { key: string; index: number | undefined; response?: R; error?: RpcStatus }[] {
  const positions =
    keys === undefined ? undefined : new Map(keys.map((key, index) => [key, index]));
  type Ordered = { key: string; index: number | undefined; response?: R; error?: RpcStatus };
  const results = lines.map((line, read): Ordered & { read: number } => {
    const key = line.key ?? `request-${read}`;
    const own = /^request-(\d+)$/.exec(key);
    const index =
      positions !== undefined ? positions.get(key) : own === null ? undefined : Number(own[1]);
    const result: Ordered & { read: number } = { key, index, read };
    if (line.response !== undefined) result.response = line.response;
    if (line.error !== undefined) result.error = line.error;
    if (line.response === undefined && line.error === undefined) {
      result.error = { message: 'the batch gave neither a response nor an error for this request' };
    }
    return result;
  });
  results.sort(
    (a, b) =>
      (a.index ?? Number.MAX_SAFE_INTEGER) - (b.index ?? Number.MAX_SAFE_INTEGER) ||
      a.read - b.read,
  );
  return results.map(({ read: _read, ...result }) => result);
}

function toKeyed(
  item: BatchRequestInput,
  index: number,
  model: string,
): { key: string; body: Omit<GenerateContentRequest, 'model'> } {
  const argument = `request.requests[${index}]`;
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    throw new InvalidArgumentError({
      argument,
      message: `${argument} must be a request such as { contents: 'Hello' }, or { key, request }.`,
    });
  }
  const keyed = 'request' in item && typeof (item as { key?: unknown }).key === 'string';
  const key = keyed ? (item as { key: string }).key : `request-${index}`;
  const request = keyed
    ? (item as { request: Omit<GenerateContentRequest, 'model'> }).request
    : item;
  const body = buildGenerateContentBody(
    { ...(request as Omit<GenerateContentRequest, 'model'>), model } as GenerateContentRequest,
    keyed ? `${argument}.request` : argument,
  );
  return { key, body: body as Omit<GenerateContentRequest, 'model'> };
}

function checkCreate(request: CreateBatchRequest): CreateBatchRequest & { model: string } {
  return checkBatchCreate(request, {
    method: 'batches.create',
    keys: CREATE_KEYS,
    example: "{ model: 'gemini-2.5-flash', requests: [...] }",
    items: 'requests',
  });
}

/**
 * The checks a batch's create request gets, shared with the embedding batches: an object of known
 * fields, a model, either `requests` (non-empty) or `fileName`, `input` and `displayName` valid.
 * @internal
 */
export function checkBatchCreate<
  T extends {
    model: string;
    requests?: readonly unknown[] | undefined;
    fileName?: string | undefined;
    input?: string | undefined;
    displayName?: string | undefined;
  },
>(
  request: T,
  options: { method: string; keys: ReadonlySet<string>; example: string; items: string },
): T & { model: string } {
  const { method, keys, example, items } = options;
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    throw new InvalidArgumentError({
      argument: 'request',
      message: `${method} takes ${example} or { model, fileName }.`,
    });
  }
  for (const key in request) {
    if (!keys.has(key)) {
      throw new InvalidArgumentError({
        argument: `request.${key}`,
        message: `Unknown ${method} field '${key}'; the fields are ${[...keys].join(', ')}.`,
      });
    }
  }
  const model = toModelPath(request.model, 'request.model');
  const hasRequests = request.requests !== undefined;
  if (hasRequests === (request.fileName !== undefined)) {
    throw new InvalidArgumentError({
      argument: 'request',
      message: `${method} takes either requests (inline, or uploaded for you) or fileName (an uploaded JSONL file), not both or neither.`,
    });
  }
  if (hasRequests && (!Array.isArray(request.requests) || request.requests.length === 0)) {
    throw new InvalidArgumentError({
      argument: 'request.requests',
      message: `request.requests must be a non-empty array of ${items}.`,
    });
  }
  if (request.input !== undefined && !['auto', 'inline', 'file'].includes(request.input)) {
    throw new InvalidArgumentError({
      argument: 'request.input',
      message: "request.input must be 'auto', 'inline' or 'file'.",
    });
  }
  if (
    request.displayName !== undefined &&
    (typeof request.displayName !== 'string' || request.displayName.length > 512)
  ) {
    throw new InvalidArgumentError({
      argument: 'request.displayName',
      message: 'request.displayName must be a string of at most 512 characters.',
    });
  }
  return { ...request, model };
}

/** `batches/abc` as is, a bare `abc` prefixed; anything else refused. @internal */
export function toBatchPath(name: unknown, argument = 'name'): string {
  if (typeof name === 'string') {
    if (BATCH_NAME.test(name)) return name;
    if (BATCH_ID.test(name)) return `batches/${name}`;
  }
  throw new InvalidArgumentError({
    argument,
    message: `${argument} must be a batch name such as 'batches/abc123' (the name batches.create returned); got ${describeName(name)}.`,
  });
}

/** Checks a batch operation: an object with a `name`. @internal */
export function checkJob(value: unknown, context: CheckContext): BatchJob {
  if (!isObject(value) || typeof value['name'] !== 'string') {
    throw invalidResponse(context, 'returned a body that is not a batch operation with a `name`');
  }
  return value as BatchJob;
}

function checkJobList(value: unknown, context: CheckContext): ListBatchesResponse {
  if (!isObject(value)) throw invalidResponse(context, 'returned a body that is not an object');
  const list = value['operations'] ?? value['batches'];
  if (list === undefined || list === null) value['operations'] = [];
  else if (
    !Array.isArray(list) ||
    !list.every((item) => isObject(item) && typeof item['name'] === 'string')
  ) {
    throw invalidResponse(context, '`operations` is not an array of batches with a `name`');
  } else value['operations'] = list;
  const token = value['nextPageToken'];
  if (token !== undefined && token !== null && typeof token !== 'string') {
    throw invalidResponse(context, '`nextPageToken` is not a string');
  }
  return value as ListBatchesResponse;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
