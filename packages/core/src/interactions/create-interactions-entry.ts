import type { CallOptions, Gemini } from '../http/gemini.ts';
import {
  type ModelCallEntry,
  ModelCallRecord,
  modelCallEntryOf,
} from '../http/model-call-entry.ts';
import type { Content, Part } from '../wire/content.ts';
import type {
  CreateInteractionRequest,
  Interaction,
  InteractionEvent,
  InteractionStep,
} from '../wire/interaction.ts';
import type { GenerateContentRequest } from '../wire/request.ts';
import type { GenerateContentResponse } from '../wire/response.ts';
import type { InteractionsBackground } from './agent-api.ts';
import { interactionsBackendOf } from './interactions-backend.ts';
import { runInBackground } from './run-in-background.ts';

/** How an agent runs on the Interactions API (`api: interactionsApi()`). @internal */
export type InteractionsEntryOptions = {
  /**
   * Whether the server keeps each interaction (`store`), so a step sends only what is new since
   * the last interaction of the same history, with `previous_interaction_id`. Without it every
   * step sends the whole history as steps. @defaultValue true (the API's default)
   */
  store: boolean;
  /**
   * Each call a background interaction, polled until done (see `runInBackground`); a streamed
   * call then yields the finished answer as one chunk. Left out, calls are unary or streamed.
   */
  background?: InteractionsBackground | undefined;
};

type Json = Record<string, unknown>;
/** Histories whose last interaction is remembered, per agent: far more than the runs in flight. */
const MAX_REMEMBERED = 512;

/**
 * The agent's model calls over the Interactions API: the agent keeps building `generateContent`
 * requests and reading `generateContent` responses (so tools, events, approvals, stop
 * conditions, telemetry and recording are the same code), and this entry translates both ways.
 * With `store` it remembers, for each history it answered, the interaction that holds it on the
 * server (keyed by a hash of the history's contents, so it works across runs and chat turns with
 * no state in them): the next request that extends that history sends only the contents after it,
 * with `previous_interaction_id`. A history it does not know (another process, a server that
 * forgot, a history edited by the app) is sent whole, as steps.
 * @internal
 */
