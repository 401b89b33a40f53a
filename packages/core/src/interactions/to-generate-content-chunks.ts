import { InteractionFailedError } from '../errors/files-and-batches/interaction-failed-error.ts';
import { attachPartialUsage } from '../errors/partial-usage.ts';
import { isJsonObject } from '../history/part-fields.ts';
import type { Part } from '../wire/content.ts';
import type { InteractionEvent } from '../wire/interaction.ts';
import type { GenerateContentResponse } from '../wire/response.ts';
import {
  addAnnotations,
  createInteractionGrounding,
  finishReasonOf,
  interactionStepParts,
  isMalformedCall,
  thoughtSummaryPart,
  toGroundingMetadata,
  toOutputMediaPart,
  toUsageMetadata,
} from './to-generate-content-response.ts';

type Json = Record<string, unknown>;

/** The media deltas of `StepDeltaData` (`@google/genai` 2.32.0): each carries one whole item. */
const MEDIA_DELTAS: ReadonlySet<string> = new Set(['image', 'audio', 'video', 'document']);

/** The statuses of an interaction still running: a stream that ends in one was cut. @internal */
export const RUNNING: ReadonlySet<string> = new Set(['queued', 'in_progress']);
/**
 * The statuses of an interaction that ended with no answer: `failed`, or `cancelled` by someone
 * other than the run (a run that stops itself throws its own error first).
 * @internal
 */
export const ENDED_WITHOUT_ANSWER: ReadonlySet<string> = new Set(['failed', 'cancelled']);

/**
 * The events of a streamed interaction as `generateContent` chunks: text deltas as text parts,
 * a thought as its part when its step starts and a streamed signature as an empty thought part,
 * a function call as its part when its step stops (its arguments may come as `arguments_delta`
 * pieces of JSON), usage and finish reason on the last chunk. Event and delta types from
 * `@google/genai`'s interactions `InteractionSSEEvent` and `StepDeltaData`: Google Search call
 * and result deltas become grounding as their steps do, a media delta (`image`, `audio`, `video`,
 * `document`) its `inlineData` or `fileData` part, a thought summary's text or image its thought
 * part, a text's annotations grounding; the other built-in tools' deltas carry nothing the agent
 * reads (nor do their whole steps). A stream that ends before saying how the interaction ended
 * ends with a chunk without a finish reason (an interrupted step), and `settle` is not called.
 * @internal
 */
