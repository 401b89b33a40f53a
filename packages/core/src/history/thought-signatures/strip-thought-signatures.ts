import type { Content, Part } from '../../wire/content.ts';
import { isJsonObject, isSignatureOnlyPart, readRole } from '../part-fields.ts';
import { checkContentsArray } from './check-contents-array.ts';

/**
 * Removes the thought signatures of a history's model turns, for sending it to another model.
 *
 * Signatures are bound to the model that issued them: another model answers `400 Invalid thought
 * signature` (or `Corrupted thought signature`) when it gets one back (wire reference section 6,
 * rule 8). Strip the turns another model produced (or that came from nobody knows where), then
 * let {@link fillMissingThoughtSignatures} (the agent does it itself) put the documented dummy
 * where Gemini 3 requires a signature. Turns the receiving model produced itself should keep
 * theirs: strip only the others.
 *
 * Every part of every `role: "model"` content loses `thoughtSignature` (and `thought_signature`);
 * user contents and everything else are left as they are.
 *
 * Copy-on-write: returns `contents` itself when no signature is found; otherwise a new array in
 * which only the changed contents and parts are new objects. The input is never mutated.
 *
 * @example
 * ```ts
 * // A conversation kept by the app, continued on another model:
 * const history = stripThoughtSignatures(saved.contents);
 * const result = await agent.run('And tomorrow?', { history });
 * ```
 */
export function stripThoughtSignatures(contents: readonly Content[]): readonly Content[] {
  checkContentsArray(contents, 'stripThoughtSignatures');
  let stripped: Content[] | undefined;
  for (let index = 0; index < contents.length; index++) {
    const content = contents[index] as Content;
    const next = stripContentThoughtSignatures(content);
    if (next === content) continue;
    stripped ??= contents.slice();
    stripped[index] = next;
  }
  return stripped ?? contents;
}

/**
 * One content without its thought signatures: itself when it is not a model content or has none,
 * else a copy with new objects for the changed parts only. Never throws on malformed input.
 * @internal
 */
export function stripContentThoughtSignatures(content: Content): Content {
  if (!isJsonObject(content) || readRole(content) !== 'model' || !Array.isArray(content.parts)) {
    return content;
  }
  let parts: Part[] | undefined;
  for (let index = 0; index < content.parts.length; index++) {
    const part = content.parts[index] as Part & { thought_signature?: unknown };
    if (!isJsonObject(part) || (!('thoughtSignature' in part) && !('thought_signature' in part))) {
      continue;
    }
    const copy: Part & { thought_signature?: unknown } = { ...part };
    delete copy.thoughtSignature;
    delete copy.thought_signature;
    // A part that held only the signature (a Go client's copy of a stream's last chunk) would be
    // left with no data, which the API refuses: it becomes the empty text it was streamed as.
    if (isSignatureOnlyPart(part)) copy.text = '';
    parts ??= content.parts.slice();
    parts[index] = copy;
  }
  return parts === undefined ? content : { ...content, parts };
}
