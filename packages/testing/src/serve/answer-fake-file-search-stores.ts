import {
  handleFileSearchStoreRequest,
  startStoreUpload,
} from '../endpoints/fake-file-search-stores.ts';
import { handleUploadRequest } from '../endpoints/fake-files.ts';
import { googleError } from '../script/fake-errors.ts';
import { jsonReply } from '../state/fake-reply.ts';
import type { FakeReply } from '../state/fake-state.ts';
import {
  type AnswerFakeRoutes,
  authenticateFakeRequest,
  parseFakeBody,
} from './read-fake-request.ts';

/** `/upload/{version}/fileSearchStores/{id}:uploadToFileSearchStore`, the resumable upload to a store. */
const storeUploadRoute =
  /^\/(?:[^?]*\/)?upload\/(v\d+(?:alpha|beta)?\d*)\/fileSearchStores\/([^/:?]+):uploadToFileSearchStore(?:\?(.*))?$/;
/**
 * `/{version}/fileSearchStores[/{id}[:{verb}|/documents[/{doc}]|/[upload/]operations/{op}]]`.
 */
const storeRoute =
  /^\/(?:[^?]*\/)?(v\d+(?:alpha|beta)?\d*)\/fileSearchStores(?:\/([^/:?]+)(?::([A-Za-z]+)|\/((?:upload\/)?operations\/[^/?]+|documents(?:\/[^/?]+)?))?)?\/?(?:\?(.*))?$/;

/**
 * The File Search store routes (Google's Gemini API only), or undefined for another route.
 * @internal
 */
export const answerFakeFileSearchStores: AnswerFakeRoutes<FakeReply | undefined> = (
  state,
  request,
  recorded,
  path,
) => {
  const upload = storeUploadRoute.exec(path);
  if (upload !== null) {
    const [, apiVersion = 'v1beta', storeId = '', queryText] = upload;
    const query = new URLSearchParams(queryText ?? '');
    Object.assign(recorded, { method: 'fileSearchStores.upload', apiVersion });
    const authError = authenticateFakeRequest(state, request, query);
    if (authError !== undefined) return jsonReply(state, authError);
    if (query.has('upload_id')) return handleUploadRequest(state, request, apiVersion, query);
    const body = parseFakeBody(request.body);
    recorded.body = body.value;
    const started = startStoreUpload(state, storeId, body.value);
    if ('error' in started) return jsonReply(state, started.error);
    return handleUploadRequest(state, request, apiVersion, query, {
      path: `fileSearchStores/${storeId}:uploadToFileSearchStore`,
      upload: started.upload,
    });
  }
  const match = storeRoute.exec(path);
  if (match === null) return undefined;
  const [, apiVersion = 'v1beta', storeId, verb, rest, queryText] = match;
  const query = new URLSearchParams(queryText ?? '');
  const method =
    verb !== undefined
      ? verb
      : rest?.includes('operations')
        ? 'getOperation'
        : rest !== undefined
          ? `${request.method === 'DELETE' ? 'delete' : rest === 'documents' ? 'list' : 'get'}Document${rest === 'documents' ? 's' : ''}`
          : storeId === undefined
            ? request.method === 'POST'
              ? 'create'
              : 'list'
            : request.method === 'DELETE'
              ? 'delete'
              : 'get';
  Object.assign(recorded, { method: `fileSearchStores.${method}`, apiVersion });
  const authError = authenticateFakeRequest(state, request, query);
  if (authError !== undefined) return jsonReply(state, authError);
  const body = parseFakeBody(request.body);
  recorded.body = body.value;
  if (!body.ok)
    return jsonReply(state, googleError(400, 'Invalid JSON payload received. Unexpected token.'));
  return handleFileSearchStoreRequest(state, request, { storeId, verb, rest }, query, body.value);
};
