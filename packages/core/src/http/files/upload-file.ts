import { ApiCallError } from '../../errors/api-call-error.ts';
import { UploadError } from '../../errors/files-and-batches/upload-error.ts';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { cutText } from '../../shared/cut-text.ts';
import { redactSecrets } from '../../shared/redact-secrets.ts';
import type { Secrets } from '../../shared/secret-list.ts';
import { untilAborted } from '../../shared/until-aborted.ts';
import type { GeminiFile } from '../../wire/file.ts';
import type { CheckContext } from '../attempts/check-responses.ts';
import { withRequestPath } from '../attempts/load-request-path.ts';
import { hasSnakeTwin, readingSnakeCase } from '../attempts/read-snake-case.ts';
import { type ResolvedCallOptions, resolveCallOptions } from '../options/resolve-call-options.ts';
import type { ResolvedClientOptions } from '../options/resolve-client-options.ts';
import { checkAnsweredFile } from './check-answered-file.ts';
import { refuseOnVertex, toUnsupportedEndpoint } from './endpoint-support.ts';
import { isMediaType, pickCallOptions, uploadOptionsDeclaration } from './file-options.ts';
import type { UploadFileOptions, UploadSource } from './files.ts';
import {
  describeUploadSource,
  type OpenedUploadSource,
  openUploadSource,
  toSourceReadError,
} from './read-upload-source.ts';
import { rebaseUploadUrl } from './rebase-upload-url.ts';
import { waitToResume } from './wait-to-resume.ts';

/** `@google/genai` 3.1.0's `MAX_CHUNK_SIZE` (8 MiB). */
const DEFAULT_CHUNK_SIZE = 8 * 1024 * 1024;
/** Tries per chunk, as `@google/genai` 3.1.0's `MAX_RETRY_COUNT`. */
const MAX_CHUNK_ATTEMPTS = 3;
/**
 * The Files API's per-file maximum (2 GB, ai.google.dev/gemini-api/docs/files; the figure
 * `@ai-sdk/google` 4.0.121 uses for a batch's input file): a stream without `size` that goes on
 * past it is stopped here, not sent on until a server refuses.
 */
const MAX_UPLOAD_BYTES = 2 * 1024 * 1024 * 1024;
/** The most a `start` or chunk answer may say about granularity we honour (guards a hostile header). */
const MAX_GRANULARITY = 64 * 1024 * 1024;

/**
 * Where a resumable upload goes and what its final answer holds: the Files API (`{ file }`) or a
 * File Search store (the operation itself, `@google/genai` 2.18's `uploadBlobToFileSearchStore`).
 * @internal
 */
export type UploadTarget<T> = {
  /** The method named in errors and logs, e.g. `files.upload`. */
  method: string;
  /** The start URL, e.g. `{base}/upload/v1beta/files`. */
  url: string;
  /** The start request's JSON body (the bytes' metadata). */
  body: (mimeType: string) => Record<string, unknown>;
  /**
   * The result in a `final` answer's body, or undefined when it has none; throws (the answer's
   * `ApiCallError`) when it names a result that is not one (a file named `../../x`).
   */
  readResult: (value: unknown, context: CheckContext) => T | undefined;
  /**
   * Whether a `final` answer is spelt in snake_case (a gateway's `mime_type`), so that the
   * answer is renamed before `readResult` reads it (read-snake-case.ts).
   */
  isSnakeCase: (value: Record<string, unknown>) => boolean;
};

/** What one answer of the upload URL says. */
type UploadAnswer<T = GeminiFile> = {
  /** `x-goog-upload-status`, lower-cased: `active`, `final` or `cancelled`. */
  status: string | undefined;
  /** The header as it came, for a message (scrubbed there: a gateway may echo the key in it). */
  statusText: string | undefined;
  /** `x-goog-upload-size-received` (a `query` answer). */
  received: number | undefined;
  /** The result of a `final` answer (a `file`, an operation). */
  file: T | undefined;
};