export function createInteractionsEntry(
  gemini: Gemini,
  options: InteractionsEntryOptions,
): ModelCallEntry {
  const backend = interactionsBackendOf(gemini);
  const { interactions } = backend;
  const background = options.background;
  const base = modelCallEntryOf(gemini);
  // history hash -> interaction id (insertion order = age).
  const remembered = new Map<string, string>();
  const remember = (hash: string, id: string): void => {
    remembered.delete(hash);
    remembered.set(hash, id);
    if (remembered.size > MAX_REMEMBERED) {
      remembered.delete(remembered.keys().next().value as string);
    }
  };

  // continuation token -> the interaction that stopped with it (`requires_continuation`).
  const continuations = new Map<string, string>();
  const noteContinuation = (token: string | undefined, id: string): void => {
    if (token === undefined) return;
    continuations.set(token, id);
    if (continuations.size > MAX_REMEMBERED) {
      continuations.delete(continuations.keys().next().value as string);
    }
  };

  const prepare = (request: GenerateContentRequest) => {
    const contents = toContents(request.contents);
    const token = request.continuationToken;
    const stopped = token === undefined || !options.store ? undefined : continuations.get(token);
    if (token !== undefined && stopped !== undefined) {
      // A decode resumed on the server: the interaction that stopped holds the input
      // (`@google/genai` 3.1.0 ContinuationInterruptedError: "with store enabled, also pass
      // interactionId as previous_interaction_id and no input").
      const { input: _input, ...rest } = toCreateRequest(request, [], stopped, true);
      const hashes = prefixHashes(contents);
      return {
        body: { ...rest, continuation_token: token },
        settle: (interactionId: string, next?: string) => {
          noteContinuation(next, interactionId);
          if (next === undefined && hashes.length > 0)
            remember(hashes.at(-1) as string, interactionId);
        },
      };
    }
    const hashes = prefixHashes(contents);
    let from = 0;
    let previous: string | undefined;
    if (options.store) {
      // The newest `[...sent, answer, ...new]`: `sent` is a history an interaction answered (its
      // hash remembered), `answer` the model content the agent made of that answer (whatever
      // shape its folding gave it: the server holds the answer itself).
      for (let at = contents.length - 2; at > 0; at--) {
        if (contents[at]?.role !== 'model') continue;
        const id = remembered.get(hashes[at - 1] as string);
        if (id !== undefined) {
          from = at + 1;
          previous = id;
          break;
        }
      }
    }
    const body = toCreateRequest(request, contents.slice(from), previous, options.store);
    // Without store the same input goes again, with the token (the same ContinuationInterruptedError note).
    if (token !== undefined) body.continuation_token = token;
    const settle = (interactionId: string, next?: string): void => {
      if (!options.store) return;
      noteContinuation(next, interactionId);
      // A history is answered only once its decode finished.
      if (next === undefined && hashes.length > 0) remember(hashes.at(-1) as string, interactionId);
    };
    return { body, settle };
  };

  return {
    async generate({ request, callOptions }) {
      const record = new ModelCallRecord();
      const { body, settle } = prepare(request);
      const options = recording(callOptions, record);
      const interaction =
        background === undefined
          ? await interactions.create(body, options)
          : await runInBackground(backend, body, options, background);
      const response = toResponse(interaction);
      settle(interaction.id, continuationTokenOf(interaction));
      record.interactionId = interaction.id;
      return { response, record };
    },
    stream({ request, callOptions }) {
      const record = new ModelCallRecord();
      const { body, settle } = prepare(request);
      const callOptionsRecorded = recording(callOptions, record);
      const settleAndRecord = (interactionId: string, next?: string): void => {
        record.interactionId = interactionId;
        settle(interactionId, next);
      };
      if (background !== undefined) {
        return {
          stream: finishedInBackground(
            backend,
            body,
            callOptionsRecorded,
            background,
            settleAndRecord,
          ),
          record,
        };
      }
      const events = interactions.stream(body, callOptionsRecorded);
      return { stream: toChunks(events, settleAndRecord), record };
    },
    resumeFrom(contents, interactionId) {
      if (!options.store) return;
      // The interaction answered the history before the last model content (that content is
      // its answer, as the agent folded it): the key `prepare` looks up for a request that
      // extends `contents`.
      const list = contents as Content[];
      let at = list.length - 1;
      while (at > 0 && list[at]?.role !== 'model') at--;
      if (at <= 0) return;
      const hashes = prefixHashes(list.slice(0, at));
      remember(hashes.at(-1) as string, interactionId);
    },
    redact: base.redact,
  };
}

/**
 * A streamed call run in the background: nothing streams while the interaction runs (its polls
 * answer whole interactions), then its answer comes as one chunk, the same response a unary call
 * gets, so the agent's fold, events and history match a unary run's.
 */
async function* finishedInBackground(
  backend: ReturnType<typeof interactionsBackendOf>,
  body: CreateInteractionRequest,
  options: CallOptions,
  background: InteractionsBackground,
  settle: (id: string, next?: string) => void,
): AsyncGenerator<GenerateContentResponse> {
  const interaction = await runInBackground(backend, body, options, background);
  yield toResponse(interaction);
  settle(interaction.id, continuationTokenOf(interaction));
}

/** The call options with `onResponse` filling `record` before the caller's own is told. */
function recording(options: CallOptions, record: ModelCallRecord): CallOptions {
  const own = options.onResponse;
  return {
    ...options,
    onResponse: (info) => {
      record.info = info;
      own?.(info);
    },
  };
}

function toContents(contents: GenerateContentRequest['contents']): Content[] {
  return typeof contents === 'string' ? [{ role: 'user', parts: [{ text: contents }] }] : contents;
}

