import { freezeModelContent } from '../../history/freeze-model-content.ts';
import { hasDataField, hasUnknownField, isSignatureOnlyPart } from '../../history/part-fields.ts';
import { type Cost, zeroCost } from '../../models/cost.ts';
import type { AgentStep } from '../../run/agent-result.ts';
import type { Content, Part } from '../../wire/content.ts';
import type { GenerateContentResponse } from '../../wire/response.ts';
import type { StepCostProperty } from '../run-state/step-cost.ts';
import { toAgentUsage } from '../usage.ts';

/**
 * The record of one model call, from its response. `content` is the model's own object (no copy;
 * a copy without the parts that hold no data, see {@link withData}), or `undefined` when the
 * answer had no parts; tool results and the re-ask note are filled in by
 * the loop.
 * @internal
 */
export function createStep({
  response,
  stepNumber,
  kind,
  startedAt,
  modelMs,
  cost,
  freeze = true,
}: {
  response: GenerateContentResponse;
  stepNumber: number;
  kind: AgentStep['kind'];
  startedAt: number;
  modelMs: number;
  /**
   * What the call cost, priced as it ended (a `Cost`), or the descriptor of its config's steps
   * that prices it when first read (see `stepCostProperty`). Without one (a test's step) zero.
   */
  cost?: Cost | StepCostProperty | undefined;
  /**
   * Whether to freeze the model's turn (see `freezeModelContent`): when code other than the
   * loop's is handed it (a plugin, the application's `onStepEnd` or `beforeToolCall`); `true`
   * unless the caller knows none is.
   */
  freeze?: boolean | undefined;
}): AgentStep {
  const candidate = response.candidates?.[0];
  const candidateContent = candidate?.content;
  let content: Content | undefined;
  // `!= null` here and below: the response check takes a gateway's `null` for an absent field.
  const received = candidateContent?.parts;
  const parts = received == null ? received : withData(received);
  if (parts != null && parts.length > 0) {
    // The API always says `model`; a content without it would be read back as the user's.
    content =
      candidateContent?.role === 'model' && parts === received
        ? (candidateContent as Content)
        : { ...(candidateContent as Content), role: 'model', parts };
    if (freeze) freezeModelContent(content);
  }
  const grounding = candidate?.groundingMetadata;
  const step: Partial<AgentStep> & StepTexts = {
    stepNumber,
    kind,
    content,
    appended: false,
    text: '',
    thoughts: '',
    toolCalls: [],
    toolResponseContent: undefined,
    finishReason: candidate?.finishReason,
    finishMessage: candidate?.finishMessage,
    usage: toAgentUsage(response.usageMetadata ?? undefined),
  };
  writeTexts(step, content);
  // In its place among the keys (after `usage`, as JSON and spreads of a step have always shown
  // it), then the rest: an accessor put over a data property would leave each step a dictionary.
  if (cost === undefined) step.cost = zeroCost();
  else if ('currency' in cost) step.cost = cost;
  else Object.defineProperty(step, 'cost', cost);
  step.grounding = grounding != null && Object.keys(grounding).length > 0 ? grounding : undefined;
  step.urlContextMetadata = candidate?.urlContextMetadata;
  step.safetyRatings = candidate?.safetyRatings;
  step.citationMetadata = candidate?.citationMetadata;
  step.reask = undefined;
  step.response = response;
  step.startedAt = startedAt;
  step.modelMs = modelMs;
  step.toolsMs = 0;
  return step as AgentStep;
}

/** The record of answering the calls an input history ended with (no model call). @internal */
export function createResumeStep(content: Content, startedAt: number): AgentStep {
  const step: AgentStep = {
    stepNumber: 1,
    kind: 'resume',
    content,
    appended: false,
    text: '',
    thoughts: '',
    toolCalls: [],
    toolResponseContent: undefined,
    finishReason: undefined,
    finishMessage: undefined,
    usage: toAgentUsage(undefined),
    cost: zeroCost(),
    grounding: undefined,
    urlContextMetadata: undefined,
    safetyRatings: undefined,
    citationMetadata: undefined,
    reask: undefined,
    response: {},
    startedAt,
    modelMs: 0,
    toolsMs: 0,
  };
  writeTexts(step, content);
  return step;
}

type StepTexts = { text: string; thoughts: string };

/**
 * A step's `text` (the content's non-thought text parts, joined) and `thoughts` (its
 * thought-summary text), written in one walk of the parts where two functions walked them each.
 */
function writeTexts(step: StepTexts, content: Content | undefined): void {
  const parts = content?.parts;
  if (parts === undefined) return;
  for (const part of parts) {
    if (typeof part.text !== 'string') continue;
    if (part.thought === true) step.thoughts += part.text;
    else step.text += part.text;
  }
}

/**
 * The parts, without those that hold no data field (`{}`, `{text: null}`, a `thought` flag
 * alone: what a gateway's translation may write). The API refuses such a part in a request, so
 * sent back it failed the next step with a 400, and left in an answer it made the next run (a
 * chat's next send) refuse the history. Kept: a part of a signature alone (with at most
 * `thought`), which the API takes back and which must stay in its own part ("Always send the
 * thought_signature back to the model inside its original Part",
 * https://ai.google.dev/gemini-api/docs/function-calling#thinking), a `videoMetadata` part
 * (which the API accepts after a video), and a part with a field this version does not know: a
 * newer API's kind of part, which its model made and takes back (dropped, it lost its content and
 * signature silently: attack44c). The same array when every part is kept (the usual case).
 */
function withData(parts: readonly Part[]): Part[] {
  let kept: Part[] | undefined;
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index] as Part;
    const record = part as unknown as Record<string, unknown>;
    if (
      hasDataField(record) ||
      record['videoMetadata'] != null ||
      isSignatureOnlyPart(record) ||
      hasUnknownField(record)
    ) {
      kept?.push(part);
      continue;
    }
    kept ??= parts.slice(0, index);
  }
  return kept ?? (parts as Part[]);
}