/**
 * The resumable upload of the Files API, read from `@google/genai` 3.1.0 (`fetchUploadUrl` and
 * `uploadBlobInternal` in dist/node/index.mjs) and `@ai-sdk/google` 4.0.121 (`google-files.ts`),
 * and Google's protocol description (developers.google.com/drive/api/guides/manage-uploads#resumable,
 * the same `X-Goog-Upload-*` headers):
 *
 * 1. `POST {base}/upload/{version}/files` with `X-Goog-Upload-Protocol: resumable`, `-Command:
 *    start`, `-Header-Content-Length`, `-Header-Content-Type` and `{ file: { displayName } }`;
 *    the answer's `x-goog-upload-url` is where the bytes go.
 * 2. `POST {upload url}` per chunk with `X-Goog-Upload-Command: upload` (`upload, finalize` for the
 *    last) and `X-Goog-Upload-Offset`; `x-goog-upload-status` says `active` until `final`, whose
 *    body is `{ file }`.
 * 3. A chunk that fails is resumed: `X-Goog-Upload-Command: query` answers the bytes received
 *    (`x-goog-upload-size-received`), and the chunk is sent again from there.
 *
 * The upload URL is re-based onto the client's base URL, as `uploadBlobInternal` does, so the key
 * is never sent to a host the client was not configured with.
 * @internal
 */
export async function uploadFile(
  client: ResolvedClientOptions,
  defaults: ResolvedCallOptions,
  source: UploadSource,
  options: UploadFileOptions | undefined,
): Promise<GeminiFile> {
  refuseOnVertex(client, 'files.upload');
  const checked = options === undefined ? {} : uploadOptionsDeclaration.check(options);
  return uploadResumable(client, defaults, source, options, checked, {
    method: 'files.upload',
    url: `${client.baseUrl}/upload/${client.apiVersion}/files`,
    body: () => ({
      file: checked.displayName === undefined ? {} : { displayName: checked.displayName },
    }),
    readResult: (value, context) => {
      const file = isObject(value) ? value['file'] : undefined;
      return isObject(file) && typeof file['name'] === 'string'
        ? checkAnsweredFile(file as GeminiFile, context)
        : undefined;
    },
    isSnakeCase: (value) => isSnakeCaseFile(value['file']),
  });
}

/**
 * Whether a file is spelt in snake_case (`mime_type`, `size_bytes`, `expiration_time`): a
 * gateway's, read in camelCase. @internal
 */
export function isSnakeCaseFile(value: unknown): boolean {
  return hasSnakeTwin(value, ['mimeType', 'sizeBytes', 'createTime', 'expirationTime']);
}

/**
 * The resumable protocol for any {@link UploadTarget}, with options already checked.
 * @internal
 */
export async function uploadResumable<T>(
  client: ResolvedClientOptions,
  defaults: ResolvedCallOptions,
  source: UploadSource,
  options: UploadFileOptions | undefined,
  checked: UploadFileOptions,
  target: UploadTarget<T>,
): Promise<T> {
  const call = resolveCallOptions(pickCallOptions(options), client, defaults);
  const read = { method: target.method, source: describeUploadSource(source), size: checked.size };
  const opened = await openUploadSource(source, checked.size, target.method).catch(
    (error: unknown) => {
      throw toSourceReadError(error, { ...read, offset: 0 }, call.signal);
    },
  );
  try {
    const mimeType = checked.mimeType ?? opened.type;
    if (mimeType === undefined) {
      throw new InvalidArgumentError({
        argument: 'options.mimeType',
        message: `${target.method} needs options.mimeType (e.g. 'text/plain', 'application/pdf'): the API stores the media type with the file.`,
      });
    }
    // A Blob's own type is checked as options.mimeType is: it is sent as the same header.
    if (checked.mimeType === undefined && !isMediaType(mimeType)) {
      throw new InvalidArgumentError({
        argument: 'options.mimeType',
        message: `${target.method}: the Blob's type ${JSON.stringify(cutText(mimeType, 60))}${mimeType.length > 60 ? ` (${mimeType.length} characters)` : ''} is not a media type the API can be sent; give options.mimeType (e.g. 'text/plain', 'application/pdf').`,
      });
    }
    const size = opened.size ?? checked.size;
    if (size !== undefined && size > MAX_UPLOAD_BYTES) {
      // A stream's size is the caller's options.size; any other source's is its own.
      const streamed = typeof ReadableStream !== 'undefined' && source instanceof ReadableStream;
      throw tooLarge(target.method, size, streamed ? 'options.size' : 'source');
    }
    const started = await start(client, call, target, { mimeType, size });
    // The upload URL is a capability (the AI SDK sends its chunks with no key at all): its
    // upload_id is kept out of errors and logs like the key.
    return await sendChunks(client, withUploadSecret(call, started.uploadUrl), opened, target, {
      ...started,
      source: read.source,
      size,
      chunkSize: roundUp(checked.chunkSize ?? DEFAULT_CHUNK_SIZE, started.granularity),
      onProgress: checked.onProgress,
    });
  } catch (error) {
    throw toUnsupportedEndpoint(error, client, target.method);
  } finally {
    await opened.close();
  }
}

