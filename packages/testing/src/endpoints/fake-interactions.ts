import { isJsonObject } from '@gemloop/core/internal';
import { googleError } from '../script/fake-errors.ts';
import type { FakeRecordedRequest } from '../script/fake-types.ts';
import { jsonReply } from '../state/fake-reply.ts';
import type {
  FakeHttpRequest,
  FakeInteraction,
  FakeReply,
  FakeState,
} from '../state/fake-state.ts';
import { generateFakeReply } from './generate-fake-reply.ts';

// The Interactions API as the fake serves it (`/v1beta/interactions`, the `steps` schema of
// `Api-Revision: 2026-05-20`): hand-written from `@google/genai` 3.1.0's `dist/genai.d.ts` (routes,
// `Step`, `StepStart`/`StepDelta`/`StepStop`, `InteractionCreatedEvent`, `InteractionCompletedEvent`,
// `InteractionStatusUpdate`) and ai.google.dev/gemini-api/docs/interactions, not from recordings.
// Each model turn is the same scripted turn a `generateContent` request gets (the same script,
// faults and contract checks), mapped to steps: the interaction keeps the conversation as
// `generateContent` contents, so `previous_interaction_id` continues it on the server.

type Json = Record<string, unknown>;

/** `/{version}/interactions`, `/{version}/interactions/{id}`, `/{version}/interactions/{id}/cancel`. */
export const interactionsRoute: RegExp =
  /^\/(?:[^?]*\/)?(v\d+(?:alpha|beta)?\d*)\/interactions(?:\/([^/?]+)(?:\/(cancel))?)?\/?(?:\?(.*))?$/;

const REVISION = '2026-05-20';
const DEEP_RESEARCH = /^deep-research/;

/**
 * Answers an Interactions API route (authenticated already). Contract discipline as for
 * `generateContent`: the revision header (when sent) must be the steps schema's, a request names
 * exactly one of `model` and `agent`, `previous_interaction_id` must name a stored interaction,
 * every `function_result` must answer a `function_call` of that interaction, and a built-in agent
 * runs only in the background (as the API requires of Deep Research).
 * @internal
 */
export async function handleInteractionsRequest(
  state: FakeState,
  request: FakeHttpRequest,
  recorded: FakeRecordedRequest,
  match: RegExpExecArray,
): Promise<FakeReply> {
  const apiVersion = match[1] ?? 'v1beta';
  const id = match[2];
  const action = match[3];
  const query = new URLSearchParams(match[4] ?? '');
  const revision = request.headers['api-revision'];
  if (revision !== undefined && revision !== REVISION) {
    return jsonReply(
      state,
      googleError(
        400,
        `[gemloop fake] Api-Revision ${revision} is not served: the legacy outputs schema was removed on 2026-06-08; send Api-Revision: ${REVISION} (the steps schema).`,
      ),
    );
  }
  if (id === undefined) {
    if (request.method !== 'POST') return notFound(state, request);
    recorded.method = 'interactions.create';
    let body: unknown;
    try {
      body = JSON.parse(request.body);
    } catch {
      return jsonReply(state, googleError(400, 'Invalid JSON payload received.'));
    }
    if (!isJsonObject(body))
      return jsonReply(state, googleError(400, 'The body must be an object.'));
    recorded.body = body;
    return create(state, body, recorded, apiVersion);
  }
  const interaction = state.interactions.get(id);
  const method =
    action === 'cancel'
      ? 'interactions.cancel'
      : request.method === 'DELETE'
        ? 'interactions.delete'
        : 'interactions.get';
  recorded.method = method;
  if (interaction === undefined) {
    return jsonReply(
      state,
      googleError(404, `Interaction ${id} was not found.`, { status: 'NOT_FOUND' }),
    );
  }
  if (method === 'interactions.delete' && request.method === 'DELETE') {
    state.interactions.delete(id);
    return ok(state, {});
  }
  if (method === 'interactions.cancel' && request.method === 'POST') {
    if (interaction.status !== 'in_progress' && interaction.status !== 'queued') {
      return jsonReply(
        state,
        googleError(
          400,
          `Interaction ${id} is ${interaction.status}: only a running background interaction can be cancelled.`,
          {
            status: 'FAILED_PRECONDITION',
          },
        ),
      );
    }
    interaction.status = 'cancelled';
    interaction.pending = undefined;
    return ok(state, describe(interaction));
  }
  if (request.method !== 'GET') return notFound(state, request);
  await advance(state, interaction);
  if (query.get('stream') === 'true') {
    const last = query.get('last_event_id');
    let from = 0;
    if (last !== null) {
      const at = interaction.events.findIndex((event) => event['event_id'] === last);
      if (at === -1) {
        return jsonReply(
          state,
          googleError(400, `last_event_id ${last} is not an event of interaction ${id}.`, {
            status: 'INVALID_ARGUMENT',
          }),
        );
      }
      from = at + 1;
    }
    return sse(state, interaction, interaction.events.slice(from));
  }
  return ok(state, describe(interaction));
}

