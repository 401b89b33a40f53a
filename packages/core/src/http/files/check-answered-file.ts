import { describeName } from '../../shared/describe-name.ts';
import type { GeminiFile } from '../../wire/file.ts';
import type { CheckContext } from '../attempts/check-responses.ts';
import { invalidResponse } from '../attempts/read-json-response.ts';
import { fileNameOf } from './to-file-path.ts';

/**
 * The file a server answered with, checked before it is returned: its `name` is a file name
 * (`files/<id>`, or the bare id), and, when a file was asked for (`files.get`, so each poll of
 * `waitUntilActive`), the same file. A name such as `../../x` or a URL, or another file's, is the
 * server's fault (a gateway's mix-up): an `ApiCallError` of its 200, not retried, naming what it
 * sent; returned, it was used as the caller's own file (a later call refused it as the caller's
 * bad argument, or a poll waited on someone else's file).
 * @internal
 */
export function checkAnsweredFile(
  file: GeminiFile,
  context: CheckContext,
  asked?: string | undefined,
): GeminiFile {
  const named = fileNameOf(file.name);
  if (named === undefined) {
    throw invalidResponse(
      context,
      `answered with a file named ${describeName(file.name)}, which is no file name (files/<id>)`,
    );
  }
  if (asked !== undefined && named !== asked) {
    throw invalidResponse(
      context,
      `answered with the file ${describeName(file.name)} when ${asked} was asked for`,
    );
  }
  return file;
}

/**
 * The files of a `files.list` page, each checked for a file name as {@link checkAnsweredFile}
 * checks one: a list answers no name that was asked for, but a listed `../../x` or URL went to the
 * caller as its own file (a `files.delete` over the list then failed as the caller's bad argument).
 * The page is refused, naming the first bad item, as a page with an item that is no file is.
 * @internal
 */
export function checkListedFiles(files: readonly GeminiFile[], context: CheckContext): void {
  const bad = files.findIndex((file) => fileNameOf(file.name) === undefined);
  if (bad === -1) return;
  throw invalidResponse(
    context,
    `answered with files[${bad}] named ${describeName(files[bad]?.name)}, which is no file name (files/<id>)`,
  );
}
