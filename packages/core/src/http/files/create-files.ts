import { ApiCallError } from '../../errors/api-call-error.ts';
import { FileNotFoundError } from '../../errors/files-and-batches/file-not-found-error.ts';
import { FileProcessingError } from '../../errors/files-and-batches/file-processing-error.ts';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { ResponseTooLargeError } from '../../errors/response-too-large-error.ts';
import { TimeoutError } from '../../errors/timeout-error.ts';
import { twoCopiesHint } from '../../errors/two-copies-hint.ts';
import { sleep } from '../../retry/sleep.ts';
import { cutText } from '../../shared/cut-text.ts';
import { redactSecrets } from '../../shared/redact-secrets.ts';
import type { GeminiFile, ListFilesResponse } from '../../wire/file.ts';
import { checkNextPageToken } from '../attempts/check-next-page-token.ts';
import type { CheckContext } from '../attempts/check-responses.ts';
import { withRequestPath } from '../attempts/load-request-path.ts';
import { invalidResponse } from '../attempts/read-json-response.ts';
import { isSnakeCasePage, readingSnakeCase } from '../attempts/read-snake-case.ts';
import { type SendWithRetryOptions, sendWithRetry } from '../attempts/send-with-retry.ts';
import { type ClientInternals, clientInternalsOf } from '../client-internals.ts';
import type { Gemini } from '../gemini.ts';
import { listAllPages } from '../list-all-pages.ts';
import {
  listOptionsDeclaration,
  type ResolvedCallOptions,
  resolveCallOptions,
} from '../options/resolve-call-options.ts';
import type { ResolvedClientOptions } from '../options/resolve-client-options.ts';
import { toPageQuery } from '../options/to-page-query.ts';
import { readReaderBytes } from '../transport/read-reader-text.ts';
import { checkAnsweredFile, checkListedFiles } from './check-answered-file.ts';
import { refuseOnVertex, toUnsupportedEndpoint } from './endpoint-support.ts';
import {
  downloadOptionsDeclaration,
  pickCallOptions,
  pollOptionsDeclaration,
} from './file-options.ts';
import type { Files } from './files.ts';
import { toFilePath } from './to-file-path.ts';
import { isSnakeCaseFile, uploadFile } from './upload-file.ts';

/** The AI SDK's `pollIntervalMs` default (`@ai-sdk/google` 4.0.121, google-files.ts). */
const DEFAULT_POLL_INTERVAL_MS = 2000;
/** Bounds a wait a gateway never ends (`PROCESSING` forever), as `waitForOperation`'s maxPolls. */
const DEFAULT_MAX_POLLS = 1000;

/**
 * The Files API of a client made by `createGemini` (Google's Gemini API), on the same request path as the model calls (retries, attempt
 * time limits, typed errors, debug lines, redaction, size caps). Routes: ai.google.dev/api/files
 * (`GET v1beta/files/{id}`, `GET v1beta/files?pageSize&pageToken`, `DELETE v1beta/files/{id}`),
 * the upload under `upload/v1beta/files` and the download under
 * `download/v1beta/files/{id}:download?alt=media` (as `@ai-sdk/google` 4.0.121's google-batch.ts
 * downloads a batch's results). Its code is loaded only by apps that import it, so an agent app's
 * browser bundle does not carry it.
 *
 * @example
 * ```ts
 * const files = createFiles(gemini);
 * const file = await files.upload('./talk.mp4', { mimeType: 'video/mp4' });
 * await files.waitUntilActive(file);
 * ```
 * @throws {@link InvalidArgumentError} when `gemini` was not made by `createGemini`.
 */
export function createFiles(gemini: Gemini): Files {
  const { client, defaults } = internalsOf(gemini, 'createFiles');
  return makeFiles(client, defaults);
}

/**
 * The settings of a client made by `createGemini`.
 * @throws {@link InvalidArgumentError} for any other object (a hand-made client, a wrapper).
 * @internal
 */
export function internalsOf(gemini: Gemini, method: string): ClientInternals {
  const internals = clientInternalsOf(gemini);
  if (internals === undefined) {
    throw new InvalidArgumentError({
      argument: 'gemini',
      message: `${method} needs a client made by createGemini (a hand-made client or a wrapper, such as a durable run's, does not carry the settings it sends with).${twoCopiesHint(gemini)}`,
    });
  }
  return internals;
}

