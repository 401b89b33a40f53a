import type { AgentUsage } from '@gemloop/core';
import { keylessEventsShowing, keylessResult } from '@gemloop/core/internal';
import { createAnswerDeltas } from './answer-deltas.ts';
import type { DoorRequest } from './door-request.ts';
import { countTokens, openAIId, runSpan, toFinishReason } from './door-request.ts';
import { eventStreamResponse, sseFrame } from './event-stream.ts';
import { readGenerationFields } from './generation-fields.ts';
import { jsonResponse } from './json-response.ts';
import { invalidRequest } from './openai-request-error.ts';
import { checkMediaCount } from './read-media-content.ts';
import { runFailure, runFailureResponse } from './run-failure.ts';
import {
  CHAT_PART_TYPES,
  isRecord,
  readMessage,
  refuseClientTools,
  toContents,
} from './to-contents.ts';
import { refuseUnhonouredFields } from './unhonoured-fields.ts';

// POST /v1/chat/completions, as the `openai` client's `chat.completions.create` sends it and reads
// the answer (`ChatCompletion`, `ChatCompletionChunk` of `openai/resources/chat/completions`;
// https://platform.openai.com/docs/api-reference/chat). Stateless, as the API is: the caller
// sends the whole conversation every time. The agent's tools run here; the caller sees the answer.

/** @internal */
export async function chatCompletions(door: DoorRequest): Promise<Response> {
  const { body } = door;
  const contents = readChatMessages(body['messages']);
  if (body['n'] !== undefined && body['n'] !== null && body['n'] !== 1) {
    throw invalidRequest('n', 'n must be 1: the agent gives one answer.', 'unsupported_value');
  }
  refuseClientTools(body, 'chat');
  refuseUnhonouredFields(body, 'chat');
  const runOptions = { signal: door.signal, generationConfig: readGenerationFields(body, 'chat') };
  const stream = readOptionalBoolean(body['stream'], 'stream');
  const streamOptions = body['stream_options'];
  if (streamOptions !== undefined && streamOptions !== null && !isRecord(streamOptions)) {
    throw invalidRequest('stream_options', 'stream_options must be an object.', 'invalid_type');
  }
  // The API refuses it on an unstreamed request, in these words (quoted in BerriAI/litellm#5803);
  // served, a client's include_usage was dropped without a word.
  if (isRecord(streamOptions) && !stream) {
    throw invalidRequest(
      'stream_options',
      "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
    );
  }
  const includeUsage =
    isRecord(streamOptions) &&
    readOptionalBoolean(streamOptions['include_usage'], 'stream_options.include_usage');
  const id = openAIId('chatcmpl-');
  const created = Math.floor(door.now() / 1000);
  const head = { id, created, model: door.model };

  if (!stream) {
    let result: Sent;
    try {
      const ran = await door.telemetry.run(
        runSpan(door, 'chat.completions', false),
        () => door.agent.run(contents, runOptions),
        (running) => running,
      );
      // Only what the completion carries is scanned, not the client's whole history (scrub48).
      result = keylessResult(door.agent, sentOf(ran));
    } catch (error) {
      // A caller that went away stopped its own run: nothing for the server's log.
      if (!door.signal.aborted) door.onError(error);
      return runFailureResponse(error);
    }
    return jsonResponse({
      ...head,
      object: 'chat.completion',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: result.text, refusal: null, annotations: [] },
          finish_reason: toFinishReason(result.finishReason),
          logprobs: null,
        },
      ],
      usage: toChatUsage(result.usage),
    });
  }

  return eventStreamResponse(door, async (write) => {
    // With include_usage, "all other chunks will also include a usage field, but with a null
    // value" (the API reference, ChatCompletionStreamOptions): a client tells the usage chunk by it.
    const usageField = includeUsage ? { usage: null } : {};
    const chunk = (choices: unknown[], extra: Record<string, unknown> = usageField) =>
      write(sseFrame({ ...head, object: 'chat.completion.chunk', choices, ...extra }));
    // An `output` schema's answer is sent once validated: the deltas of every step joined were
    // not the JSON a unary answer holds (a refused answer, or the tool loop's prose, first). Read
    // from the agent answering: a hand-off may give the run to one with `output` (leftovers66),
    // and the text before the hand-off's call is then held and dropped (answer-deltas.ts).
    const deltas = createAnswerDeltas({ root: door.agent });
    const content = (text: string) =>
      chunk([{ index: 0, delta: { content: text }, finish_reason: null }]);
    try {
      chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]);
      // Started within the `try`: a start that throws (the door's tracer, as it opens the span)
      // ended the stream with no frame, which the `openai` client read as whole (openai67).
      const run = door.telemetry.run(
        runSpan(door, 'chat.completions', true),
        () => keylessEventsShowing(door.agent.stream(contents, runOptions), sentOf),
        (running) => running.result,
      );
      // Its failure is read below, or by the `catch` from the iteration: never unhandled.
      run.result.catch(() => {});
      for await (const event of run) {
        if (event.path.length > 0) continue;
        for (const delta of deltas.take(event)) content(delta.text);
      }
      const result = await run.result;
      const { released, answerOnly } = deltas.end();
      for (const delta of released) content(delta.text);
      if (answerOnly && result.text !== '') content(result.text);
      chunk([{ index: 0, delta: {}, finish_reason: toFinishReason(result.finishReason) }]);
      if (includeUsage) chunk([], { usage: toChatUsage(result.usage) });
      write(sseFrame('[DONE]'));
    } catch (error) {
      if (door.signal.aborted) return;
      door.onError(error);
      // The `openai` client's stream reader throws an APIError for a frame holding `error`.
      write(sseFrame(runFailure(error)));
    }
  });
}

/** `messages`, checked: a non-empty array whose last message (system ones aside) is the user's. */
function readChatMessages(value: unknown) {
  if (value === undefined) {
    throw invalidRequest('messages', 'messages is required.', 'missing_required_parameter');
  }
  if (!Array.isArray(value) || value.length === 0) {
    throw invalidRequest('messages', 'messages must be a non-empty array.', 'invalid_type');
  }
  const messages = value.map((message: unknown, index) =>
    readMessage(message, `messages[${index}]`, CHAT_PART_TYPES),
  );
  const last = messages.findLastIndex((message) => message.role !== 'system');
  if (last === -1 || messages[last]?.role !== 'user') {
    throw invalidRequest(
      `messages[${last === -1 ? 0 : last}].role`,
      "The last message (system and developer messages aside) must be the user's: it is what the agent answers.",
    );
  }
  const contents = toContents(messages);
  checkMediaCount(contents, 'messages');
  return contents;
}

/** An optional boolean field: `false` when absent or null. @internal */
export function readOptionalBoolean(value: unknown, param: string): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') {
    throw invalidRequest(param, `${param} must be a boolean.`, 'invalid_type');
  }
  return value;
}

function toChatUsage(usage: AgentUsage) {
  const { input, output } = countTokens(usage);
  return {
    prompt_tokens: input,
    completion_tokens: output,
    total_tokens: input + output,
    prompt_tokens_details: { cached_tokens: usage.cachedContentTokenCount },
    completion_tokens_details: { reasoning_tokens: usage.thoughtsTokenCount },
  };
}

/** What a completion carries of a run's result. */
type Sent = Pick<
  Awaited<ReturnType<DoorRequest['agent']['run']>>,
  'text' | 'finishReason' | 'usage'
>;

function sentOf(result: Sent): Sent {
  return { text: result.text, finishReason: result.finishReason, usage: result.usage };
}