export async function* toGenerateContentChunks(
  events: AsyncIterable<InteractionEvent>,
  settle: (id: string, next?: string) => void,
): AsyncGenerator<GenerateContentResponse> {
  let id: string | undefined;
  const grounding = createInteractionGrounding();
  // Whether the last part handed out is a signed thought. The fold joins unsigned thought text to
  // the thought part before it, signed or not: the next thought step's summary, streamed as it
  // came, was glued to the previous thought (its signature kept, its own lost to a part of its
  // own), so the two went back as one step with both summaries. Such a thought is held (`held`)
  // until its signature, then handed out as one signed part, which the fold keeps apart.
  let signedThoughtLast = false;
  let held: { index: number; parts: Part[] } | undefined;
  const chunk = (newParts: Part[], extra: Json = {}): GenerateContentResponse => {
    const last = newParts.at(-1);
    if (last !== undefined) signedThoughtLast = last.thought === true && !!last.thoughtSignature;
    return {
      candidates: [{ content: { role: 'model', parts: newParts }, index: 0, ...extra }],
      ...(id !== undefined ? { responseId: id } : {}),
    } as GenerateContentResponse;
  };
  /** The held thought's parts, once (empty when none is held). */
  const release = (): Part[] => {
    const parts = held?.parts ?? [];
    held = undefined;
    return parts;
  };
  let status = 'completed';
  // Whether the stream said how the interaction ended (its `interaction.completed`, or a status
  // past running): a body that closed without it was cut, whatever text came before.
  let ended = false;
  let token: string | undefined;
  let usage: unknown;
  let failure: unknown;
  // Function calls whose step has started and not stopped, by step index.
  const calls = new Map<number, OpenCall>();
  // A call whose streamed arguments were no JSON object: the step is re-asked, never run.
  let malformed = false;
  for await (const event of events) {
    const value = event as Json;
    if (
      held !== undefined &&
      (event.event_type === 'step.start' || event.event_type === 'step.delta') &&
      indexOf(value) !== held.index
    ) {
      // Another step goes on: the held thought (no signature came) goes first, in its place.
      const parts = release();
      if (parts.length > 0) yield chunk(parts);
    }
    switch (event.event_type) {
      case 'interaction.created':
        {
          const created = value['interaction'];
          if (isJsonObject(created) && typeof created['id'] === 'string') id = created['id'];
        }
        break;
      case 'step.start': {
        const step = value['step'];
        if (isJsonObject(step) && step['type'] === 'function_call') {
          const index = indexOf(value);
          // A server that starts a call on the index of one still open (or gives neither an
          // index) has said all of the first it will: it is closed here, not overwritten (the
          // model's call would vanish, its tool never run nor answered).
          const open = calls.get(index);
          if (open !== undefined) {
            const parts = closeCall(open);
            if (parts === undefined) malformed = true;
            else if (parts.length > 0) yield chunk(parts);
          }
          // Held until its step stops: its arguments may still come as `arguments_delta`s.
          calls.set(index, { step: { ...step }, pieces: [] });
          break;
        }
        const own = interactionStepParts(step, grounding);
        if (
          signedThoughtLast &&
          isJsonObject(step) &&
          step['type'] === 'thought' &&
          !own.some((part) => !!part.thoughtSignature)
        ) {
          held = { index: indexOf(value), parts: own };
          break;
        }
        if (own.length > 0) yield chunk(own);
        break;
      }
      case 'step.delta': {
        const delta = isJsonObject(value['delta']) ? value['delta'] : {};
        const call = calls.get(indexOf(value));
        if (delta['type'] === 'text' && typeof delta['text'] === 'string') {
          const part = { text: delta['text'] };
          yield chunk([part]);
        } else if (delta['type'] === 'thought_summary') {
          // `ThoughtSummaryDelta.content`: a text or an image of the summary, the part a whole
          // thought step's summary item gives (an image was dropped).
          const part = thoughtSummaryPart(delta['content']);
          if (part !== undefined && held !== undefined) {
            const last = held.parts.at(-1);
            if (part.text !== undefined && last?.text !== undefined) last.text += part.text;
            else held.parts.push(part);
          } else if (part !== undefined) yield chunk([part]);
        } else if (delta['type'] === 'text_annotation_delta') {
          // `TextAnnotationDelta.annotations`: the sources the text cites, as a whole step's.
          addAnnotations(grounding, delta['annotations']);
        } else if (MEDIA_DELTAS.has(delta['type'] as string)) {
          // `ImageDelta` (and audio, video, document): the whole item the model wrote, `data` or
          // `uri` with `mime_type`, as the part a whole step gives (an image was dropped).
          const media = toOutputMediaPart(delta);
          if (media !== undefined) yield chunk([media]);
        } else if (
          delta['type'] === 'google_search_call' ||
          delta['type'] === 'google_search_result'
        ) {
          // `GoogleSearchCallDelta` / `GoogleSearchResultDelta` have their steps' shape: the
          // queries and sources become the answer's grounding, as from a whole step.
          interactionStepParts(delta, grounding);
        } else if (delta['type'] === 'arguments_delta' && call !== undefined) {
          // `ArgumentsDelta.arguments`: a piece of the call's JSON arguments, in order.
          if (typeof delta['arguments'] === 'string') call.pieces.push(delta['arguments']);
        } else if (
          delta['type'] === 'thought_signature' &&
          typeof delta['signature'] === 'string' &&
          // An empty one is none (see `thoughtParts`).
          delta['signature'] !== ''
        ) {
          // `ThoughtSignatureDelta`: the signature of the step being streamed. On a thought, an
          // empty thought part carrying it (the fold gives it to the thought's text); a store:
          // false history sends it back, or the next step is refused.
          if (call !== undefined) call.step['signature'] = delta['signature'];
          else if (held !== undefined) {
            // The held thought's signature: on its last text, as `thoughtParts` puts it.
            const parts = release();
            const last = parts.at(-1);
            if (last?.text !== undefined) last.thoughtSignature = delta['signature'];
            else parts.push({ thought: true, text: '', thoughtSignature: delta['signature'] });
            yield chunk(parts);
          } else yield chunk([{ thought: true, text: '', thoughtSignature: delta['signature'] }]);
        }
        break;
      }
      case 'step.stop': {
        const index = indexOf(value);
        if (held !== undefined && held.index === index) {
          const parts = release();
          if (parts.length > 0) yield chunk(parts);
        }
        const call = calls.get(index);
        if (call === undefined) break;
        calls.delete(index);
        const parts = closeCall(call);
        if (parts === undefined) malformed = true;
        else if (parts.length > 0) yield chunk(parts);
        break;
      }
      case 'interaction.status_update':
        // An update that names no status says nothing of how the interaction ended: a stream cut
        // after it was cut (read as ended, its half answer would pass for a finished one).
        if (typeof value['status'] === 'string') {
          status = value['status'];
          ended = !RUNNING.has(status);
        }
        if (typeof value['continuation_token'] === 'string') token = value['continuation_token'];
        if (value['usage'] !== undefined) usage = value['usage'];
        if (value['error'] !== undefined) failure = value['error'];
        break;
      case 'interaction.completed': {
        const interaction = isJsonObject(value['interaction']) ? value['interaction'] : {};
        ended = true;
        status = String(interaction['status'] ?? status);
        if (typeof interaction['continuation_token'] === 'string') {
          token = interaction['continuation_token'];
        }
        if (interaction['usage'] !== undefined) usage = interaction['usage'];
        if (interaction['error'] !== undefined) failure = interaction['error'];
        break;
      }
      default:
        break;
    }
  }
  const rest = release();
  if (rest.length > 0) yield chunk(rest);
  // A call whose step never said it stopped: whole if its arguments are (a stream that ends
  // without `step.stop` but with the interaction's end), else what a cut call is.
  for (const call of calls.values()) {
    const parts = closeCall(call);
    if (parts === undefined) malformed = true;
    else if (parts.length > 0) yield chunk(parts);
  }
  const usageMetadata = toUsageMetadata(usage);
  if (ended && ENDED_WITHOUT_ANSWER.has(status)) {
    // As a background call's: what was shown of it is no answer the run can go on from.
    throw attachPartialUsage(
      new InteractionFailedError({ interactionId: id ?? '', status, error: failure }),
      usageMetadata,
    );
  }
  const extra: Json = {};
  // Without it, no finish reason: the agent reads the step as interrupted (as a cut
  // `generateContent` stream), and the history is not remembered as answered by the interaction.
  if (ended) extra['finishReason'] = malformed ? 'MALFORMED_FUNCTION_CALL' : finishReasonOf(status);
  if (ended && status === 'requires_continuation' && token !== undefined)
    extra['continuationToken'] = token;
  const metadata = toGroundingMetadata(grounding);
  if (metadata !== undefined) extra['groundingMetadata'] = metadata;
  const last = chunk([], extra);
  if (usageMetadata !== undefined) last.usageMetadata = usageMetadata;
  yield last;
  if (ended && id !== undefined) settle(id, status === 'requires_continuation' ? token : undefined);
}

/** A function call step being streamed: its `step.start` and its argument pieces so far. */
type OpenCall = { step: Json; pieces: string[] };

function indexOf(event: Json): number {
  const index = event['index'];
  return typeof index === 'number' ? index : -1;
}

/**
 * The part of a streamed call: the `step.start` arguments, or the JSON its `arguments_delta`s
 * spell when it had any (the start then holds `{}`); `undefined` when those pieces are no JSON
 * object, or without pieces its start's arguments are none (the tool must not run with other
 * arguments than the model wrote).
 */
function closeCall(call: OpenCall): Part[] | undefined {
  if (call.pieces.length > 0) {
    // Pieces to join, as every streamed-arguments API sends them; should a server resend the
    // whole text so far each time instead, its last piece is the JSON.
    const args = parseObject(call.pieces.join('')) ?? parseObject(call.pieces.at(-1) as string);
    if (args === undefined) return undefined;
    call.step['arguments'] = args;
  } else if (isMalformedCall(call.step)) return undefined;
  return interactionStepParts(call.step, createInteractionGrounding());
}

function parseObject(text: string): Json | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isJsonObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
