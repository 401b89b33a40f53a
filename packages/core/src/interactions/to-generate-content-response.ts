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
  const grounding = createInteractionGrounding();
  for (const step of interaction.steps ?? []) parts.push(...interactionStepParts(step, grounding));
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
  const metadata = toGroundingMetadata(grounding);
  if (metadata !== undefined) candidate['groundingMetadata'] = metadata;
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
 * What the built-in tool steps and the text's citations of an interaction say of its grounding,
 * gathered step by step (a stream's deltas too) into the candidate's `groundingMetadata`.
 * @internal
 */
export type InteractionGrounding = {
  /** `google_search_call` queries: `webSearchQueries`. */
  queries: string[];
  /** Sources (`google_search_result` items, cited URLs, files and places): `groundingChunks`. */
  chunks: Json[];
  /** The index in `chunks` of each source, by its kind and address, so a source is listed once. */
  chunkIndex: Map<string, number>;
  /** The answer's spans and the sources that support them: `groundingSupports`. */
  supports: Json[];
};

/** An empty {@link InteractionGrounding}. @internal */
export function createInteractionGrounding(): InteractionGrounding {
  return { queries: [], chunks: [], chunkIndex: new Map(), supports: [] };
}

/**
 * The `groundingMetadata` of what `grounding` gathered, or `undefined` when it gathered nothing.
 * @internal
 */
export function toGroundingMetadata(grounding: InteractionGrounding): Json | undefined {
  const { queries, chunks, supports } = grounding;
  if (queries.length === 0 && chunks.length === 0) return undefined;
  return {
    webSearchQueries: queries,
    groundingChunks: chunks,
    ...(supports.length > 0 ? { groundingSupports: supports } : {}),
  };
}

/**
 * The parts of one step; built-in tool steps become grounding (search) and are otherwise dropped.
 * A thought becomes its summary as thought parts in order (its text joined into one part, an
 * image of the summary its own `{ thought: true, inlineData }` part, as `generateContent` holds
 * a thought image), its signature on the last text (or its own part after an image): where a
 * stream's signature delta lands once folded, so a streamed and a unary answer give the same
 * parts, and `toCreateInteractionRequest` sends the same step back (summary included). The summary's images were dropped. A text's
 * `annotations` (the sources it cites) go to `grounding`.
 * @internal
 */
export function interactionStepParts(step: unknown, grounding: InteractionGrounding): Part[] {
  if (!isJsonObject(step)) return [];
  const value = step;
  switch (value['type']) {
    case 'model_output':
      return records(value['content']).flatMap((piece) => {
        if (typeof piece['text'] === 'string') {
          addAnnotations(grounding, piece['annotations']);
          return [{ text: piece['text'] }];
        }
        const media = toOutputMediaPart(piece);
        return media === undefined ? [] : [media];
      });
    case 'thought':
      return thoughtParts(value);
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
        for (const query of list) if (typeof query === 'string') grounding.queries.push(query);
      }
      return [];
    }
    case 'google_search_result': {
      for (const item of records(value['result'])) {
        if (typeof item['url'] === 'string') {
          const title = typeof item['title'] === 'string' ? { title: item['title'] } : {};
          addChunk(grounding, `web ${item['url']}`, { web: { uri: item['url'], ...title } });
        }
      }
      return [];
    }
    default:
      return [];
  }
}

/**
 * A thought step's parts (see {@link interactionStepParts}). An empty signature is none: a
 * stream's `step.start` may hold `signature: ""` before its `thought_signature` delta, and an
 * empty signature sent back is refused (googleapis/js-genai#1735, a 400 on the next request).
 * @internal
 */
export function thoughtParts(step: Json): Part[] {
  const parts: Part[] = [];
  for (const piece of records(step['summary'])) {
    const part = thoughtSummaryPart(piece);
    if (part === undefined) continue;
    const last = parts.at(-1);
    if (part.text !== undefined && last?.text !== undefined) last.text += part.text;
    else parts.push(part);
  }
  const signature = step['signature'];
  if (typeof signature !== 'string' || signature === '') return parts;
  // On the summary's last text, as a stream's fold puts it; after an image, its own part (the
  // fold gives a signature to text only).
  const last = parts.at(-1);
  if (last?.text !== undefined) last.thoughtSignature = signature;
  else parts.push({ thought: true, text: '', thoughtSignature: signature });
  return parts;
}

/**
 * One item of a thought summary (`ThoughtSummaryContent`: text or image) as a thought part, or
 * `undefined` for an item with neither text nor media.
 * @internal
 */
