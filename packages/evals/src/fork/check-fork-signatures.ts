import type { Content } from '@gemloop/core';
import { InvalidArgumentError } from '@gemloop/core';
import { SKIP_THOUGHT_SIGNATURE_VALIDATOR } from '@gemloop/core/history';
import { OMITTED_OPAQUE_VALUE } from '@gemloop/core/recorder';

/** What {@link checkForkSignatures} compares. */
export type ForkSignatureCheck = {
  /** The recorded case's id, for the message. */
  caseId: string;
  /** The history the fork's first live request is made from (the replay's, edits applied). */
  history: readonly Content[];
  /** What the run was first sent (its model turns, a chat's, are no step of this run). */
  input: readonly Content[];
  /** The recording's own request `until + 1` (0-based `until`), when it has one. */
  recorded: { contents?: unknown } | undefined;
  until: number;
};

/**
 * Refuses a fork whose first live request would send the model a thought signature the recording
 * never sent Google at that place: a hand-edited answer's `thoughtSignature` (the replay's fake
 * does not check signatures) went to the live model as its own turn, which Gemini refuses with a
 * 400 ("Invalid/Corrupted thought signature"; signatures go back as the model gave them,
 * https://ai.google.dev/gemini-api/docs/thought-signatures) after the caller paid for nothing
 * but the replay's set-up. Compared with the recording's own request `until + 1`, the one Google
 * took: a recording without one is not refused on a guess, nor a part whose recorded signature
 * was shortened (the replay sends Google's documented dummy there), nor a signature the recorded
 * request did not carry at that place (a part of another shape; only a changed value is an edit).
 * @throws {@link InvalidArgumentError} (`recording`) naming the step, the part and the request.
 * @internal
 */
export function checkForkSignatures({
  caseId,
  history,
  input,
  recorded,
  until,
}: ForkSignatureCheck): void {
  const sent = recorded?.contents;
  if (!Array.isArray(sent)) return;
  const ours = modelTurns(history);
  const theirs = modelTurns(sent as readonly Content[]);
  const before = modelTurns(input).length;
  for (const [turn, content] of ours.entries()) {
    const parts = content.parts ?? [];
    const recordedParts = theirs[turn]?.parts;
    if (!Array.isArray(recordedParts)) continue;
    for (const [index, part] of parts.entries()) {
      const signature = part?.thoughtSignature;
      const original: unknown = recordedParts[index]?.thoughtSignature;
      if (
        typeof signature !== 'string' ||
        signature === SKIP_THOUGHT_SIGNATURE_VALIDATOR ||
        typeof original !== 'string' ||
        OMITTED_OPAQUE_VALUE.test(original) ||
        original === signature
      ) {
        continue;
      }
      const where =
        turn < before
          ? `model turn ${turn + 1} of the history the run was sent`
          : `step ${turn - before + 1}'s answer (modelResponses[${turn - before}])`;
      throw new InvalidArgumentError({
        argument: 'recording',
        message:
          `case '${caseId}': the fork's first request would send ${where}, part ${index}, with a thoughtSignature ` +
          `other than the one the recording sent Google at that place in its request ${until + 1} ` +
          '(the recorded answer was edited?). Gemini refuses a signature it did not give with a 400, and the fork ' +
          "would fail on its first live call. Put back the recorded signature, or fork onto another model (change.model, or a fork agent of createAgent on another model), which is sent none of the recorded model's signatures.",
      });
    }
  }
}

function modelTurns(contents: readonly Content[]): Content[] {
  return contents.filter(
    (content) => typeof content === 'object' && content !== null && content.role === 'model',
  );
}
