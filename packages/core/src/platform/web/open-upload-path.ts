import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import type { openUploadPath as NodeOpenUploadPath } from '../node/open-upload-path.ts';

/** Off Node there is no file system to read a path from: pass a Blob, bytes or a stream. @internal */
export const openUploadPath: typeof NodeOpenUploadPath = (_path, method = 'files.upload') =>
  Promise.reject(
    new InvalidArgumentError({
      argument: 'source',
      message: `${method} takes a file path on Node only; here pass a Blob (a File from an <input>), bytes or a ReadableStream.`,
    }),
  );
