import { isJsonObject } from '@gemloop/core/internal';
import { type FakeHttpError, googleError } from '../script/fake-errors.ts';
import { jsonReply } from '../state/fake-reply.ts';
import type {
  FakeFile,
  FakeHttpRequest,
  FakeReply,
  FakeState,
  FakeUpload,
} from '../state/fake-state.ts';

/** The Files API keeps a file 48 hours (ai.google.dev/gemini-api/docs/files). */
const FILE_LIFETIME_MS = 48 * 3_600_000;
/** Google's resumable uploads ask for chunks in multiples of 256 KiB. */
const DEFAULT_GRANULARITY = 256 * 1024;

/**
 * The errors of the Files API as the fake words them. Sources per entry; where none was found the
 * entry says "approximated".
 * @internal
 */
export const fileErrors = {
  /**
   * A file that does not exist, was deleted or expired: 403 PERMISSION_DENIED "You do not have
   * permission to access the File {id} or it may not exist.", the text quoted in
   * google-gemini/generative-ai-python and googleapis/js-genai issues about expired files.
   */
  notFound: (id: string): FakeHttpError =>
    googleError(403, `You do not have permission to access the File ${id} or it may not exist.`),
  /** Approximated: an upload URL the fake never issued, or one already finalised. */
  unknownUpload: (): FakeHttpError => googleError(404, 'No upload session found for this URL.'),
  /** Approximated: a chunk whose X-Goog-Upload-Offset is not the bytes received so far. */
  badOffset: (expected: number, got: string | undefined): FakeHttpError =>
    googleError(
      400,
      `Invalid X-Goog-Upload-Offset ${got ?? '(missing)'}: the server has received ${expected} bytes.`,
    ),
  /** Approximated: `@google/genai` 3.1.0 documents download for generated files only. */
  notDownloadable: (id: string): FakeHttpError =>
    googleError(400, `Only generated files can be downloaded; files/${id} was uploaded.`, {
      status: 'FAILED_PRECONDITION',
    }),
};

/** A new id of 12 lowercase letters and digits, from a counter (the seeded random stays untouched). */
function nextId(state: FakeState, prefix: string): string {
  state.fileCounter++;
  return `${prefix}${state.fileCounter.toString(36).padStart(12 - prefix.length, '0')}`;
}

function now(state: FakeState): number {
  return state.options.now?.() ?? Date.now();
}

/** Reads a live file, forgetting it once expired (by the fake's clock). @internal */
export function findFile(state: FakeState, id: string): FakeFile | undefined {
  const file = state.files.get(id);
  if (file === undefined) return undefined;
  if (file.createTime + FILE_LIFETIME_MS <= now(state)) {
    state.files.delete(id);
    state.goneFiles.add(id);
    return undefined;
  }
  return file;
}

/** A Files API URI (`.../v1beta/files/{id}`, any host): the fake's own or Google's. */
const FILE_URI = /\/v1(?:beta|alpha)?\/files\/([a-z0-9-]{1,64})$/;
/** Parts looked at per request, at most (the request body is bounded; this bounds the walk). */
const MAX_PARTS_CHECKED = 10_000;

/**
 * The refusal of a `generateContent` whose `fileData.fileUri` names a file of this fake that
 * expired (48 h after upload, by the fake's clock) or was deleted: the Files API's 403
 * PERMISSION_DENIED "You do not have permission to access the File {id} or it may not exist.",
 * as users report it for generate calls on expired files (google-gemini/deprecated-generative-ai-python#692,
 * googleapis/python-genai#1218; the same text as files.get, google-gemini/deprecated-generative-ai-js#236).
 * Hand-written from those reports, not recorded. A URI the fake never issued passes (tests name
 * made-up files freely), as does one of a live file.
 * @internal
 */
export function checkFileUris(state: FakeState, body: unknown): FakeHttpError | undefined {
  if (state.goneFiles.size === 0 && state.files.size === 0) return undefined;
  const contents = isJsonObject(body) ? body['contents'] : undefined;
  if (!Array.isArray(contents)) return undefined;
  let seen = 0;
  const check = (parts: unknown): FakeHttpError | undefined => {
    if (!Array.isArray(parts)) return undefined;
    for (const part of parts) {
      if (++seen > MAX_PARTS_CHECKED || !isJsonObject(part)) return undefined;
      const fileData = part['fileData'] ?? part['file_data'];
      const uri = isJsonObject(fileData)
        ? (fileData['fileUri'] ?? fileData['file_uri'])
        : undefined;
      const id = typeof uri === 'string' ? FILE_URI.exec(uri)?.[1] : undefined;
      if (id !== undefined && findFile(state, id) === undefined && state.goneFiles.has(id))
        return fileErrors.notFound(id);
      // A function response's own parts (Gemini 3 multimodal function responses).
      const response = part['functionResponse'];
      const nested = isJsonObject(response) ? check(response['parts']) : undefined;
      if (nested !== undefined) return nested;
    }
    return undefined;
  };
  for (const content of contents) {
    const error = isJsonObject(content) ? check(content['parts']) : undefined;
    if (error !== undefined) return error;
  }
  return undefined;
}