export function thoughtSummaryPart(piece: unknown): Part | undefined {
  if (!isJsonObject(piece)) return undefined;
  if (typeof piece['text'] === 'string') {
    return piece['text'] === '' ? undefined : { thought: true, text: piece['text'] };
  }
  const media = toOutputMediaPart(piece);
  return media === undefined ? undefined : { thought: true, ...media };
}

/**
 * A text's `annotations` (`@google/genai` 2.32.0 `TextContent.annotations`: `url_citation`,
 * `file_citation`, `place_citation`) as grounding: each source a chunk (`web`, `retrievedContext`,
 * `maps`: what `generateContent` reports for Google Search, File Search and Maps), listed once,
 * and each cited span a support naming it. They were dropped. The span's `start_index` and
 * `end_index` (bytes) are kept as the API gives them; `speech_metadata` and `word_info` cite
 * nothing and are left out, as is anything that is not an object.
 * @internal
 */
export function addAnnotations(grounding: InteractionGrounding, annotations: unknown): void {
  for (const annotation of records(annotations)) {
    const source = toAnnotationChunk(annotation);
    if (source === undefined) continue;
    const index = addChunk(grounding, source.key, source.chunk);
    const segment: Json = {};
    for (const [from, to] of [
      ['start_index', 'startIndex'],
      ['end_index', 'endIndex'],
    ] as const) {
      const at = annotation[from];
      if (typeof at === 'number' && Number.isSafeInteger(at) && at >= 0) segment[to] = at;
    }
    grounding.supports.push({ segment, groundingChunkIndices: [index] });
  }
}

/** The grounding chunk an annotation cites, and the key it is listed once by. */
function toAnnotationChunk(annotation: Json): { key: string; chunk: Json } | undefined {
  const text = (key: string): Json =>
    typeof annotation[key] === 'string' ? { [key]: annotation[key] } : {};
  const rename = (from: string, to: string): Json =>
    typeof annotation[from] === 'string' ? { [to]: annotation[from] } : {};
  switch (annotation['type']) {
    case 'url_citation':
      if (typeof annotation['url'] !== 'string') return undefined;
      return {
        key: `web ${annotation['url']}`,
        chunk: { web: { uri: annotation['url'], ...text('title') } },
      };
    case 'file_citation': {
      const name = annotation['document_uri'] ?? annotation['file_name'];
      if (typeof name !== 'string') return undefined;
      const page = annotation['page_number'];
      return {
        key: `file ${name}`,
        chunk: {
          retrievedContext: {
            ...rename('document_uri', 'uri'),
            ...rename('file_name', 'title'),
            ...rename('source', 'text'),
            ...(typeof page === 'number' && Number.isSafeInteger(page) ? { pageNumber: page } : {}),
            ...rename('media_id', 'mediaId'),
          },
        },
      };
    }
    case 'place_citation': {
      const place = annotation['place_id'] ?? annotation['url'];
      if (typeof place !== 'string') return undefined;
      return {
        key: `place ${place}`,
        chunk: {
          maps: {
            ...rename('url', 'uri'),
            ...rename('name', 'title'),
            ...rename('place_id', 'placeId'),
          },
        },
      };
    }
    default:
      return undefined;
  }
}

/** Lists a source once: the index of the chunk `key` names, added if new. */
function addChunk(grounding: InteractionGrounding, key: string, chunk: Json): number {
  const known = grounding.chunkIndex.get(key);
  if (known !== undefined) return known;
  const index = grounding.chunks.push(chunk) - 1;
  grounding.chunkIndex.set(key, index);
  return index;
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
  // `ImageContent.resolution` (and video's): the part's `mediaResolution`, which goes back as
  // the same `resolution` (it was dropped, so the image was read at the default resolution).
  const resolution = piece['resolution'];
  const level =
    typeof resolution === 'string' && /^[a-z_]+$/.test(resolution)
      ? { mediaResolution: { level: `MEDIA_RESOLUTION_${resolution.toUpperCase()}` } }
      : {};
  if (typeof piece['data'] === 'string') {
    // `Blob.mimeType` is required on generateContent; an item without one keeps none rather
    // than a made-up type (the API names the type of what it generates).
    return {
      inlineData: { data: piece['data'], ...(mimeType !== undefined ? { mimeType } : {}) },
      ...level,
    } as Part;
  }
  if (typeof piece['uri'] === 'string') {
    return {
      fileData: { fileUri: piece['uri'], ...(mimeType !== undefined ? { mimeType } : {}) },
      ...level,
    };
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