function makeFiles(client: ResolvedClientOptions, defaults: ResolvedCallOptions): Files {
  const files: Files = {
    upload: (source, options) => uploadFile(client, defaults, source, options),

    async get(name, callOptions) {
      refuseOnVertex(client, 'files.get');
      const path = toFilePath(name);
      const call = resolveCallOptions(callOptions, client, defaults);
      return withRequestPath(({ requestJson }) =>
        requestJson({
          client,
          call,
          method: 'files.get',
          url: `${client.root}${path}`,
          httpMethod: 'GET',
          // The file asked for, not another (each poll of waitUntilActive reads through here).
          check: async (value, context) =>
            checkAnsweredFile(await readFile(value, context), context, path),
        }),
      ).catch((error: unknown) => {
        throw toFileError(error, client, 'files.get', path);
      });
    },

    async list(listOptions) {
      refuseOnVertex(client, 'files.list');
      const call = resolveCallOptions(listOptions, client, defaults, listOptionsDeclaration);
      return withRequestPath(({ requestJson }) =>
        requestJson({
          client,
          call,
          method: 'files.list',
          url: `${client.root}files${toPageQuery(listOptions)}`,
          httpMethod: 'GET',
          check: readFileList,
        }),
      ).catch((error: unknown) => {
        throw toUnsupportedEndpoint(error, client, 'files.list');
      });
    },

    listAll(listOptions) {
      return listAllPages({
        method: 'files.list',
        url: `${client.root}files`,
        secrets: client.secrets,
        listPage: async (pageToken) => {
          const page = await files.list({ ...listOptions, pageToken });
          return { items: page.files, nextPageToken: page.nextPageToken };
        },
      });
    },

    async delete(name, callOptions) {
      refuseOnVertex(client, 'files.delete');
      const path = toFilePath(name);
      const call = resolveCallOptions(callOptions, client, defaults);
      await withRequestPath(({ requestJson }) =>
        requestJson({
          client,
          call,
          method: 'files.delete',
          url: `${client.root}${path}`,
          httpMethod: 'DELETE',
          check: () => undefined,
          allowEmptyBody: true,
        }),
      ).catch((error: unknown) => {
        throw toFileError(error, client, 'files.delete', path);
      });
    },

    async download(name, options) {
      refuseOnVertex(client, 'files.download');
      const path = toFilePath(name);
      const checked = options === undefined ? {} : downloadOptionsDeclaration.check(options);
      const call = resolveCallOptions(pickCallOptions(options), client, defaults);
      const maxBytes = checked.maxBytes ?? client.maxResponseBytes;
      const url = `${client.baseUrl}/download/${client.apiVersion}/${path}:download?alt=media`;
      try {
        const attempt = await sendWithRetry<Uint8Array, SendWithRetryOptions>(
          { client, call, method: 'files.download', url, httpMethod: 'GET' },
          async (response, current) => {
            current.waitingFor = 'the file bytes';
            return readBytes(response, maxBytes, url, current.number);
          },
        );
        attempt.succeed();
        return attempt.value;
      } catch (error) {
        throw toFileError(error, client, 'files.download', path);
      }
    },

    async waitUntilActive(file, options) {
      const name = typeof file === 'string' ? file : file?.name;
      const path = toFilePath(name, 'file');
      const checked = options === undefined ? {} : pollOptionsDeclaration.check(options);
      const callOptions = pickCallOptions(options);
      const interval = checked.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
      const maxPolls = checked.maxPolls ?? DEFAULT_MAX_POLLS;
      for (let polls = 1; ; polls++) {
        const current = await files.get(path, callOptions);
        try {
          checked.onPoll?.(current);
        } catch {
          // Ignored, as documented on PollOptions.onPoll.
        }
        if (current.state === 'FAILED') {
          // The server's own words, scrubbed as an ApiCallError's are: a gateway may echo the key.
          // Only a string: a gateway's object or number there threw a bare TypeError (attack31).
          const secrets = resolveCallOptions(callOptions, client, defaults).secrets.values;
          const reason: unknown = current.error?.message;
          throw new FileProcessingError({
            fileName: redactSecrets(current.name, secrets),
            state: current.state,
            reason:
              typeof reason === 'string'
                ? cutText(redactSecrets(reason, secrets), 1000)
                : undefined,
          });
        }
        // Only PROCESSING is waited on. ACTIVE, no state (a lenient gateway), the enum's
        // STATE_UNSPECIFIED and a state this client does not know are given back as they are, for
        // the caller to judge: waiting on them was waiting forever (attack31).
        if (current.state !== 'PROCESSING') return current;
        if (polls >= maxPolls) {
          throw new TimeoutError({
            timeoutMs: (polls - 1) * interval,
            operation: 'files.waitUntilActive',
            message: `files.waitUntilActive: ${path} was still PROCESSING after ${polls} polls; it goes on server-side. Wait again, or raise options.maxPolls.`,
          });
        }
        await sleep(interval, checked.signal);
      }
    },
  };
  return files;
}