/** FNV-1a over 32 bits twice (two seeds): cheap, and a collision needs both to collide. */
function hashOf(previous: string, content: unknown): string {
  const text = previous + JSON.stringify(content);
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    a = Math.imul(a ^ code, 0x01000193);
    b = Math.imul(b ^ code, 0x5bd1e995);
  }
  return `${(a >>> 0).toString(36)}.${(b >>> 0).toString(36)}.${text.length}`;
}

// A content's chain hash, by the content object and the hash before it: the agent passes the same
// content objects step after step, so each step hashes only its new contents (O(new), not
// O(history); measured in bench/src/interactions).
const chained = new WeakMap<object, { previous: string; hash: string }>();

function prefixHashes(contents: Content[]): string[] {
  const hashes: string[] = [];
  let previous = '';
  for (const content of contents) {
    const known = chained.get(content);
    let hash: string;
    if (known !== undefined && known.previous === previous) hash = known.hash;
    else {
      hash = hashOf(previous, content);
      chained.set(content, { previous, hash });
    }
    hashes.push(hash);
    previous = hash;
  }
  return hashes;
}

/**
 * A `generateContent` request as an Interactions create body (`@google/genai` 3.1.0's
 * `CreateInteractionParams`: `input` steps, `system_instruction`, `tools` of `type: 'function'`
 * with `name`/`description`/`parameters`, `generation_config`). Hand-written from that source.
 */
