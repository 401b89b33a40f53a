import { isJsonObject, readFunctionCall } from '../history/part-fields.ts';
import type { Content, Part } from '../wire/content.ts';

/**
 * The parent's contents as a child run can start from them: everything up to the model turn that
 * called the subagent, and that turn without its function calls (the call that started the child
 * and the calls beside it are not answered yet, and a history whose last model turn has
 * unanswered calls is refused, by the API and by the child's history check). The turn's other
 * parts (its words, its thought summaries) are kept as the model gave them; a turn left with
 * thought parts only is dropped, since it says nothing the child can read.
 *
 * Thought signatures stay valid: the signature of a call turn sits on its first `functionCall`
 * part and leaves with it, no signature is moved to another part, and every kept call keeps its
 * response and signature. The child's input is a new user text after these contents, so the
 * parent's function-call turns are no longer the "current turn" whose signatures Gemini 3
 * validates (https://ai.google.dev/gemini-api/docs/thought-signatures). Nothing is made up: the
 * calls are left out rather than answered with a response nobody returned.
 *
 * Contents that do not end with a model turn holding function calls are returned as they are
 * (a copy of the list). Never changes `contents` or its objects.
 */
export function historyBeforeCalls(contents: readonly Content[]): Content[] {
  const last = contents[contents.length - 1];
  const parts = last?.role === 'model' && Array.isArray(last.parts) ? last.parts : undefined;
  if (parts === undefined || !parts.some(isFunctionCallPart)) return [...contents];
  const kept = parts.filter((part) => !isFunctionCallPart(part));
  const before = contents.slice(0, -1);
  if (!kept.some((part) => !isThoughtPart(part))) return before;
  before.push({ ...(last as Content), parts: kept });
  return before;
}

function isFunctionCallPart(part: Part): boolean {
  return isJsonObject(part) && readFunctionCall(part) !== undefined;
}

function isThoughtPart(part: Part): boolean {
  return isJsonObject(part) && (part as { thought?: unknown }).thought === true;
}
