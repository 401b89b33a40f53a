import { splitText } from '../replies/build-fake-response.ts';
import type { FakeInteraction, FakeReply, FakeState } from '../state/fake-state.ts';

// How an interaction of the fake's Interactions API looks on the wire: its events (the steps
// schema's `interaction.created`, `step.start`/`step.delta`/`step.stop`,
// `interaction.status_update`, `interaction.completed`, from `@google/genai` 3.1.0's
// `dist/genai.d.ts`; the `arguments_delta` and `thought_signature` deltas from its interactions
// `StepDeltaData`), its description on `get`, and the SSE body that carries the events.

type Json = Record<string, unknown>;

/**
 * Appends the events of an answered interaction: `interaction.created` (when not sent yet), a
 * start, deltas and a stop per step, then the status update and the completion.
 * @internal
 */
export function writeInteractionEvents(state: FakeState, interaction: FakeInteraction): void {
  const events = interaction.events;
  if (events.length === 0) {
    events.push(
      interactionEvent(interaction, {
        event_type: 'interaction.created',
        interaction: briefInteraction(interaction, 'in_progress'),
      }),
    );
  }
  const size = state.chunkSize;
  interaction.steps.forEach((step, index) => {
    if (step['type'] === 'model_output') {
      events.push(
        interactionEvent(interaction, {
          event_type: 'step.start',
          index,
          step: { type: 'model_output' },
        }),
      );
      // A text in pieces, never inside a surrogate pair (as the generateContent chunks: half an
      // emoji is no character); an image or other media whole, as one delta of its own type
      // (`ImageDelta`: `data` or `uri`, `mime_type`).
      for (const item of step['content'] as Json[]) {
        const text = item['type'] === 'text' ? item['text'] : undefined;
        const deltas =
          typeof text === 'string'
            ? (text === '' ? [] : splitText(text, size)).map((piece) => ({
                type: 'text',
                text: piece,
              }))
            : [item];
        for (const delta of deltas) {
          events.push(interactionEvent(interaction, { event_type: 'step.delta', index, delta }));
        }
      }
    } else if (step['type'] === 'thought') {
      // The signature comes last, as its own delta (`ThoughtSignatureDelta`).
      events.push(
        interactionEvent(interaction, {
          event_type: 'step.start',
          index,
          step: { type: 'thought' },
        }),
      );
      const summary = Array.isArray(step['summary']) ? (step['summary'] as Json[]) : [];
      const deltas: Json[] = summary.map((piece) => ({ type: 'thought_summary', content: piece }));
      if (typeof step['signature'] === 'string') {
        deltas.push({ type: 'thought_signature', signature: step['signature'] });
      }
      for (const delta of deltas) {
        events.push(interactionEvent(interaction, { event_type: 'step.delta', index, delta }));
      }
    } else if (step['type'] === 'function_call') {
      // The call starts without its arguments, which follow as pieces of their JSON
      // (`ArgumentsDelta`), the chunk size apart.
      events.push(
        interactionEvent(interaction, {
          event_type: 'step.start',
          index,
          step: { ...step, arguments: {} },
        }),
      );
      const json = JSON.stringify(step['arguments'] ?? {});
      for (const piece of splitText(json, size)) {
        events.push(
          interactionEvent(interaction, {
            event_type: 'step.delta',
            index,
            delta: { type: 'arguments_delta', arguments: piece },
          }),
        );
      }
    } else {
      events.push(interactionEvent(interaction, { event_type: 'step.start', index, step }));
    }
    events.push(interactionEvent(interaction, { event_type: 'step.stop', index }));
  });
  events.push(
    interactionEvent(interaction, {
      event_type: 'interaction.status_update',
      interaction_id: interaction.id,
      status: interaction.status,
      usage: interaction.usage,
      ...(interaction.continuationToken !== undefined
        ? { continuation_token: interaction.continuationToken }
        : {}),
    }),
  );
  events.push(
    interactionEvent(interaction, {
      event_type: 'interaction.completed',
      interaction: {
        ...briefInteraction(interaction),
        usage: interaction.usage,
        ...(interaction.continuationToken !== undefined
          ? { continuation_token: interaction.continuationToken }
          : {}),
      },
    }),
  );
}

/** `value` as the interaction's next event, with its `event_id`. @internal */
export function interactionEvent(interaction: FakeInteraction, value: Json): Json {
  return { ...value, event_id: `${interaction.id}-e${interaction.events.length + 1}` };
}

/** The short form of an interaction in its events: id, status, model or agent. @internal */
export function briefInteraction(
  interaction: FakeInteraction,
  status: FakeInteraction['status'] = interaction.status,
): Json {
  return {
    id: interaction.id,
    status,
    ...(interaction.model !== undefined
      ? { model: interaction.model }
      : { agent: interaction.agent }),
  };
}

/** The interaction as `get` and a non-streamed `create` return it. @internal */
export function describeInteraction(interaction: FakeInteraction): Json {
  return {
    ...briefInteraction(interaction),
    ...(interaction.continuationToken !== undefined
      ? { continuation_token: interaction.continuationToken }
      : {}),
    object: 'interaction',
    created: interaction.created,
    steps: interaction.steps,
    ...(interaction.previousId !== undefined
      ? { previous_interaction_id: interaction.previousId }
      : {}),
    ...(interaction.usage !== undefined ? { usage: interaction.usage } : {}),
  };
}

/**
 * The SSE body: one piece per event; the first connection is cut after `dropStreamAfterEvents`.
 * @internal
 */
export function streamInteractionEvents(
  state: FakeState,
  interaction: FakeInteraction,
  events: Json[],
): FakeReply {
  interaction.connections++;
  const drop = state.options.interactions?.dropStreamAfterEvents;
  const cut = drop !== undefined && interaction.connections === 1 && drop < events.length;
  const sent = cut ? events.slice(0, drop) : events;
  return {
    status: 200,
    headers: { 'content-type': 'text/event-stream' },
    delayMs: state.options.latencyMs ?? 0,
    chunkDelayMs: 0,
    pieces: sent.map(
      (value) => `event: ${String(value['event_type'])}\ndata: ${JSON.stringify(value)}\n\n`,
    ),
    end: cut ? 'reset' : 'normal',
  };
}