async function start<T>(
  client: ResolvedClientOptions,
  call: ResolvedCallOptions,
  target: UploadTarget<T>,
  file: { mimeType: string; size: number | undefined },
): Promise<{ uploadUrl: string; granularity: number }> {
  const headers: Record<string, string> = {
    ...call.headers,
    'content-type': 'application/json',
    'x-goog-upload-protocol': 'resumable',
    'x-goog-upload-command': 'start',
    'x-goog-upload-header-content-type': file.mimeType,
  };
  if (file.size !== undefined) headers['x-goog-upload-header-content-length'] = String(file.size);
  const body = JSON.stringify(target.body(file.mimeType));
  return withRequestPath(({ requestJson }) =>
    requestJson({
      client,
      call: { ...call, headers },
      method: target.method,
      url: target.url,
      httpMethod: 'POST',
      body,
      allowEmptyBody: true,
      check: (_value, context) => {
        const location = headerOf(context, 'x-goog-upload-url');
        if (location === undefined || location === '') {
          throw new UploadError({
            message: `${target.method}: the start answer had no x-goog-upload-url header, so there is nowhere to send the bytes. The endpoint probably does not serve this API.`,
            reason: 'no-upload-url',
            size: file.size ?? 0,
          });
        }
        const granularity = Number(headerOf(context, 'x-goog-upload-chunk-granularity'));
        return {
          uploadUrl: rebaseUploadUrl(location, client.baseUrl, target.method),
          granularity:
            Number.isSafeInteger(granularity) && granularity > 0 && granularity <= MAX_GRANULARITY
              ? granularity
              : 1,
        };
      },
    }),
  );
}

async function sendChunks<T>(
  client: ResolvedClientOptions,
  call: ResolvedCallOptions,
  opened: OpenedUploadSource,
  target: UploadTarget<T>,
  plan: {
    uploadUrl: string;
    /** The source as messages name it (`"./talk.mp4"`, `the ReadableStream`). */
    source: string;
    size: number | undefined;
    chunkSize: number;
    onProgress: UploadFileOptions['onProgress'];
  },
): Promise<T> {
  const { size, chunkSize } = plan;
  // A source may stall (a stream piped from a server that stops sending): each read ends with
  // the call's signal, as the requests do (attack31).
  const signal = call.signal;
  const method = target.method;
  const read = async (): Promise<Uint8Array> => {
    try {
      return await (signal === undefined
        ? opened.next(chunkSize)
        : untilAborted(opened.next(chunkSize), signal, noop));
    } catch (error) {
      throw toSourceReadError(error, { method, source: plan.source, size, offset }, signal);
    }
  };
  let offset = 0;
  let chunk = await read();
  for (;;) {
    // An endless source (a stream that never closes) stops at its announced size, else at the
    // per-file maximum, before the chunk past it is sent (files40).
    if (offset + chunk.byteLength > (size ?? MAX_UPLOAD_BYTES))
      throw tooLong(target.method, size, offset);
    // One chunk read ahead, to know whether this one is the last (a stream has no size).
    const next = chunk.byteLength < chunkSize ? new Uint8Array(0) : await read();
    const last = next.byteLength === 0;
    if (last && size !== undefined && offset + chunk.byteLength !== size) {
      throw new UploadError({
        message: `${target.method}: the source gave ${offset + chunk.byteLength} bytes, not the ${size} announced; nothing was finalised.`,
        reason: 'size-mismatch',
        size,
        offset,
      });
    }
    const answer = await sendChunk(client, call, target, plan.uploadUrl, chunk, offset, last, size);
    offset += chunk.byteLength;
    try {
      plan.onProgress?.({ uploadedBytes: offset, totalBytes: size });
    } catch {
      // Ignored, as documented on UploadFileOptions.onProgress.
    }
    if (answer.status === 'final') {
      if (!last || answer.file === undefined) {
        throw notFinal(
          target.method,
          size ?? offset,
          offset,
          `the server finalised the upload early at ${offset} bytes`,
        );
      }
      return answer.file;
    }
    if (answer.status !== 'active') {
      throw new UploadError({
        message: `${target.method}: the server answered x-goog-upload-status ${shownStatus(answer, call)} at ${offset} bytes (expected active), so the upload stopped.`,
        reason: answer.status === 'cancelled' ? 'cancelled' : 'not-finalized',
        size: size ?? offset,
        offset,
      });
    }
    if (last)
      throw notFinal(
        target.method,
        size ?? offset,
        offset,
        'all bytes were sent but the server did not finalise the upload',
      );
    chunk = next;
  }
}

