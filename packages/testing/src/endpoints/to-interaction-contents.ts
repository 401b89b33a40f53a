import { isJsonObject } from '@gemloop/core/internal';
import type { FakeInteraction } from '../state/fake-state.ts';

// What an Interactions API request sends (`input` as a string, steps or content; `tools` in the
// steps schema's spelling), read as the `generateContent` request the fake's script answers.

type Json = Record<string, unknown>;

/**
 * The request's `input` as `generateContent` contents, checked against the previous interaction:
 * every `function_result` must answer one of its `function_call`s.
 * @internal
 */
export function toInteractionContents(
  input: unknown,
  previous: FakeInteraction | undefined,
  checkSignature: (signature: string) => string | undefined = () => undefined,
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
  // The signature of the thought step just before, for the call step after it (see below).
  let thoughtSignature: string | undefined;
  for (const [at, item] of input.entries()) {
    if (!isJsonObject(item)) return { error: `input[${at}] is not an object.` };
    const type = item['type'];
    const before = thoughtSignature;
    thoughtSignature = undefined;
    if (type === 'text' && typeof item['text'] === 'string') parts.push({ text: item['text'] });
    else if (type === 'user_input' && Array.isArray(item['content'])) {
      for (const piece of item['content'] as unknown[]) {
        if (isJsonObject(piece) && typeof piece['text'] === 'string')
          parts.push({ text: piece['text'] });
        else if (isJsonObject(piece)) {
          const media = toMediaPart(piece);
          if (media !== undefined) parts.push(media);
        }
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
    } else if (typeof type === 'string' && BUILT_IN_STEPS.has(type)) {
      // A server-side tool's step (a stateless client sending back the steps the API gave, as
      // this fake gives a built-in agent's `google_search_call` and `_result`): part of the
      // model's turn, holding nothing the script reads. It was refused as a type this fake does
      // not read, though the API takes its own steps back.
      flush('user');
    } else if (type === 'model_output' || type === 'function_call' || type === 'thought') {
      // A stateless client sends the history as steps: the model's turn.
      flush('user');
      const modelParts: Json[] = [];
      if (type === 'model_output') {
        // Client bytes: a content that is no list, or a piece that is no object, is refused by
        // its place instead of throwing out of the request.
        const content = item['content'] ?? [];
        if (!Array.isArray(content)) return { error: `input[${at}].content is not a list.` };
        for (const [index, piece] of content.entries()) {
          if (!isJsonObject(piece))
            return { error: `input[${at}].content[${index}] is not an object.` };
          if (typeof piece['text'] === 'string') modelParts.push({ text: piece['text'] });
          else {
            // An image the model wrote (Gemini 3 Pro Image), sent back: the model's turn holds it.
            const media = toMediaPart(piece);
            if (media !== undefined) modelParts.push(media);
          }
        }
      } else if (type === 'thought') {
        // The reasoning's signature, sent back by a stateless client as the API asks; it was
        // dropped here, so the fake never saw it. A Gemini 3 model's signature it did not issue
        // (made up, cut, another model's) is refused as the API refuses a corrupted one.
        const signature = item['signature'];
        if (signature !== undefined && typeof signature !== 'string')
          return { error: `input[${at}].signature is not a string.` };
        const problem = signature === undefined ? undefined : checkSignature(signature);
        if (problem !== undefined) return { error: problem };
        if (typeof signature === 'string' && signature !== '') thoughtSignature = signature;
        const summary = Array.isArray(item['summary'])
          ? (item['summary'] as unknown[])
              .map((piece) =>
                isJsonObject(piece) && typeof piece['text'] === 'string' ? piece['text'] : '',
              )
              .join('')
          : '';
        // As generateContent holds it: a thought part, its summary the text (none: the
        // signature alone, the shape a Gemini 3 stream's last part has).
        if (summary !== '' || (signature !== undefined && signature !== '')) {
          modelParts.push({
            thought: true,
            ...(summary !== '' ? { text: summary } : {}),
            ...(signature !== undefined && signature !== '' ? { thoughtSignature: signature } : {}),
          });
        }
      } else if (type === 'function_call') {
        // The API answers a Gemini 3 call as a signed thought step and the call step after it
        // (clients written against it send back `{type:'thought', signature}` then the call:
        // googleapis/js-genai#1735, robocurve/inspect-robots#380): that signature is the call's,
        // where generateContent holds it, so the contract check finds it. Only the step just
        // before: a call with no signature on itself nor there is refused as an unsigned call.
        const own =
          typeof item['signature'] === 'string' && item['signature'] !== ''
            ? item['signature']
            : before;
        modelParts.push({
          functionCall: { id: item['id'], name: item['name'], args: item['arguments'] ?? {} },
          ...(own !== undefined ? { thoughtSignature: own } : {}),
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

/**
 * The steps of the API's server-side tools (`@google/genai` 2.32.0 `Step`: every `_call` and
 * `_result` but the function's), which run on the server and are sent back as they came.
 */
const BUILT_IN_STEPS: ReadonlySet<string> = new Set(
  [
    'code_execution',
    'file_search',
    'google_maps',
    'google_search',
    'mcp_server_tool',
    'processing',
    'retrieval',
    'url_context',
  ].flatMap((tool) => [`${tool}_call`, `${tool}_result`]),
);

/** The request's `tools` as `generateContent` tools. @internal */
export function toInteractionTools(tools: unknown): Json[] {
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
    else if (tool['type'] === 'file_search') {
      // Back to the generateContent tool, so the fake's File Search retrieves from its stores.
      const fileSearch: Json = { fileSearchStoreNames: tool['file_search_store_names'] };
      if (tool['metadata_filter'] !== undefined)
        fileSearch['metadataFilter'] = tool['metadata_filter'];
      if (tool['top_k'] !== undefined) fileSearch['topK'] = tool['top_k'];
      out.push({ fileSearch });
    }
  }
  return declarations.length > 0 ? [{ functionDeclarations: declarations }, ...out] : out;
}

const MEDIA = new Set(['image', 'audio', 'video', 'document']);

/** An image, audio, video or document content as the `generateContent` part it stands for. */
function toMediaPart(piece: Json): Json | undefined {
  if (!MEDIA.has(String(piece['type']))) return undefined;
  const mimeType = piece['mime_type'];
  if (typeof piece['data'] === 'string') {
    return { inlineData: { mimeType, data: piece['data'] } };
  }
  if (typeof piece['uri'] === 'string') {
    return { fileData: { ...(mimeType === undefined ? {} : { mimeType }), fileUri: piece['uri'] } };
  }
  return undefined;
}

/**
 * A `generateContent` media part (`inlineData`, `fileData`) as the Interactions content of its
 * MIME type's kind (`image`, `audio`, `video`, else `document`), as the client maps it.
 * @internal
 */
export function toMediaContent(part: Json): Json | undefined {
  const inline = isJsonObject(part['inlineData']) ? part['inlineData'] : undefined;
  const file = isJsonObject(part['fileData']) ? part['fileData'] : undefined;
  const source = inline ?? file;
  if (source === undefined) return undefined;
  const mimeType = source['mimeType'];
  const kind = typeof mimeType === 'string' ? mimeType.split('/')[0]?.toLowerCase() : undefined;
  const type = kind !== undefined && MEDIA.has(kind) && kind !== 'document' ? kind : 'document';
  const mime = typeof mimeType === 'string' ? { mime_type: mimeType } : {};
  if (inline !== undefined && typeof inline['data'] === 'string')
    return { type, data: inline['data'], ...mime };
  if (file !== undefined && typeof file['fileUri'] === 'string')
    return { type, uri: file['fileUri'], ...mime };
  return undefined;
}