async function create(
  state: FakeState,
  body: Json,
  recorded: FakeRecordedRequest,
  apiVersion: string,
): Promise<FakeReply> {
  const model = typeof body['model'] === 'string' ? body['model'] : undefined;
  const agent = typeof body['agent'] === 'string' ? body['agent'] : undefined;
  if ((model === undefined) === (agent === undefined)) {
    return jsonReply(state, googleError(400, 'Exactly one of `model` and `agent` must be set.'));
  }
  if (agent !== undefined && !DEEP_RESEARCH.test(agent)) {
    return jsonReply(
      state,
      googleError(404, `Agent ${agent} was not found.`, { status: 'NOT_FOUND' }),
    );
  }
  if (agent !== undefined && body['background'] !== true) {
    return jsonReply(
      state,
      googleError(400, `Agent ${agent} runs only in the background: set background: true.`),
    );
  }
  const previousId = body['previous_interaction_id'];
  let previous: FakeInteraction | undefined;
  if (previousId !== undefined) {
    previous = typeof previousId === 'string' ? state.interactions.get(previousId) : undefined;
    if (previous === undefined || !previous.stored) {
      return jsonReply(
        state,
        googleError(
          404,
          `previous_interaction_id ${String(previousId)} names no stored interaction.`,
          {
            status: 'NOT_FOUND',
          },
        ),
      );
    }
  }
  const token = body['continuation_token'];
  // A decode resumed on the server: the stopped interaction holds the input (no `input` sent).
  const resumed =
    typeof token === 'string' &&
    previous?.status === 'requires_continuation' &&
    body['input'] === undefined;
  const input = resumed
    ? { contents: previous?.requestContents ?? [] }
    : toContents(body['input'], previous);
  if ('error' in input) return jsonReply(state, googleError(400, input.error));
  state.interactionCounter++;
  const interaction: FakeInteraction = {
    id: `i${state.interactionCounter.toString(36).padStart(11, '0')}`,
    model,
    agent,
    status: 'in_progress',
    stored: body['store'] !== false,
    previousId: previous?.id,
    contents: resumed ? input.contents : [...(previous?.contents ?? []), ...input.contents],
    requestContents: [],
    continuationToken: undefined,
    steps: [],
    usage: undefined,
    events: [],
    pollsLeft: state.options.interactions?.backgroundPolls ?? 1,
    pending: { body, recorded: { ...recorded }, apiVersion },
    connections: 0,
    created: new Date(state.options.now?.() ?? Date.now()).toISOString(),
  };
  // Kept even with `store: false` until answered (a background run needs it); dropped from
  // continuation below.
  state.interactions.set(interaction.id, interaction);
  if (body['background'] === true && body['stream'] !== true) {
    interaction.events.push(
      event(interaction, { event_type: 'interaction.created', interaction: brief(interaction) }),
    );
    return ok(state, describe(interaction));
  }
  const failed = await run(state, interaction);
  if (failed !== undefined) return failed;
  if (body['stream'] === true) {
    return sse(state, interaction, interaction.events);
  }
  return ok(state, describe(interaction));
}

