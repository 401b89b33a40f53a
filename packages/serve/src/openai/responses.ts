import type { AgentUsage } from '@gemloop/core';
import { type ChatResult, createChatSession, type HistoryStore } from '@gemloop/core/chat';
import { keylessEventsShowing, keylessResult, type ScanMemo } from '@gemloop/core/internal';
import { answersWithOutput } from '../door/answers-with-output.ts';
import { createSendStore } from '../door/create-send-store.ts';
import { unprintableIdFault } from '../door/printable-id.ts';
import { createAnswerDeltas } from './answer-deltas.ts';
import { readOptionalBoolean } from './chat-completions.ts';
import type { DoorRequest } from './door-request.ts';
import { countTokens, openAIId, runSpan } from './door-request.ts';
import { eventStreamResponse, sseFrame } from './event-stream.ts';
import { readGenerationFields } from './generation-fields.ts';
import { jsonResponse } from './json-response.ts';
import {
  createMessageItemsStream,
  type MessageItem,
  messageItems,
  outputText,
} from './message-items.ts';
import { invalidRequest, notFound, OpenAIRequestError } from './openai-request-error.ts';
import { checkMediaCount } from './read-media-content.ts';
import type { Conversation, ResponseIndex } from './response-index.ts';
import { runFailure, runFailureResponse } from './run-failure.ts';
import { streamsLoopText } from './streams-loop-text.ts';
import {
  isRecord,
  RESPONSES_PART_TYPES,
  type ReadMessage,
  readMessage,
  refuseClientTools,
  toContents,
} from './to-contents.ts';
import { refuseUnhonouredFields } from './unhonoured-fields.ts';

// POST /v1/responses, as the `openai` client's `responses.create` sends it and reads the answer
// (`Response`, `ResponseStreamEvent` of `openai/resources/responses/responses`;
// https://platform.openai.com/docs/api-reference/responses). Stateful: each response is a turn of
// a gemloop chat session, continued by `previous_response_id` or `conversation`. Tool activity
// is not surfaced: the output is a message per step that wrote text, the answer last
// (message-items.ts, docs/serving-openai-compatible.md).

const MAX_CONVERSATION_ID = 256;

/** The answer for a conversation the store evicted whole (the door store's `maxTotalBytes`). */
const EVICTED =
  "This conversation's history was dropped to keep the server's memory bounded; start a new conversation (without previous_response_id, or with a new conversation id).";

/** What the Responses API needs beyond the request. @internal */
export type ResponsesContext = {
  index: ResponseIndex;
  store: HistoryStore;
  /** The door's texts found clean, across a conversation's sends (`keylessEvents`). */
  scanned: ScanMemo;
};

