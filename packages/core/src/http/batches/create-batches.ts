import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { TimeoutError } from '../../errors/timeout-error.ts';
import { type DeclaredOptions, defineOptions, optionCheck } from '../../options/define-options.ts';
import { sleep } from '../../retry/sleep.ts';
import type { BatchJob } from '../../wire/batch.ts';
import type { GenerateContentRequest } from '../../wire/request.ts';
import { withRequestPath } from '../attempts/load-request-path.ts';
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
import { toPageQuery } from '../options/to-page-query.ts';
import type {
  Batches,
  BatchRequestInput,
  BatchResultsOptions,
  CreateBatchRequest,
} from './batches.ts';
import { checkBatchCreate } from './check-batch-create.ts';
import { readJob, readJobList, toBatchPath } from './check-batch-job.ts';
import { isDone } from './is-done.ts';
import { orderResults } from './order-results.ts';
import { checkSucceeded, readBatchOutput, toLine } from './read-batch-output.ts';
import { toInputConfig } from './to-input-config.ts';

/** A batch takes minutes to hours: polling every 10 s costs nothing and answers soon enough. */
const DEFAULT_POLL_INTERVAL_MS = 10_000;
/** Past the 48 hours after which a job expires, at the default interval: bounds a gateway's forever. */
const DEFAULT_MAX_POLLS = 20_000;
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
        check: readJob,
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
          check: readJob,
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
          check: readJobList,
        }),
      ).catch((error: unknown) => {
        throw toUnsupportedEndpoint(error, client, 'batches.list');
      });
    },

    listAll(listOptions) {
      return listAllPages({
        method: 'batches.list',
        url: `${client.root}batches`,
        secrets: client.secrets,
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
      const maxPolls = checked.maxPolls ?? DEFAULT_MAX_POLLS;
      for (let polls = 1; ; polls++) {
        const current = await getJob(name as string, callOptions);
        try {
          checked.onPoll?.(current);
        } catch {
          // Ignored, as documented on PollOptions.onPoll.
        }
        if (isDone(current)) return current;
        if (polls >= maxPolls) {
          throw new TimeoutError({
            timeoutMs: (polls - 1) * interval,
            operation: 'batches.wait',
            message: `batches.wait: ${toBatchPath(name)} was still running after ${polls} polls; it goes on server-side. Wait again, or raise options.maxPolls.`,
          });
        }
        await sleep(interval, checked.signal);
      }
    },

    async results(job, options) {
      const checked = options === undefined ? {} : resultsOptionsDeclaration.check(options);
      const current = typeof job === 'string' ? await getJob(job, pickCallOptions(options)) : job;
      const secrets = resolveCallOptions(pickCallOptions(options), client, defaults).secrets.values;
      checkSucceeded(current, secrets);
      const lines = await readBatchOutput(current, {
        method: 'batches.results',
        files,
        maxBytes: checked.maxBytes ?? client.maxResponseBytes,
        callOptions: pickCallOptions(options),
        secrets,
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