/** Runs the pending request of an interaction: the script answers, mapped to steps and events. */
async function run(state: FakeState, interaction: FakeInteraction): Promise<FakeReply | undefined> {
  const pending = interaction.pending;
  if (pending === undefined) return undefined;
  interaction.pending = undefined;
  const { body, recorded, apiVersion } = pending;
  const model = interaction.model ?? 'gemini-3-pro-preview';
  interaction.requestContents = interaction.contents;
  const request: Json = { contents: interaction.contents };
  if (typeof body['continuation_token'] === 'string')
    request['continuationToken'] = body['continuation_token'];
  const tools = toTools(body['tools']);
  if (tools.length > 0) request['tools'] = tools;
  if (typeof body['system_instruction'] === 'string') {
    request['systemInstruction'] = { parts: [{ text: body['system_instruction'] }] };
  }
  const reply = await generateFakeReply(state, {
    route: {
      apiVersion,
      model,
      method: 'generateContent',
      stream: false,
      alt: undefined,
      query: new URLSearchParams(),
    },
    model,
    body: request,
    recorded,
    errorStyle: 'json',
  });
  if (reply.status !== 200) {
    interaction.status = 'failed';
    return reply;
  }
  const parsed = JSON.parse(reply.pieces.join('')) as Json;
  const candidate = (parsed['candidates'] as Json[] | undefined)?.[0];
  const content = (candidate?.['content'] as Json | undefined) ?? { role: 'model', parts: [] };
  const steps: Json[] = [];
  if (interaction.agent !== undefined) {
    // The scripted built-in agent's progress before its report (Deep Research plans, searches,
    // reads, then writes), as thought summaries and a search step.
    const question = lastUserText(interaction.contents) ?? '';
    steps.push(
      { type: 'thought', summary: [{ type: 'text', text: `Planning research on: ${question}` }] },
      { type: 'google_search_call', id: 'search-1', arguments: { queries: [question] } },
      {
        type: 'google_search_result',
        call_id: 'search-1',
        result: [{ title: 'Fake source', url: 'https://example.com/fake-source' }],
      },
    );
  }
  let text = '';
  for (const part of (content['parts'] as Json[] | undefined) ?? []) {
    if (part['thought'] === true) {
      steps.push({
        type: 'thought',
        signature: part['thoughtSignature'],
        summary:
          typeof part['text'] === 'string' ? [{ type: 'text', text: part['text'] }] : undefined,
      });
    } else if (isJsonObject(part['functionCall'])) {
      const call = part['functionCall'];
      steps.push({
        type: 'function_call',
        id: typeof call['id'] === 'string' ? call['id'] : `call-${steps.length}`,
        name: call['name'],
        arguments: call['args'] ?? {},
        ...(typeof part['thoughtSignature'] === 'string'
          ? { signature: part['thoughtSignature'] }
          : {}),
      });
    } else if (typeof part['text'] === 'string') {
      text += part['text'];
    }
  }
  if (text !== '') steps.push({ type: 'model_output', content: [{ type: 'text', text }] });
  const usage = parsed['usageMetadata'] as Json | undefined;
  interaction.usage = {
    total_input_tokens: usage?.['promptTokenCount'] ?? 0,
    total_output_tokens: usage?.['candidatesTokenCount'] ?? 0,
    total_thought_tokens: usage?.['thoughtsTokenCount'] ?? 0,
    total_tokens: usage?.['totalTokenCount'] ?? 0,
  };
  interaction.steps = steps;
  const token = candidate?.['continuationToken'];
  if (candidate?.['finishReason'] === 'CONTINUATION' && typeof token === 'string') {
    // Stopped at the per-request decode limit: resumed by a create with this token.
    interaction.status = 'requires_continuation';
    interaction.continuationToken = token;
  } else {
    interaction.contents = [...interaction.contents, content];
    interaction.status = steps.some((step) => step['type'] === 'function_call')
      ? 'requires_action'
      : 'completed';
  }
  writeEvents(state, interaction);
  return undefined;
}