/** @internal */
export async function responses(door: DoorRequest, context: ResponsesContext): Promise<Response> {
  const { body } = door;
  const messages = readInput(body['input']);
  refuseClientTools(body, 'responses');
  refuseUnhonouredFields(body, 'responses');
  const generationConfig = readGenerationFields(body, 'responses');
  const sendOptions = { signal: door.signal, generationConfig };
  const stream = readOptionalBoolean(body['stream'], 'stream');
  const keep =
    body['store'] === undefined ||
    body['store'] === null ||
    readOptionalBoolean(body['store'], 'store');
  const metadata = readMetadata(body['metadata']);
  const previousId = readOptionalString(body['previous_response_id'], 'previous_response_id', 128);
  const conversationId = readConversation(body['conversation']);
  if (previousId !== undefined && conversationId !== undefined) {
    throw invalidRequest(
      'previous_response_id',
      'Give previous_response_id or conversation, not both.',
      'mutually_exclusive',
    );
  }

  let conversation: Conversation;
  if (previousId !== undefined) {
    const previous = context.index.find(previousId, door.owner);
    if (previous === undefined) {
      throw notFound(
        'previous_response_not_found',
        'No previous response with this id is open to this caller.',
        'previous_response_id',
      );
    }
    if (context.index.evicted(previous.conversation)) {
      throw notFound('previous_response_not_found', EVICTED, 'previous_response_id');
    }
    conversation = await context.index.continueFrom(previous);
  } else {
    conversation =
      conversationId !== undefined
        ? context.index.named(door.owner, conversationId)
        : context.index.create(door.owner);
    if (context.index.evicted(conversation)) {
      throw notFound('conversation_not_found', EVICTED, 'conversation');
    }
    if (conversation.busy) {
      throw new OpenAIRequestError({
        status: 409,
        type: 'invalid_request_error',
        errorCode: 'conversation_locked',
        param: 'conversation',
        message: 'Another response is being made in this conversation; retry when it is done.',
      });
    }
    conversation.busy = true;
  }

  const id = openAIId('resp_');
  const shape = {
    id,
    createdAt: Math.floor(door.now() / 1000),
    model: door.model,
    previousId,
    conversationId,
    metadata,
    keep,
    // What the response says it was made with, as OpenAI's does; `null` for a field not given.
    asked: {
      max_output_tokens: generationConfig?.maxOutputTokens ?? null,
      temperature: generationConfig?.temperature ?? null,
      top_p: generationConfig?.topP ?? null,
    },
  };
  // The items before the last as a turn of their own, so the agent sees them as history; stored
  // only with the send's own turn, so a failed response leaves the conversation as it was.
  const earlier = toContents(messages.slice(0, -1));
  const store = createSendStore({
    store: context.store,
    key: conversation.key,
    earlier: earlier.length > 0 ? { contents: earlier } : undefined,
  });
  const session = createChatSession({ agent: door.agent, store, id: conversation.key });
  /** `answered`: the run gave a result (its turn is stored). */
  const finish = async (answered: boolean) => {
    if (store.written()) conversation.turns += 1;
    if (answered) conversation.turns += 1;
    // A response not kept (`store: false`) is no point to continue from, but its turns are now
    // the conversation's end: a continuation of the response before it branches instead of
    // sending them (attack-doors10).
    if (answered && !keep) conversation.head = undefined;
    conversation.busy = false;
    await session.close().catch(door.onError);
  };
  // An empty text goes to Gemini as the chat completions route sends it, `{ text: '' }`: Google
  // accepted a user turn of only that (test/fixtures/gemini/requests/gemini3-flash__parallel-
  // functionResponses-one-user-turn.request.json). As a string, send() refuses it, and the
  // client got a 500 (which the `openai` client retries).
  // A message with media goes as its parts, in order (read-media-content.ts).
  const last = messages.at(-1) as ReadMessage;
  const message = last.parts ?? (last.text === '' ? [{ text: '' }] : last.text);

  if (!stream) {
    let result: ChatResult;
    let sent: Pick<ChatResult, 'text' | 'usage' | 'finishReason'> & { steps: { text: string }[] };
    try {
      result = await door.telemetry.run(
        runSpan(door, 'responses', false),
        () => session.send(message, sendOptions),
        (running) => running,
      );
      // Only what the response carries is scanned: the whole result (the thread's history too)
      // walked every stored turn's nodes at each send, and past 10,000 objects failed closed.
      // Each step's text is a message item of its own (message-items.ts): scanned as the answer is.
      const { text, usage, finishReason } = result;
      const steps = result.steps.map((step) => ({ text: step.text }));
      sent = keylessResult(door.agent, { text, usage, finishReason, steps }, context.scanned);
    } catch (error) {
      await finish(false);
      // A caller that went away stopped its own run: nothing for the server's log.
      if (!door.signal.aborted) door.onError(error);
      return runFailureResponse(error);
    }
    await finish(true);
    // The answer alone where the stream shows it alone: an `output` agent answering last (its
    // JSON; the text before the hand-off to it no item, answer-deltas.ts), or a run whose agent
    // holds its text back (`holdBack`: the tool loop's text never streamed, streams-loop-text.ts).
    const answerAlone =
      answersWithOutput(door.agent, result.handoffs?.at(-1) ?? store.holder()) ||
      !streamsLoopText(door.agent, store.holder());
    const items = messageItems(sent.steps, sent.text, answerAlone);
    const response = toResponse(shape, settledStatus(sent.finishReason), items, sent.usage);
    if (keep) context.index.record({ id, owner: door.owner, conversation, body: response });
    return jsonResponse(response);
  }

  return eventStreamResponse(door, async (write) => {
    let sequence = 0;
    // `ended`: the run is over, and the frame is the answer whole or the end (event-stream.ts).
    const send = (type: string, fields: Record<string, unknown>, ended = false) =>
      write(sseFrame({ type, sequence_number: sequence++, ...fields }, type), ended);
    // An `output` schema's answer goes out once validated, as on Chat Completions: read from the
    // agent answering, the one holding the conversation (a hand-off in an earlier response gave
    // it away; what the send's own load found) and then any this run hands to (leftovers66); the
    // text before a call handing to such an agent is held and dropped (answer-deltas.ts).
    const deltas = createAnswerDeltas({ root: door.agent, holder: store.holder });
    // Each step that writes text is a message item of its own, opened at its first delta.
    const items = createMessageItemsStream({ send, sentIn: deltas.sentIn });
    let lastStep: number | undefined;
    try {
      const started = toResponse(shape, { status: 'in_progress' }, [], undefined);
      send('response.created', { response: started });
      send('response.in_progress', { response: started });
      // Started within the `try`: a start that throws (the door's tracer, as it opens the span)
      // ended the stream with no frame and left the conversation claimed, every later send to
      // it a 409 (openai67).
      const run = door.telemetry.run(
        runSpan(door, 'responses', true),
        // Only what the response carries of the result (the text, the usage, how it ended) is
        // walked: the whole thread's, past 10,000 objects, went out with its usage unchecked
        // (NaN, JSON null).
        () =>
          keylessEventsShowing(
            session.sendStream(message, sendOptions),
            ({ text, usage, finishReason }) => ({ text, usage, finishReason }),
            context.scanned,
          ),
        (running) => running.result,
      );
      // Its failure is read below, or by the `catch` from the iteration: never unhandled.
      run.result.catch(() => {});
      for await (const event of run) {
        if (event.path.length > 0) continue;
        if (event.type === 'step-start') lastStep = event.stepNumber;
        for (const each of deltas.take(event)) items.delta(each);
      }
      const result = await run.result;
      await finish(true);
      const { released, answerOnly } = deltas.end();
      for (const each of released) items.delta(each);
      const status = settledStatus(result.finishReason);
      // The last item's `done` is the answer as the run settled it (a guardrail's rewrite).
      const output = items.end({
        text: result.text,
        lastStep,
        answerOnly,
        status: messageStatus(status.status),
      });
      const response = toResponse(shape, status, output, result.usage);
      if (keep) context.index.record({ id, owner: door.owner, conversation, body: response });
      send(`response.${status.status}`, { response }, true);
    } catch (error) {
      await finish(false);
      if (door.signal.aborted) return;
      door.onError(error);
      const failure = runFailure(error).error;
      send('response.failed', {
        response: {
          ...toResponse(shape, { status: 'failed' }, items.sent(), undefined),
          error: { code: failure.code, message: failure.message },
        },
      });
    }
  });
}