/** A 403 or a Google 404 on a file route: the file is missing or expired (the API does not tell them apart). */
function toFileError(
  error: unknown,
  client: ResolvedClientOptions,
  method: string,
  path: string,
): unknown {
  const mapped = toUnsupportedEndpoint(error, client, method);
  if (mapped !== error || !ApiCallError.isInstance(error)) return mapped;
  if (error.status === 403 || error.status === 404) {
    return new FileNotFoundError({ fileName: path, status: error.status, cause: error });
  }
  return error;
}

/** Reads a body as bytes, at most `maxBytes` (the rest cancelled unread). */
async function readBytes(
  response: Parameters<Parameters<typeof sendWithRetry>[1]>[0],
  maxBytes: number,
  url: string,
  attempt: number,
): Promise<Uint8Array> {
  const tooLarge = (received: number): ResponseTooLargeError =>
    new ResponseTooLargeError({
      message: `files.download: the file is larger than maxBytes (${maxBytes} bytes; ${received} read or announced), so reading stopped. Raise options.maxBytes if the file is genuine.`,
      url,
      method: 'files.download',
      status: response.status,
      maxBytes,
      receivedBytes: received,
      attempt,
    });
  const declared = Number(response.header('content-length'));
  if (
    response.header('content-encoding') === null &&
    Number.isFinite(declared) &&
    declared > maxBytes
  ) {
    response
      .reader()
      ?.cancel()
      .catch(() => {});
    throw tooLarge(declared);
  }
  const reader = response.reader();
  if (reader === undefined) {
    const bytes = new TextEncoder().encode(await response.text());
    if (bytes.byteLength > maxBytes) throw tooLarge(bytes.byteLength);
    return bytes;
  }
  // Joined every 4,096 chunks as they come: a file sent a byte at a time held an object per byte.
  const [bytes, total] = await readReaderBytes(reader, maxBytes);
  if (total > maxBytes) throw tooLarge(total);
  // The caller's own array of exactly the file, as before (one chunk is the transport's buffer).
  return bytes.constructor === Uint8Array && bytes.buffer.byteLength === total
    ? bytes
    : new Uint8Array(bytes);
}

// A snake_case gateway's file (`mime_type`, `size_bytes`, `expiration_time`) read in camelCase.
const readFile = readingSnakeCase(checkFile, isSnakeCaseFile);
const readFileList = readingSnakeCase(checkFileList, (page) =>
  isSnakeCasePage(page, 'files', isSnakeCaseFile),
);

function checkFile(value: unknown, context: CheckContext): GeminiFile {
  if (!isFile(value))
    throw invalidResponse(context, 'returned a body that is not a File with a `name`');
  return value;
}

function checkFileList(value: unknown, context: CheckContext): ListFilesResponse {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidResponse(context, 'returned a body that is not an object');
  }
  const page = value as Record<string, unknown>;
  const list = page['files'];
  if (list === undefined || list === null) page['files'] = [];
  else if (!Array.isArray(list) || !list.every(isFile)) {
    throw invalidResponse(context, '`files` is not an array of files with a `name`');
  } else checkListedFiles(list, context);
  checkNextPageToken(page, context);
  return page as ListFilesResponse;
}

function isFile(value: unknown): value is GeminiFile {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as { name?: unknown }).name === 'string'
  );
}
