import { handleBatchRequest } from '../endpoints/fake-batches.ts';
import {
  handleDownloadRequest,
  handleFileRequest,
  handleUploadRequest,
} from '../endpoints/fake-files.ts';
import { jsonReply } from '../state/fake-reply.ts';
import type { FakeReply } from '../state/fake-state.ts';
import {
  type AnswerFakeRoutes,
  authenticateFakeRequest,
  parseFakeBody,
} from './read-fake-request.ts';

/** `/upload/{version}/files`, the resumable upload. */
const uploadRoute = /^\/(?:[^?]*\/)?upload\/(v\d+(?:alpha|beta)?\d*)\/files\/?(?:\?(.*))?$/;
/** `/download/{version}/files/{id}:download`. */
const downloadRoute =
  /^\/(?:[^?]*\/)?download\/(v\d+(?:alpha|beta)?\d*)\/files\/([^/:?]+):download(?:\?(.*))?$/;
/** `/{version}/files`, `/{version}/files/{id}`. */
const fileRoute = /^\/(?:[^?]*\/)?(v\d+(?:alpha|beta)?\d*)\/files(?:\/([^/:?]+))?\/?(?:\?(.*))?$/;
/** `/{version}/batches`, `/{version}/batches/{id}`, `/{version}/batches/{id}:cancel`. */
const batchRoute =
  /^\/(?:[^?]*\/)?(v\d+(?:alpha|beta)?\d*)\/batches(?:\/([^/:?]+)(?::([A-Za-z]+))?)?\/?(?:\?(.*))?$/;

/**
 * The Files and Batch API routes (Google's Gemini API only), or undefined for another route.
 * @internal
 */
export const answerFakeFilesApi: AnswerFakeRoutes<Promise<FakeReply | undefined>> = async (
  state,
  request,
  recorded,
  path,
) => {
  const upload = uploadRoute.exec(path);
  const download = upload === null ? downloadRoute.exec(path) : null;
  const file = upload === null && download === null ? fileRoute.exec(path) : null;
  const batch =
    upload === null && download === null && file === null ? batchRoute.exec(path) : null;
  const match = upload ?? download ?? file ?? batch;
  if (match === null) return undefined;
  const apiVersion = match[1] ?? 'v1beta';
  const query = new URLSearchParams((upload !== null ? match[2] : (match[3] ?? match[4])) ?? '');
  const method =
    upload !== null
      ? 'files.upload'
      : download !== null
        ? 'files.download'
        : file !== null
          ? `files.${request.method === 'DELETE' ? 'delete' : match[2] === undefined ? 'list' : 'get'}`
          : `batches.${match[3] ?? (request.method === 'DELETE' ? 'delete' : match[2] === undefined ? 'list' : 'get')}`;
  Object.assign(recorded, { method, apiVersion });
  const authError = authenticateFakeRequest(state, request, query);
  if (authError !== undefined) return jsonReply(state, authError);
  if (upload !== null) {
    // The recording keeps the start's JSON, never a chunk's bytes.
    if (!query.has('upload_id')) recorded.body = parseFakeBody(request.body).value;
    return handleUploadRequest(state, request, apiVersion, query);
  }
  if (download !== null) return handleDownloadRequest(state, match[2] as string);
  if (file !== null) return handleFileRequest(state, request, match[2], query);
  return handleBatchRequest(state, request, recorded, {
    apiVersion,
    id: match[2],
    action: match[3],
    query: new URLSearchParams(match[4] ?? ''),
  });
};