/**
 * Sends one chunk; on a retryable failure asks the server how much it has (`query`) and sends the
 * rest of the chunk from there, at most {@link MAX_CHUNK_ATTEMPTS} times, each after the retry
 * policy's wait (`waitToResume`); with retries off (`retry: false`), once.
 */
async function sendChunk<T>(
  client: ResolvedClientOptions,
  call: ResolvedCallOptions,
  target: UploadTarget<T>,
  uploadUrl: string,
  chunk: Uint8Array,
  chunkOffset: number,
  last: boolean,
  size: number | undefined,
): Promise<UploadAnswer<T>> {
  const command = last ? 'upload, finalize' : 'upload';
  let from = chunkOffset;
  let lastError: ApiCallError | undefined;
  for (let attempt = 1; attempt <= MAX_CHUNK_ATTEMPTS; attempt++) {
    if (lastError !== undefined) await waitToResume(lastError, attempt - 1, call);
    try {
      return await uploadRequest(client, call, target, uploadUrl, {
        command,
        offset: from,
        body: chunk.subarray(from - chunkOffset),
      });
    } catch (error) {
      // `retry: false` (maxRetries 0) sends a chunk once, as it sends any call once.
      if (!ApiCallError.isInstance(error) || !error.isRetryable || call.retry.maxRetries === 0) {
        throw error;
      }
      lastError = error;
    }
    // The connection broke or the server failed: where did it stop? (The query itself is retried
    // by the client's policy, with its backoff.)
    const state = await uploadRequest(client, call, target, uploadUrl, { command: 'query' });
    if (state.status === 'final' && last && state.file !== undefined) return state;
    const received = state.received;
    if (
      received === undefined ||
      received < chunkOffset ||
      received > chunkOffset + chunk.byteLength
    ) {
      throw new UploadError({
        message: `${target.method}: after a failed chunk the server reports ${received ?? 'no'} bytes received, outside the chunk held (${chunkOffset}..${chunkOffset + chunk.byteLength}); upload the file again.`,
        reason: 'offset-mismatch',
        size: size ?? chunkOffset + chunk.byteLength,
        offset: received,
        cause: lastError,
      });
    }
    if (received === chunkOffset + chunk.byteLength && !last) return { ...state, status: 'active' };
    from = received;
  }
  throw new UploadError({
    message: `${target.method}: the chunk at ${chunkOffset} bytes failed ${MAX_CHUNK_ATTEMPTS} times; upload the file again.`,
    reason: 'chunk-failed',
    size: size ?? chunkOffset + chunk.byteLength,
    offset: from,
    cause: lastError,
  });
}

