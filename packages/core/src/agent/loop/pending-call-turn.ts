import type { Content } from '../../wire/content.ts';

/**
 * The calls a history ends with, as the one model turn the resume step answers. The API reads
 * consecutive model contents as one turn, answered by one run of user contents holding a
 * response per call (issue 26; recorded in
 * `test/fixtures/gemini/requests/gemini3-flash__two-model-call-contents-answered-by-one-user-content.request.json`):
 * so when the history ends with several model contents, their parts are answered together, in
 * order, in one user content. The usual single content is returned as it is.
 *
 * The merged content is never appended to the history: the history keeps the contents it was
 * given.
 * @internal
 */
export function pendingCallTurn(contents: readonly Content[]): Content | undefined {
  const last = contents[contents.length - 1];
  if (last === undefined || last.role !== 'model') return undefined;
  let start = contents.length - 1;
  while (start > 0 && contents[start - 1]?.role === 'model') start--;
  if (start === contents.length - 1) return last;
  const parts = [];
  for (let index = start; index < contents.length; index++) {
    parts.push(...(contents[index] as Content).parts);
  }
  return { role: 'model', parts };
}