/** Stores a file the fake made itself (a batch's results): `GENERATED`, `ACTIVE`. @internal */
export function addGeneratedFile(
  state: FakeState,
  file: { displayName: string; mimeType: string; bytes: Uint8Array },
): FakeFile {
  const id = nextId(state, 'g');
  const stored: FakeFile = {
    id,
    displayName: file.displayName,
    mimeType: file.mimeType,
    bytes: file.bytes,
    createTime: now(state),
    processingPolls: 0,
    failed: false,
    source: 'GENERATED',
  };
  state.files.set(id, stored);
  return stored;
}

/** The `File` resource of a stored file, as the API answers it. @internal */
export function describeFile(file: FakeFile, baseUrl: string): Record<string, unknown> {
  const created = new Date(file.createTime).toISOString();
  const resource: Record<string, unknown> = {
    name: `files/${file.id}`,
    mimeType: file.mimeType,
    sizeBytes: String(file.bytes.byteLength),
    createTime: created,
    updateTime: created,
    expirationTime: new Date(file.createTime + FILE_LIFETIME_MS).toISOString(),
    sha256Hash: '',
    uri: `${baseUrl}/v1beta/files/${file.id}`,
    state:
      file.failed && file.processingPolls <= 0
        ? 'FAILED'
        : file.processingPolls > 0
          ? 'PROCESSING'
          : 'ACTIVE',
    source: file.source,
  };
  if (file.displayName !== undefined) resource['displayName'] = file.displayName;
  if (resource['state'] === 'FAILED')
    resource['error'] = { code: 400, message: 'The media could not be processed.' };
  if (file.source === 'GENERATED')
    resource['downloadUri'] = `${baseUrl}/download/v1beta/files/${file.id}:download?alt=media`;
  return resource;
}

function origin(request: FakeHttpRequest): string {
  return `http://${request.headers['host'] ?? '127.0.0.1'}`;
}

function withHeaders(reply: FakeReply, headers: Record<string, string>): FakeReply {
  return { ...reply, headers: { ...reply.headers, ...headers } };
}

function emptyReply(state: FakeState, headers: Record<string, string>): FakeReply {
  return {
    status: 200,
    headers: { 'content-type': 'application/json; charset=UTF-8', ...headers },
    delayMs: state.options.latencyMs ?? 0,
    chunkDelayMs: 0,
    pieces: [''],
    end: 'normal',
  };
}

/**
 * `POST upload/{version}/files[?upload_id=...]`: the resumable protocol as `@google/genai` 3.1.0
 * speaks it (start, upload, `upload, finalize`, query, cancel; `x-goog-upload-*` headers).
 * Hand-written from that client's code, not from a recording.
 * @internal
 */