type ResponseShape = {
  id: string;
  createdAt: number;
  model: string;
  previousId: string | undefined;
  conversationId: string | undefined;
  metadata: Record<string, string>;
  keep: boolean;
  /** The request's generation fields, echoed (they were `null` whatever was asked: openai67). */
  asked: { max_output_tokens: number | null; temperature: number | null; top_p: number | null };
};

/**
 * A response's status, and for an `incomplete` one, why: OpenAI's `Response.status` and
 * `Response.IncompleteDetails` (openai-node 6.49.0, `resources/responses/responses.d.ts`).
 */
type ResponseStatus =
  | { status: 'in_progress' | 'completed' | 'failed'; reason?: undefined }
  | { status: 'incomplete'; reason: 'max_output_tokens' | 'content_filter' };

/**
 * The status of a response whose run ended with `finishReason`: an answer Gemini cut at the
 * token limit, or withheld for its content, is `incomplete` with the reason, as OpenAI's API tells
 * it (and a stream ends in `response.incomplete`); said `completed`, a client read a cut answer as
 * whole (openai67). A run that ran out of steps answered what it could: no such reason in the API.
 */
function settledStatus(finishReason: string): ResponseStatus {
  if (finishReason === 'max-tokens') return { status: 'incomplete', reason: 'max_output_tokens' };
  if (finishReason === 'content-filter') return { status: 'incomplete', reason: 'content_filter' };
  return { status: 'completed' };
}

/** An unfinished answer's last message is too (OpenAI's `ResponseOutputMessage.status`). */
function messageStatus(status: ResponseStatus['status']): 'completed' | 'incomplete' {
  return status === 'completed' ? 'completed' : 'incomplete';
}