function toCreateRequest(
  request: GenerateContentRequest,
  contents: Content[],
  previous: string | undefined,
  store: boolean,
): CreateInteractionRequest {
  const body: CreateInteractionRequest = {
    model: request.model.replace(/^models\//, ''),
    input: contents.flatMap(toSteps),
  };
  if (previous !== undefined) body.previous_interaction_id = previous;
  if (!store) body.store = false;
  const system = request.systemInstruction;
  if (system !== undefined) {
    const parts =
      typeof system === 'string'
        ? [{ text: system }]
        : Array.isArray(system)
          ? system
          : system.parts;
    body.system_instruction = (parts ?? []).map((part) => part.text ?? '').join('');
  }
  const tools = (request.tools ?? []).flatMap(toTools);
  if (tools.length > 0) body.tools = tools;
  const config = request.generationConfig as Json | undefined;
  if (config !== undefined) {
    const generation: Json = {};
    for (const [from, to] of [
      ['temperature', 'temperature'],
      ['topP', 'top_p'],
      ['maxOutputTokens', 'max_output_tokens'],
      ['seed', 'seed'],
      ['stopSequences', 'stop_sequences'],
    ] as const) {
      if (config[from] !== undefined) generation[to] = config[from];
    }
    if (Object.keys(generation).length > 0) body.generation_config = generation;
    const schema = config['responseJsonSchema'] ?? config['responseSchema'];
    if (config['responseMimeType'] === 'application/json') {
      body.response_format = {
        type: 'text',
        mime_type: 'application/json',
        ...(schema !== undefined ? { schema } : {}),
      };
    }
  }
  return body;
}

function toSteps(content: Content): InteractionStep[] {
  const steps: InteractionStep[] = [];
  const parts = content.parts ?? [];
  if (content.role === 'model') {
    let text = '';
    for (const part of parts) {
      if (part.thought === true) {
        steps.push({
          type: 'thought',
          ...(part.thoughtSignature !== undefined ? { signature: part.thoughtSignature } : {}),
        });
      } else if (part.functionCall !== undefined) {
        steps.push({
          type: 'function_call',
          id: part.functionCall.id ?? part.functionCall.name,
          name: part.functionCall.name,
          arguments: part.functionCall.args ?? {},
          ...(part.thoughtSignature !== undefined ? { signature: part.thoughtSignature } : {}),
        });
      } else if (typeof part.text === 'string') text += part.text;
    }
    if (text !== '') steps.push({ type: 'model_output', content: [{ type: 'text', text }] });
    return steps;
  }
  const texts: Array<{ type: string; text: string }> = [];
  for (const part of parts) {
    if (part.functionResponse !== undefined) {
      steps.push({
        type: 'function_result',
        call_id: part.functionResponse.id ?? part.functionResponse.name,
        name: part.functionResponse.name,
        result: part.functionResponse.response,
      });
    } else if (typeof part.text === 'string') texts.push({ type: 'text', text: part.text });
  }
  if (texts.length > 0) steps.unshift({ type: 'user_input', content: texts });
  return steps;
}

function toTools(tool: unknown): unknown[] {
  const value = tool as Json;
  const out: unknown[] = [];
  for (const declaration of (value['functionDeclarations'] as Json[] | undefined) ?? []) {
    out.push({
      type: 'function',
      name: declaration['name'],
      ...(declaration['description'] !== undefined
        ? { description: declaration['description'] }
        : {}),
      parameters: declaration['parametersJsonSchema'] ??
        declaration['parameters'] ?? { type: 'object' },
    });
  }
  if (value['googleSearch'] !== undefined) out.push({ type: 'google_search' });
  if (value['codeExecution'] !== undefined) out.push({ type: 'code_execution' });
  if (value['urlContext'] !== undefined) out.push({ type: 'url_context' });
  return out;
}

const FINISH: Readonly<Record<string, string>> = {
  completed: 'STOP',
  requires_action: 'STOP',
  incomplete: 'MAX_TOKENS',
  requires_continuation: 'CONTINUATION',
  budget_exceeded: 'MAX_TOKENS',
};

/** A finished interaction as the `generateContent` response the agent reads. */
function toResponse(interaction: Interaction): GenerateContentResponse {
  const parts: Part[] = [];
  const queries: string[] = [];
  const chunks: Json[] = [];
  for (const step of interaction.steps ?? []) parts.push(...stepParts(step, queries, chunks));
  const candidate: Json = {
    content: { role: 'model', parts },
    finishReason: finishOf(interaction.status),
    index: 0,
  };
  const token = continuationTokenOf(interaction);
  if (token !== undefined) candidate['continuationToken'] = token;
  if (queries.length > 0 || chunks.length > 0) {
    candidate['groundingMetadata'] = { webSearchQueries: queries, groundingChunks: chunks };
  }
  return {
    candidates: [candidate],
    usageMetadata: toUsage(interaction.usage),
    responseId: interaction.id,
  } as GenerateContentResponse;
}

function toUsage(usage: unknown): GenerateContentResponse['usageMetadata'] {
  if (!isRecord(usage)) return undefined;
  const count = (key: string): number => {
    const value = usage[key];
    return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : 0;
  };
  const thoughts = count('total_thought_tokens');
  return {
    promptTokenCount: count('total_input_tokens'),
    candidatesTokenCount: count('total_output_tokens'),
    ...(thoughts > 0 ? { thoughtsTokenCount: thoughts } : {}),
    totalTokenCount: count('total_tokens'),
  } as GenerateContentResponse['usageMetadata'];
}

// The bytes come from a server: every field read here is checked, and a step that is not what its
// type says is dropped (kept only as data in the interaction), never thrown on as a TypeError.
function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function records(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

/** The parts of one step; built-in tool steps become grounding (search) and are otherwise dropped. */
function stepParts(step: unknown, queries: string[], chunks: Json[]): Part[] {
  if (!isRecord(step)) return [];
  const value = step;
  switch (value['type']) {
    case 'model_output':
      return records(value['content'])
        .filter((piece) => typeof piece['text'] === 'string')
        .map((piece) => ({ text: piece['text'] as string }));
    case 'thought': {
      const summary = records(value['summary'])
        .map((piece) => (typeof piece['text'] === 'string' ? piece['text'] : ''))
        .join('');
      const signature = value['signature'];
      if (summary === '' && typeof signature !== 'string') return [];
      return [
        {
          thought: true,
          text: summary,
          ...(typeof signature === 'string' ? { thoughtSignature: signature } : {}),
        },
      ];
    }
    case 'function_call':
      if (typeof value['name'] !== 'string' || value['name'] === '') return [];
      return [
        {
          functionCall: {
            ...(typeof value['id'] === 'string' ? { id: value['id'] } : {}),
            name: value['name'],
            args: isRecord(value['arguments']) ? value['arguments'] : {},
          },
          ...(typeof value['signature'] === 'string'
            ? { thoughtSignature: value['signature'] }
            : {}),
        },
      ];
    case 'google_search_call': {
      const args = value['arguments'];
      const list = isRecord(args) ? args['queries'] : undefined;
      if (Array.isArray(list)) {
        for (const query of list) if (typeof query === 'string') queries.push(query);
      }
      return [];
    }
    case 'google_search_result': {
      for (const item of records(value['result'])) {
        if (typeof item['url'] === 'string') {
          const title = typeof item['title'] === 'string' ? { title: item['title'] } : {};
          chunks.push({ web: { uri: item['url'], ...title } });
        }
      }
      return [];
    }
    default:
      return [];
  }
}

/**
 * The events of a streamed interaction as `generateContent` chunks: text deltas as text parts,
 * a function call or thought as its part when its step starts, usage and finish reason on the
 * last chunk.
 */
async function* toChunks(
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
  let token: string | undefined;
  let usage: unknown;
  for await (const event of events) {
    const value = event as Json;
    switch (event.event_type) {
      case 'interaction.created':
        {
          const created = value['interaction'];
          if (isRecord(created) && typeof created['id'] === 'string') id = created['id'];
        }
        break;
      case 'step.start': {
        const own = stepParts(value['step'], queries, grounding);
        if (own.length > 0) yield chunk(own);
        break;
      }
      case 'step.delta': {
        const delta = isRecord(value['delta']) ? value['delta'] : {};
        if (delta['type'] === 'text' && typeof delta['text'] === 'string') {
          const part = { text: delta['text'] };
          yield chunk([part]);
        } else if (delta['type'] === 'thought_summary') {
          const content = delta['content'];
          const text = isRecord(content) ? content['text'] : undefined;
          if (typeof text === 'string') {
            const part = { thought: true, text };
            yield chunk([part]);
          }
        }
        break;
      }
      case 'interaction.status_update':
        status = String(value['status']);
        if (typeof value['continuation_token'] === 'string') token = value['continuation_token'];
        if (value['usage'] !== undefined) usage = value['usage'];
        break;
      case 'interaction.completed': {
        const interaction = isRecord(value['interaction']) ? value['interaction'] : {};
        status = String(interaction['status'] ?? status);
        if (typeof interaction['continuation_token'] === 'string') {
          token = interaction['continuation_token'];
        }
        if (interaction['usage'] !== undefined) usage = interaction['usage'];
        break;
      }
      default:
        break;
    }
  }
  const extra: Json = { finishReason: finishOf(status) };
  if (status === 'requires_continuation' && token !== undefined) extra['continuationToken'] = token;
  if (queries.length > 0 || grounding.length > 0) {
    extra['groundingMetadata'] = { webSearchQueries: queries, groundingChunks: grounding };
  }
  const last = chunk([], extra);
  const usageMetadata = toUsage(usage);
  if (usageMetadata !== undefined) last.usageMetadata = usageMetadata;
  yield last;
  if (id !== undefined) settle(id, status === 'requires_continuation' ? token : undefined);
}

/** The token of an interaction stopped at the per-request decode limit (`requires_continuation`). */
function continuationTokenOf(interaction: Interaction): string | undefined {
  return interaction.status === 'requires_continuation' &&
    typeof interaction.continuation_token === 'string' &&
    interaction.continuation_token !== ''
    ? interaction.continuation_token
    : undefined;
}

function finishOf(status: unknown): string {
  return typeof status === 'string' && Object.hasOwn(FINISH, status)
    ? (FINISH[status] as string)
    : 'OTHER';
}