export function handleUploadRequest(
  state: FakeState,
  request: FakeHttpRequest,
  apiVersion: string,
  query: URLSearchParams,
  target?: { path: string; upload: Partial<FakeUpload> } | undefined,
): FakeReply {
  const command = (request.headers['x-goog-upload-command'] ?? '').toLowerCase();
  const uploadId = query.get('upload_id');
  const options = state.options.filesApi ?? {};
  if (uploadId === null) {
    if (
      request.method !== 'POST' ||
      command !== 'start' ||
      request.headers['x-goog-upload-protocol'] !== 'resumable'
    ) {
      return jsonReply(
        state,
        googleError(
          400,
          '[gemloop fake] The fake serves resumable uploads only: X-Goog-Upload-Protocol: resumable, X-Goog-Upload-Command: start.',
        ),
      );
    }
    let displayName: string | undefined;
    try {
      const body: unknown = request.body === '' ? {} : JSON.parse(request.body);
      const file = isJsonObject(body) ? body['file'] : undefined;
      const name = isJsonObject(file) ? (file['displayName'] ?? file['display_name']) : undefined;
      if (typeof name === 'string') displayName = name;
    } catch {
      return jsonReply(state, googleError(400, 'Invalid JSON payload received. Unexpected token.'));
    }
    const length = request.headers['x-goog-upload-header-content-length'];
    const id = nextId(state, 'u');
    const upload: FakeUpload = {
      id,
      displayName,
      mimeType: request.headers['x-goog-upload-header-content-type'] ?? 'application/octet-stream',
      declaredSize: length === undefined ? undefined : Number(length),
      pieces: [],
      received: 0,
      ...target?.upload,
    };
    state.uploads.set(id, upload);
    const granularity = options.chunkGranularity ?? DEFAULT_GRANULARITY;
    return emptyReply(state, {
      'x-goog-upload-url': `${origin(request)}/upload/${apiVersion}/${target?.path ?? 'files'}?upload_id=${id}&upload_protocol=resumable`,
      'x-goog-upload-status': 'active',
      'x-goog-upload-chunk-granularity': String(granularity),
    });
  }
  const upload = state.uploads.get(uploadId);
  if (upload === undefined) return jsonReply(state, fileErrors.unknownUpload());
  if (command === 'query') {
    return emptyReply(state, {
      'x-goog-upload-status': 'active',
      'x-goog-upload-size-received': String(upload.received),
    });
  }
  if (command === 'cancel') {
    state.uploads.delete(uploadId);
    return emptyReply(state, { 'x-goog-upload-status': 'cancelled' });
  }
  const commands = command.split(',').map((part) => part.trim());
  if (!commands.includes('upload')) {
    return jsonReply(state, googleError(400, `Unknown X-Goog-Upload-Command '${command}'.`));
  }
  const offset = request.headers['x-goog-upload-offset'];
  if (offset === undefined || Number(offset) !== upload.received) {
    return jsonReply(state, fileErrors.badOffset(upload.received, offset));
  }
  const bytes = request.bytes ?? new TextEncoder().encode(request.body);
  const chunkIndex = state.uploadChunks++;
  const broken = options.breakChunks?.find((rule) => rule.chunk === chunkIndex);
  if (broken !== undefined) {
    // The connection broke part-way: the server kept what arrived, the client saw a 503.
    const kept = bytes.subarray(0, Math.min(broken.keepBytes, bytes.byteLength));
    upload.pieces.push(kept.slice());
    upload.received += kept.byteLength;
    return jsonReply(state, googleError(503, 'The service is currently unavailable.'));
  }
  upload.pieces.push(bytes.slice());
  upload.received += bytes.byteLength;
  if (!commands.includes('finalize')) {
    return emptyReply(state, { 'x-goog-upload-status': 'active' });
  }
  if (upload.declaredSize !== undefined && upload.declaredSize !== upload.received) {
    return jsonReply(
      state,
      googleError(
        400,
        `Upload finalized with ${upload.received} bytes, but ${upload.declaredSize} were declared.`,
      ),
    );
  }
  state.uploads.delete(uploadId);
  const all = new Uint8Array(upload.received);
  let at = 0;
  for (const piece of upload.pieces) {
    all.set(piece, at);
    at += piece.byteLength;
  }
  if (upload.finish !== undefined)
    return withHeaders(upload.finish(all), { 'x-goog-upload-status': 'final' });
  const id = nextId(state, '');
  const described = { mimeType: upload.mimeType, displayName: upload.displayName };
  const polls = options.processingPolls;
  const file: FakeFile = {
    id,
    displayName: upload.displayName,
    mimeType: upload.mimeType,
    bytes: all,
    createTime: now(state),
    processingPolls:
      typeof polls === 'function'
        ? polls(described)
        : (polls ?? (upload.mimeType.startsWith('video/') ? 1 : 0)),
    failed: options.failProcessing?.(described) === true,
    source: 'UPLOADED',
  };
  state.files.set(id, file);
  return withHeaders(
    jsonReply(state, { status: 200, body: { file: describeFile(file, origin(request)) } }),
    { 'x-goog-upload-status': 'final' },
  );
}

/**
 * `GET/DELETE {version}/files[/{id}]`: get (a `PROCESSING` file moves on by one poll), list with
 * pages, delete; expiry 48 h after upload by the fake's clock.
 * @internal
 */
export function handleFileRequest(
  state: FakeState,
  request: FakeHttpRequest,
  id: string | undefined,
  query: URLSearchParams,
): FakeReply {
  const base = origin(request);
  if (id === undefined) {
    if (request.method !== 'GET')
      return jsonReply(
        state,
        googleError(404, `[gemloop fake] ${request.method} files is not a route.`),
      );
    const live = [...state.files.values()].filter((file) => findFile(state, file.id) !== undefined);
    const pageSize = Math.min(100, Math.max(1, Number(query.get('pageSize')) || 10));
    const offset = Math.max(0, Number(query.get('pageToken')) || 0);
    const body: Record<string, unknown> = {
      files: live.slice(offset, offset + pageSize).map((file) => describeFile(file, base)),
    };
    if (offset + pageSize < live.length) body['nextPageToken'] = String(offset + pageSize);
    return jsonReply(state, { status: 200, body });
  }
  const file = findFile(state, id);
  if (file === undefined) return jsonReply(state, fileErrors.notFound(id));
  if (request.method === 'DELETE') {
    state.files.delete(id);
    state.goneFiles.add(id);
    return jsonReply(state, { status: 200, body: {} });
  }
  if (request.method !== 'GET')
    return jsonReply(
      state,
      googleError(404, `[gemloop fake] ${request.method} files/${id} is not a route.`),
    );
  const resource = describeFile(file, base);
  if (file.processingPolls > 0) file.processingPolls--;
  return jsonReply(state, { status: 200, body: resource });
}

/** `GET download/{version}/files/{id}:download?alt=media`: a generated file's bytes. @internal */
export function handleDownloadRequest(state: FakeState, id: string): FakeReply {
  const file = findFile(state, id);
  if (file === undefined) return jsonReply(state, fileErrors.notFound(id));
  if (file.source !== 'GENERATED') return jsonReply(state, fileErrors.notDownloadable(id));
  return {
    status: 200,
    headers: { 'content-type': file.mimeType },
    delayMs: state.options.latencyMs ?? 0,
    chunkDelayMs: 0,
    pieces: [new TextDecoder().decode(file.bytes)],
    end: 'normal',
  };
}
