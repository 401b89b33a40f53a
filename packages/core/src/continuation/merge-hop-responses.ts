import { setOwnKey } from '../shared/set-own-key.ts';
import type { Part } from '../wire/content.ts';
import type {
  Candidate,
  CandidateContent,
  GenerateContentResponse,
  UsageMetadata,
} from '../wire/response.ts';

/**
 * The one response of a long-decode step from its hops' responses (at least one): every hop's
 * parts, in hop order, as received; the Content's other fields (a newer API's among them) from
 * the last hop that set each, as the stream's fold keeps them (attack46b: a field beside `parts`
 * was dropped, and the model's Content goes back verbatim); the last grounding; the last hop's
 * other fields, with the usage billed over all hops when given.
 * @internal
 */
export function mergeHopResponses(
  responses: readonly GenerateContentResponse[],
  billed: UsageMetadata | undefined,
): GenerateContentResponse {
  const last = responses[responses.length - 1] as GenerateContentResponse;
  const parts: Part[] = [];
  const content: Record<string, unknown> = { role: 'model' };
  let grounding: Candidate['groundingMetadata'];
  for (const response of responses) {
    const candidate = response.candidates?.[0];
    const hopContent = candidate?.content as Record<string, unknown> | undefined;
    for (const key in hopContent) {
      const value = hopContent[key];
      // A JSON `__proto__` key stays data, as in the fold.
      if (key !== 'parts' && value != null) setOwnKey(content, key, value);
    }
    const hopParts = candidate?.content?.parts;
    if (Array.isArray(hopParts)) for (const part of hopParts) parts.push(part);
    if (candidate?.groundingMetadata !== undefined) grounding = candidate.groundingMetadata;
  }
  content['parts'] = parts;
  const merged: GenerateContentResponse = { ...last };
  const lastCandidate = last.candidates?.[0];
  if (lastCandidate !== undefined || parts.length > 0) {
    const candidate: Candidate = { ...lastCandidate, content: content as CandidateContent };
    if (grounding !== undefined) candidate.groundingMetadata = grounding;
    merged.candidates = [candidate];
  }
  if (billed !== undefined) merged.usageMetadata = billed;
  return merged;
}
