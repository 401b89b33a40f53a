import { ApiCallError } from '../api-call-error.ts';
import { FileNotFoundError } from './file-not-found-error.ts';

/**
 * Google's answer to a model call whose `fileData.fileUri` names a file that expired (48 hours
 * after upload), was deleted or never existed: 403 PERMISSION_DENIED "You do not have permission
 * to access the File {id} or it may not exist." (reported for generate calls in
 * google-gemini/deprecated-generative-ai-python#692 and googleapis/python-genai#1218; the same
 * text files.get answers, google-gemini/deprecated-generative-ai-js#236). The id is bounded: a
 * Files API id is at most 40 characters of `[a-z0-9-]`.
 */
const FILE_REFUSED = /access the File (?:files\/)?([a-z0-9-]{1,64}) or it may not exist/i;

/**
 * The typed {@link FileNotFoundError} naming the file, when `error` is a model call's 403 or 404
 * that says which file of the Files API it could not read; otherwise `error` as it is. The
 * {@link ApiCallError} stays the cause (its status, body and request id).
 * @internal
 */
export function fileNotFoundOf(error: unknown): unknown {
  if (!ApiCallError.isInstance(error) || (error.status !== 403 && error.status !== 404))
    return error;
  const id = FILE_REFUSED.exec(error.apiMessage ?? '')?.[1];
  if (id === undefined) return error;
  const fileName = `files/${id.toLowerCase()}`;
  return new FileNotFoundError({
    fileName,
    status: error.status,
    message: `The model call names the file ${fileName} (a fileData part), which the API refused (${error.status}): it expired (files live 48 hours after upload), was deleted, or belongs to another project. Upload the media again and send the new file's uri.`,
    cause: error,
  });
}