function uploadRequest<T>(
  client: ResolvedClientOptions,
  call: ResolvedCallOptions,
  target: UploadTarget<T>,
  uploadUrl: string,
  request: { command: string; offset?: number | undefined; body?: Uint8Array | undefined },
): Promise<UploadAnswer<T>> {
  const headers: Record<string, string> = {
    ...call.headers,
    'x-goog-upload-command': request.command,
  };
  if (request.offset !== undefined) headers['x-goog-upload-offset'] = String(request.offset);
  if (request.body !== undefined) headers['content-type'] = 'application/octet-stream';
  return withRequestPath(({ requestJson }) =>
    requestJson({
      client,
      // A chunk is resumed by sendChunk from the server's offset, not resent whole; a query is
      // retried by the client's policy.
      call:
        request.body === undefined
          ? { ...call, headers }
          : { ...call, headers, retry: { ...call.retry, maxRetries: 0 } },
      method: `${target.method} (${request.command === 'query' ? 'query' : 'chunk'})`,
      url: uploadUrl,
      httpMethod: 'POST',
      body: request.body ?? '',
      allowEmptyBody: true,
      check: readingSnakeCase(
        (value, context) => readUploadAnswer(value, context, target),
        target.isSnakeCase,
      ),
    }),
  );
}

function readUploadAnswer<T>(
  value: unknown,
  context: CheckContext,
  target: UploadTarget<T>,
): UploadAnswer<T> {
  const statusText = headerOf(context, 'x-goog-upload-status');
  const status = statusText?.toLowerCase();
  const receivedText = headerOf(context, 'x-goog-upload-size-received');
  const received = receivedText === undefined ? undefined : Number(receivedText);
  return {
    status,
    statusText,
    received:
      received !== undefined && Number.isSafeInteger(received) && received >= 0
        ? received
        : undefined,
    // Only a final answer carries the result (an active one may echo metadata).
    file: status === 'final' ? target.readResult(value, context) : undefined,
  };
}

function headerOf(context: CheckContext, name: string): string | undefined {
  const headers = context.response.headers;
  const value =
    typeof (headers as Headers).get === 'function'
      ? (headers as Headers).get(name)
      : (headers as Record<string, string>)[name];
  return value ?? undefined;
}

function withUploadSecret(call: ResolvedCallOptions, uploadUrl: string): ResolvedCallOptions {
  const id = new URL(uploadUrl).searchParams.get('upload_id');
  if (id === null || id === '') return call;
  const base = call.secrets;
  const secrets: Secrets = {
    get values() {
      const values = base.values;
      return values.includes(id) ? values : [...values, id].sort((a, b) => b.length - a.length);
    },
  };
  return { ...call, secrets };
}

/** The status header as the server spelt it, the call's secrets scrubbed before it is cut. */
function shownStatus(answer: UploadAnswer<unknown>, call: ResolvedCallOptions): string {
  if (answer.statusText === undefined) return 'null';
  return JSON.stringify(cutText(redactSecrets(answer.statusText, call.secrets.values), 100));
}

function noop(): void {}

function roundUp(value: number, granularity: number): number {
  return Math.max(granularity, Math.ceil(value / granularity) * granularity);
}

function tooLong(method: string, size: number | undefined, offset: number): UploadError {
  return new UploadError({
    message:
      size === undefined
        ? `${method}: the source gave more than ${MAX_UPLOAD_BYTES} bytes, the Files API's per-file maximum; nothing was finalised.`
        : `${method}: the source gave more than the ${size} bytes announced; nothing was finalised.`,
    reason: 'size-mismatch',
    size: size ?? MAX_UPLOAD_BYTES,
    offset,
  });
}

/**
 * A known size past the per-file maximum, refused before the start request: the chunks went on
 * until a server refused, up to 2 GiB read and sent for an upload no Files API takes (attack47a).
 */
function tooLarge(method: string, size: number, argument: string): InvalidArgumentError {
  return new InvalidArgumentError({
    argument,
    message: `${method}: the ${argument === 'source' ? 'source' : 'stream (options.size)'} is ${size} bytes, past the Files API's per-file maximum of ${MAX_UPLOAD_BYTES} bytes (2 GiB); nothing was sent. Split the file, or shrink it (a lower resolution or bitrate).`,
  });
}

function notFinal(method: string, size: number, offset: number, what: string): UploadError {
  return new UploadError({
    message: `${method}: ${what} (x-goog-upload-status not final).`,
    reason: 'not-finalized',
    size,
    offset,
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