/** A `Response` object as OpenAI's API returns it; `items`: its messages, in order. */
function toResponse(
  shape: ResponseShape,
  { status, reason }: ResponseStatus,
  items: readonly MessageItem[],
  usage: AgentUsage | undefined,
) {
  const tokens = usage === undefined ? undefined : countTokens(usage);
  return {
    id: shape.id,
    object: 'response',
    created_at: shape.createdAt,
    status,
    background: false,
    error: null,
    incomplete_details: reason === undefined ? null : { reason },
    instructions: null,
    max_output_tokens: shape.asked.max_output_tokens,
    metadata: shape.metadata,
    model: shape.model,
    output: items.map((item, index) => ({
      id: item.id,
      type: 'message',
      role: 'assistant',
      // The steps before the last ended; the last is the answer, as the response ended.
      status: index === items.length - 1 ? messageStatus(status) : 'completed',
      content: [outputText(item.text)],
    })),
    parallel_tool_calls: true,
    previous_response_id: shape.previousId ?? null,
    conversation: shape.conversationId === undefined ? null : { id: shape.conversationId },
    store: shape.keep,
    temperature: shape.asked.temperature,
    text: { format: { type: 'text' } },
    tool_choice: 'auto',
    tools: [],
    top_p: shape.asked.top_p,
    truncation: 'disabled',
    usage:
      usage === undefined || tokens === undefined
        ? null
        : {
            input_tokens: tokens.input,
            input_tokens_details: { cached_tokens: usage.cachedContentTokenCount },
            output_tokens: tokens.output,
            output_tokens_details: { reasoning_tokens: usage.thoughtsTokenCount },
            total_tokens: tokens.input + tokens.output,
          },
  };
}

/** `input`: a string, or an array of messages whose last (system ones aside) is the user's. */
function readInput(value: unknown): ReadMessage[] {
  if (value === undefined) {
    throw invalidRequest('input', 'input is required.', 'missing_required_parameter');
  }
  if (typeof value === 'string') return [{ role: 'user', text: value }];
  if (!Array.isArray(value) || value.length === 0) {
    throw invalidRequest(
      'input',
      'input must be a string or a non-empty array of messages.',
      'invalid_type',
    );
  }
  const messages = value.map((item: unknown, index) => {
    const param = `input[${index}]`;
    if (isRecord(item) && item['type'] !== undefined && item['type'] !== 'message') {
      throw invalidRequest(
        `${param}.type`,
        `${param}.type must be "message": the agent's tools run on the server, so input holds messages only.`,
        'unsupported_value',
      );
    }
    return readMessage(item, param, RESPONSES_PART_TYPES);
  });
  const withoutSystem = messages.filter((message) => message.role !== 'system');
  if (withoutSystem.at(-1)?.role !== 'user') {
    throw invalidRequest(
      `input[${value.length - 1}].role`,
      "The last input message (system and developer ones aside) must be the user's: it is what the agent answers.",
    );
  }
  checkMediaCount(withoutSystem, 'input');
  return withoutSystem;
}

function readOptionalString(value: unknown, param: string, max: number): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    throw invalidRequest(
      param,
      `${param} must be a non-empty string of at most ${max} characters.`,
      'invalid_type',
    );
  }
  // An id (of a response, a conversation) as every door reads one: printable, as A2A's.
  const unprintable = unprintableIdFault(param, value);
  if (unprintable !== undefined) throw invalidRequest(param, unprintable, 'invalid_value');
  return value;
}

/** `conversation`: an id, or `{ id }` (both forms of OpenAI's `ResponseCreateParams`). */
function readConversation(value: unknown): string | undefined {
  if (isRecord(value))
    return readOptionalString(value['id'], 'conversation.id', MAX_CONVERSATION_ID);
  return readOptionalString(value, 'conversation', MAX_CONVERSATION_ID);
}

/** `metadata`: up to 16 string pairs, as OpenAI bounds it (keys 64, values 512 characters). */
function readMetadata(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isRecord(value))
    throw invalidRequest('metadata', 'metadata must be an object.', 'invalid_type');
  const entries = Object.entries(value);
  if (entries.length > 16) throw invalidRequest('metadata', 'metadata holds at most 16 keys.');
  for (const [key, each] of entries) {
    if (key.length > 64 || typeof each !== 'string' || each.length > 512) {
      throw invalidRequest(
        'metadata',
        'metadata keys are at most 64 characters and values strings of at most 512.',
      );
    }
  }
  return value as Record<string, string>;
}
