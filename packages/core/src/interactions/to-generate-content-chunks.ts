import { InteractionFailedError } from '../errors/files-and-batches/interaction-failed-error.ts';
import { attachPartialUsage } from '../errors/partial-usage.ts';
import { isJsonObject } from '../history/part-fields.ts';
import type { Part } from '../wire/content.ts';
import type { InteractionEvent } from '../wire/interaction.ts';
import type { GenerateContentResponse } from '../wire/response.ts';
import {
  finishReasonOf,
  interactionStepParts,
  toUsageMetadata,
} from './to-generate-content-response.ts';

type Json = Record<string, unknown>;

/** The statuses of an interaction still running: a stream that ends in one was cut. */
const RUNNING = new Set(['queued', 'in_progress']);
/**
 * The statuses of an interaction that ended with no answer: `failed`, or `cancelled` by someone
 * other than the run (a run that stops itself throws its own error first).
 * @internal
 */
export const ENDED_WITHOUT_ANSWER: ReadonlySet<string> = new Set(['failed', 'cancelled']);

/**
 * The events of a streamed interaction as `generateContent` chunks: text deltas as text parts,
 * a function call or thought as its part when its step starts, usage and finish reason on the
 * last chunk. A stream that ends before saying how the interaction ended ends with a chunk without
 * a finish reason (an interrupted step), and `settle` is not called.
 * @internal
 */
export async function* toGenerateContentChunks(
  events: AsyncIterable<InteractionEvent>,
  settle: (id: string, next?: string) => void,
): AsyncGenerator<GenerateContentResponse> {
  let id: string | undefined;
  const queries: string[] = [];
  const grounding: Json[] = [];
  const chunk = (newParts: Part[], extra: Json = {}): GenerateContentResponse =>
    ({
      candidates: [{ content: { role: 'model', parts: newParts }, index: 0, ...extra }],
      ...(id !== undefined ? { responseId: id } : {}),
    }) as GenerateContentResponse;
  let status = 'completed';
  // Whether the stream said how the interaction ended (its `interaction.completed`, or a status
  // past running): a body that closed without it was cut, whatever text came before.
  let ended = false;
  let token: string | undefined;
  let usage: unknown;
  let failure: unknown;
  for await (const event of events) {
    const value = event as Json;
    switch (event.event_type) {
      case 'interaction.created':
        {
          const created = value['interaction'];
          if (isJsonObject(created) && typeof created['id'] === 'string') id = created['id'];
        }
        break;
      case 'step.start': {
        const own = interactionStepParts(value['step'], queries, grounding);
        if (own.length > 0) yield chunk(own);
        break;
      }
      case 'step.delta': {
        const delta = isJsonObject(value['delta']) ? value['delta'] : {};
        if (delta['type'] === 'text' && typeof delta['text'] === 'string') {
          const part = { text: delta['text'] };
          yield chunk([part]);
        } else if (delta['type'] === 'thought_summary') {
          const content = delta['content'];
          const text = isJsonObject(content) ? content['text'] : undefined;
          if (typeof text === 'string') {
            const part = { thought: true, text };
            yield chunk([part]);
          }
        }
        break;
      }
      case 'interaction.status_update':
        status = String(value['status']);
        ended = !RUNNING.has(status);
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
  if (ended) extra['finishReason'] = finishReasonOf(status);
  if (ended && status === 'requires_continuation' && token !== undefined)
    extra['continuationToken'] = token;
  if (queries.length > 0 || grounding.length > 0) {
    extra['groundingMetadata'] = { webSearchQueries: queries, groundingChunks: grounding };
  }
  const last = chunk([], extra);
  if (usageMetadata !== undefined) last.usageMetadata = usageMetadata;
  yield last;
  if (ended && id !== undefined) settle(id, status === 'requires_continuation' ? token : undefined);
}
