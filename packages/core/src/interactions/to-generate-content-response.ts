import { isJsonObject } from '../history/part-fields.ts';
import type { Part } from '../wire/content.ts';
import type { Interaction } from '../wire/interaction.ts';
import type { GenerateContentResponse } from '../wire/response.ts';

// An interaction read back as the `generateContent` response the agent reads. The bytes come from
// a server: every field read here is checked, and a step that is not what its type says is
// dropped (kept only as data in the interaction), never thrown on as a TypeError.

type Json = Record<string, unknown>;

const FINISH: Readonly<Record<string, string>> = {
  completed: 'STOP',
  requires_action: 'STOP',
  incomplete: 'MAX_TOKENS',
  requires_continuation: 'CONTINUATION',
  budget_exceeded: 'MAX_TOKENS',
};

/** A finished interaction as the `generateContent` response the agent reads. @internal */
export function toGenerateContentResponse(interaction: Interaction): GenerateContentResponse {
  const parts: Part[] = [];
  const queries: string[] = [];
  const chunks: Json[] = [];
  for (const step of interaction.steps ?? [])
    parts.push(...interactionStepParts(step, queries, chunks));
  const candidate: Json = {
    content: { role: 'model', parts },
    // A call whose arguments are no JSON object is dropped (interactionStepParts) and the step
    // re-asked, as a streamed one whose argument pieces spell none is: never run with `{}`.
    finishReason: (interaction.steps ?? []).some(isMalformedCall)
      ? 'MALFORMED_FUNCTION_CALL'
      : finishReasonOf(interaction.status),
    index: 0,
  };
  const token = continuationTokenOf(interaction);
  if (token !== undefined) candidate['continuationToken'] = token;
  if (queries.length > 0 || chunks.length > 0) {
    candidate['groundingMetadata'] = { webSearchQueries: queries, groundingChunks: chunks };
  }
  return {
    candidates: [candidate],
    usageMetadata: toUsageMetadata(interaction.usage),
    responseId: interaction.id,
  } as GenerateContentResponse;
}

/**
 * An interaction's `usage` as `usageMetadata` (a count that is not a safe count is 0): the cached
 * and tool-use counts and the prompt's modalities too, which the cost reads (cached tokens at the
 * cached rate, audio at the audio rate). Counts the interaction did not report are left out.
 * @internal
 */
export function toUsageMetadata(usage: unknown): GenerateContentResponse['usageMetadata'] {
  if (!isJsonObject(usage)) return undefined;
  const count = (key: string): number => {
    const value = usage[key];
    return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : 0;
  };
  const thoughts = count('total_thought_tokens');
  const cached = count('total_cached_tokens');
  const toolUse = count('total_tool_use_tokens');
  const modalities = records(usage['input_tokens_by_modality']).flatMap((item) => {
    const tokens = item['tokens'];
    return typeof item['modality'] === 'string' &&
      typeof tokens === 'number' &&
      Number.isSafeInteger(tokens) &&
      tokens >= 0
      ? [{ modality: item['modality'].toUpperCase(), tokenCount: tokens }]
      : [];
  });
  return {
    promptTokenCount: count('total_input_tokens'),
    ...(cached > 0 ? { cachedContentTokenCount: cached } : {}),
    ...(toolUse > 0 ? { toolUsePromptTokenCount: toolUse } : {}),
    candidatesTokenCount: count('total_output_tokens'),
    ...(thoughts > 0 ? { thoughtsTokenCount: thoughts } : {}),
    totalTokenCount: count('total_tokens'),
    ...(modalities.length > 0 ? { promptTokensDetails: modalities } : {}),
  } as GenerateContentResponse['usageMetadata'];
}

/** The objects of a list from the server; anything else in it is dropped. */
function records(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isJsonObject) : [];
}

/**
 * The parts of one step; built-in tool steps become grounding (search) and are otherwise dropped.
 * @internal
 */
export function interactionStepParts(step: unknown, queries: string[], chunks: Json[]): Part[] {
  if (!isJsonObject(step)) return [];
  const value = step;
  switch (value['type']) {
    case 'model_output':
      return records(value['content']).flatMap((piece) => {
        if (typeof piece['text'] === 'string') return [{ text: piece['text'] }];
        const media = toOutputMediaPart(piece);
        return media === undefined ? [] : [media];
      });
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
      if (typeof value['name'] !== 'string' || value['name'] === '' || isMalformedCall(value))
        return [];
      return [
        {
          functionCall: {
            ...(typeof value['id'] === 'string' ? { id: value['id'] } : {}),
            name: value['name'],
            args: isJsonObject(value['arguments']) ? value['arguments'] : {},
          },
          ...(typeof value['signature'] === 'string'
            ? { thoughtSignature: value['signature'] }
            : {}),
        },
      ];
    case 'google_search_call': {
      const args = value['arguments'];
      const list = isJsonObject(args) ? args['queries'] : undefined;
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
 * A content item the model wrote with bytes or a link (`@google/genai` 2.32.0's interactions
 * `ImageContent`, `AudioContent`, `VideoContent`, `DocumentContent`: `data` base64 or `uri`, with
 * `mime_type`) as the `generateContent` part that holds the same: `inlineData` or `fileData`. An
 * image Gemini 3 Pro Image wrote was dropped, only the text of a `model_output` kept. Read by its
 * fields, not its `type`, so a kind added later with the same fields is kept too; sent again, the
 * part becomes the content of its MIME type's kind (`toCreateInteractionRequest`), the same item.
 * An item with neither text, `data` nor `uri` has nothing a part can hold and is left out.
 * @internal
 */
export function toOutputMediaPart(piece: Json): Part | undefined {
  const mimeType = typeof piece['mime_type'] === 'string' ? piece['mime_type'] : undefined;
  if (typeof piece['data'] === 'string') {
    // `Blob.mimeType` is required on generateContent; an item without one keeps none rather
    // than a made-up type (the API names the type of what it generates).
    return {
      inlineData: { data: piece['data'], ...(mimeType !== undefined ? { mimeType } : {}) },
    } as Part;
  }
  if (typeof piece['uri'] === 'string') {
    return { fileData: { fileUri: piece['uri'], ...(mimeType !== undefined ? { mimeType } : {}) } };
  }
  return undefined;
}

/**
 * A function call step (with a name) whose `arguments` are there but no JSON object (a string of
 * JSON, a list): not what the model meant to run with, so it is never run with `{}` in their place
 * (a tool whose parameters are all optional would run with none). Absent or `null` arguments are
 * a call with none, as `generateContent`'s `args` may be.
 * @internal
 */
export function isMalformedCall(step: unknown): boolean {
  // A step with no name is no call at all: dropped, as any step not what its type says.
  if (!isJsonObject(step) || step['type'] !== 'function_call') return false;
  if (typeof step['name'] !== 'string' || step['name'] === '') return false;
  const args = step['arguments'];
  return args !== undefined && args !== null && !isJsonObject(args);
}

/**
 * The token of an interaction stopped at the per-request decode limit (`requires_continuation`).
 * @internal
 */
export function continuationTokenOf(interaction: Interaction): string | undefined {
  return interaction.status === 'requires_continuation' &&
    typeof interaction.continuation_token === 'string' &&
    interaction.continuation_token !== ''
    ? interaction.continuation_token
    : undefined;
}

/**
 * An interaction's status as a `finishReason` (`OTHER` for a status it does not know).
 * @internal
 */
export function finishReasonOf(status: unknown): string {
  return typeof status === 'string' && Object.hasOwn(FINISH, status)
    ? (FINISH[status] as string)
    : 'OTHER';
}