/** A background interaction finishes on the `get` after `backgroundPolls` gets. */
async function advance(state: FakeState, interaction: FakeInteraction): Promise<void> {
  if (interaction.pending === undefined) return;
  if (state.options.interactions?.holdBackground?.(interaction.id) === true) return;
  if (interaction.pollsLeft > 0) {
    interaction.pollsLeft--;
    return;
  }
  await run(state, interaction);
}

function writeEvents(state: FakeState, interaction: FakeInteraction): void {
  const events = interaction.events;
  if (events.length === 0) {
    events.push(
      event(interaction, {
        event_type: 'interaction.created',
        interaction: brief(interaction, 'in_progress'),
      }),
    );
  }
  const size = state.chunkSize;
  interaction.steps.forEach((step, index) => {
    if (step['type'] === 'model_output') {
      events.push(
        event(interaction, { event_type: 'step.start', index, step: { type: 'model_output' } }),
      );
      const text = ((step['content'] as Json[])[0]?.['text'] as string | undefined) ?? '';
      for (let at = 0; at < text.length; at += size) {
        events.push(
          event(interaction, {
            event_type: 'step.delta',
            index,
            delta: { type: 'text', text: text.slice(at, at + size) },
          }),
        );
      }
    } else if (step['type'] === 'thought' && Array.isArray(step['summary'])) {
      events.push(
        event(interaction, {
          event_type: 'step.start',
          index,
          step: { type: 'thought', signature: step['signature'] },
        }),
      );
      for (const piece of step['summary'] as Json[]) {
        events.push(
          event(interaction, {
            event_type: 'step.delta',
            index,
            delta: { type: 'thought_summary', content: piece },
          }),
        );
      }
    } else {
      events.push(event(interaction, { event_type: 'step.start', index, step }));
    }
    events.push(event(interaction, { event_type: 'step.stop', index }));
  });
  events.push(
    event(interaction, {
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
    event(interaction, {
      event_type: 'interaction.completed',
      interaction: {
        ...brief(interaction),
        usage: interaction.usage,
        ...(interaction.continuationToken !== undefined
          ? { continuation_token: interaction.continuationToken }
          : {}),
      },
    }),
  );
}

function event(interaction: FakeInteraction, value: Json): Json {
  return { ...value, event_id: `${interaction.id}-e${interaction.events.length + 1}` };
}

function brief(interaction: FakeInteraction, status = interaction.status): Json {
  return {
    id: interaction.id,
    status,
    ...(interaction.model !== undefined
      ? { model: interaction.model }
      : { agent: interaction.agent }),
  };
}

function describe(interaction: FakeInteraction): Json {
  return {
    ...brief(interaction),
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

/** The SSE body: one piece per event; the first connection is cut after `dropStreamAfterEvents`. */
function sse(state: FakeState, interaction: FakeInteraction, events: Json[]): FakeReply {
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

function ok(state: FakeState, body: unknown): FakeReply {
  const reply = jsonReply(state, { status: 200, body });
  return reply;
}

function notFound(state: FakeState, request: FakeHttpRequest): FakeReply {
  return jsonReply(
    state,
    googleError(
      404,
      `[gemloop fake] ${request.method} is not a method of this Interactions route.`,
    ),
  );
}

/** The request's `input` as `generateContent` contents, checked against the previous interaction. */
function toContents(
  input: unknown,
  previous: FakeInteraction | undefined,
): { contents: Json[] } | { error: string } {
  if (typeof input === 'string') {
    return input === ''
      ? { error: '`input` is empty.' }
      : { contents: [{ role: 'user', parts: [{ text: input }] }] };
  }
  if (!Array.isArray(input) || input.length === 0) {
    return { error: '`input` must be a string or a non-empty array of steps or content.' };
  }
  const calls = new Map<string, string>();
  for (const step of previous?.steps ?? []) {
    if (step['type'] === 'function_call') calls.set(String(step['id']), String(step['name']));
  }
  const parts: Json[] = [];
  const contents: Json[] = [];
  const flush = (role: string): void => {
    if (parts.length > 0) contents.push({ role, parts: parts.splice(0) });
  };
  for (const [at, item] of input.entries()) {
    if (!isJsonObject(item)) return { error: `input[${at}] is not an object.` };
    const type = item['type'];
    if (type === 'text' && typeof item['text'] === 'string') parts.push({ text: item['text'] });
    else if (type === 'user_input' && Array.isArray(item['content'])) {
      for (const piece of item['content'] as unknown[]) {
        if (isJsonObject(piece) && typeof piece['text'] === 'string')
          parts.push({ text: piece['text'] });
      }
    } else if (type === 'function_result') {
      const callId = item['call_id'];
      if (typeof callId !== 'string') return { error: `input[${at}].call_id is required.` };
      const name =
        (typeof item['name'] === 'string' ? item['name'] : undefined) ?? calls.get(callId);
      if (previous !== undefined && !calls.has(callId)) {
        return {
          error: `input[${at}].call_id ${callId} answers no function_call of interaction ${previous.id}.`,
        };
      }
      if (name === undefined)
        return { error: `input[${at}].name is required without previous_interaction_id.` };
      const result = item['result'];
      parts.push({
        functionResponse: {
          id: callId,
          name,
          response: isJsonObject(result) ? result : { result },
        },
      });
    } else if (type === 'model_output' || type === 'function_call' || type === 'thought') {
      // A stateless client sends the history as steps: the model's turn.
      flush('user');
      const modelParts: Json[] = [];
      if (type === 'model_output') {
        for (const piece of (item['content'] as Json[] | undefined) ?? []) {
          if (typeof piece['text'] === 'string') modelParts.push({ text: piece['text'] });
        }
      } else if (type === 'function_call') {
        modelParts.push({
          functionCall: { id: item['id'], name: item['name'], args: item['arguments'] ?? {} },
          ...(typeof item['signature'] === 'string' ? { thoughtSignature: item['signature'] } : {}),
        });
      }
      const last = contents.at(-1);
      if (last?.['role'] === 'model') (last['parts'] as Json[]).push(...modelParts);
      else if (modelParts.length > 0) contents.push({ role: 'model', parts: modelParts });
    } else {
      return { error: `input[${at}] has a type (${String(type)}) this fake does not read.` };
    }
  }
  flush('user');
  return { contents };
}

function toTools(tools: unknown): Json[] {
  if (!Array.isArray(tools)) return [];
  const declarations: Json[] = [];
  const out: Json[] = [];
  for (const tool of tools) {
    if (!isJsonObject(tool)) continue;
    if (tool['type'] === 'function') {
      const { type: _type, ...declaration } = tool;
      declarations.push(declaration);
    } else if (tool['type'] === 'google_search') out.push({ googleSearch: {} });
    else if (tool['type'] === 'code_execution') out.push({ codeExecution: {} });
    else if (tool['type'] === 'url_context') out.push({ urlContext: {} });
  }
  return declarations.length > 0 ? [{ functionDeclarations: declarations }, ...out] : out;
}

function lastUserText(contents: Json[]): string | undefined {
  for (let at = contents.length - 1; at >= 0; at--) {
    const content = contents[at] as Json;
    if (content['role'] !== 'user') continue;
    for (const part of (content['parts'] as Json[] | undefined) ?? []) {
      if (typeof part['text'] === 'string') return part['text'];
    }
  }
  return undefined;
}
