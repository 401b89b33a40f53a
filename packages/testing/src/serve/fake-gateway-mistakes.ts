import { isJsonObject } from '@gemloop/core/internal';
import type { FakeHttpError } from '../script/fake-errors.ts';
import type { FakeGatewayMistake } from '../script/fake-types.ts';
import type { FakeHttpRequest, FakeReply } from '../state/fake-state.ts';

/**
 * Every gateway mistake the fake can make (see {@link FakeGatewayMistake}), e.g. to list them
 * in a command's help or check a flag's value.
 */
export const GATEWAY_MISTAKES: readonly FakeGatewayMistake[] = [
  'signatures-in-text',
  'openai-chunks',
  'trailing-done',
  'drop-call-ids',
  'refuse-bearer',
  'refuse-x-goog-api-key',
  'ignore-alt-sse',
  'no-retry-info',
  'openai-error-body',
  'snake-case',
];

/**
 * The request as a broken gateway passes it on: `alt=sse` dropped, or a 401 for a refused auth
 * header (returned instead of a request).
 * @internal
 */
export function breakGatewayRequest(
  mistakes: ReadonlySet<FakeGatewayMistake>,
  request: FakeHttpRequest,
): FakeHttpRequest | FakeHttpError {
  const refused =
    (mistakes.has('refuse-bearer') && request.headers['authorization'] !== undefined) ||
    (mistakes.has('refuse-x-goog-api-key') && request.headers['x-goog-api-key'] !== undefined);
  if (refused) {
    // The shape of a gateway's own auth layer, not Google's.
    return {
      status: 401,
      body: { error: { code: 401, message: 'Invalid token', status: 'UNAUTHENTICATED' } },
    };
  }
  if (mistakes.has('ignore-alt-sse') && request.url.includes('alt=sse')) {
    return { ...request, url: request.url.replace(/([?&])alt=sse&?/, '$1').replace(/[?&]$/, '') };
  }
  return request;
}

/**
 * The reply as a broken gateway passes it on. Bodies are parsed, changed and written again only
 * when a mistake applies to them; unary JSON bodies and SSE events are handled (the array form of
 * streams is left alone). `url`: the request's, for the mistakes of model answers only.
 * @internal
 */
export function breakGatewayReply(
  mistakes: ReadonlySet<FakeGatewayMistake>,
  reply: FakeReply,
  url = '',
): FakeReply {
  const sse = reply.headers['content-type']?.startsWith('text/event-stream') === true;
  const isError = reply.status >= 400;
  const snake =
    mistakes.has('snake-case') &&
    (MODEL_ANSWER.test(url) || (RESOURCE_ANSWER.test(url) && !OWN_SPELLING.test(url)));
  const breakAnswer = (value: unknown): unknown => {
    const broken = breakResponse(mistakes, value);
    return snake ? toSnakeCase(broken) : broken;
  };
  if (sse && reply.status === 200) {
    let pieces = reply.pieces.map((piece) => mapSseEvent(piece, breakAnswer));
    if (mistakes.has('openai-chunks')) {
      pieces = pieces.map((piece) => mapSseEvent(piece, toOpenAiChunk));
      pieces.push('data: [DONE]\n\n');
    } else if (mistakes.has('trailing-done')) {
      pieces.push('data: [DONE]\n\n');
    }
    return { ...reply, pieces };
  }
  if (reply.pieces.length !== 1) return reply;
  const text = reply.pieces[0] as string;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return reply;
  }
  const changed = isError ? breakError(mistakes, value) : breakAnswer(value);
  if (changed === value) return reply;
  return { ...reply, pieces: [JSON.stringify(changed, null, 2)] };
}

/** A model call's URL: `…:generateContent` or `…:streamGenerateContent` (Gemini API or Vertex). */
const MODEL_ANSWER = /:(stream)?generateContent(\?|$)/i;

/**
 * The Gemini API's other resources (token counts, models, files and their uploads, caches,
 * batches, File Search stores, embeddings), in the proto field names too.
 */
const RESOURCE_ANSWER = /\/(models|files|cachedContents|batches|fileSearchStores)([/?:]|$)/;

/** Routes whose API is spelt in snake_case already (Interactions, webhooks, agents): as they are. */
const OWN_SPELLING = /\/(interactions|webhooks|agents)([/?:]|$)/;

/** Fields whose value is the caller's data wherever they occur: kept as spelled. */
const DATA_FIELDS: ReadonlySet<string> = new Set([
  'args',
  'parametersJsonSchema',
  'responseJsonSchema',
  'example',
  'default',
]);

/**
 * `value` with every camelCase key at every depth in its proto field name (`finishReason` ->
 * `finish_reason`), as proto3 JSON allows a writer to; the caller's data kept, as gemloop's
 * renamer (`@gemloop/core`'s rename-to-camel-case.ts) keeps it: `args`, a function's `response`
 * (a batch's or an operation's is the API's), a batch item's `metadata`, a schema's `properties`
 * names (proto map keys) and JSON Schemas. `parent`: the key holding `value`.
 */
function toSnakeCase(value: unknown, parent = ''): unknown {
  if (Array.isArray(value)) return value.map((item) => toSnakeCase(item, parent));
  if (!isJsonObject(value)) return value;
  const renamed: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    const name =
      parent === 'properties' ? key : key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
    Object.defineProperty(renamed, name, {
      value: isData(key, parent) ? field : toSnakeCase(field, key),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return renamed;
}

function isData(key: string, parent: string): boolean {
  if (DATA_FIELDS.has(key)) return true;
  if (key === 'response') return parent !== '' && parent !== 'inlinedResponses';
  return key === 'metadata' && (parent === 'inlinedResponses' || parent === 'requests');
}

function mapSseEvent(piece: string, change: (value: unknown) => unknown): string {
  const match = /^data: (.*)\r?\n\r?\n$/s.exec(piece);
  if (match === null || match[1] === '[DONE]') return piece;
  let value: unknown;
  try {
    value = JSON.parse(match[1] as string);
  } catch {
    return piece;
  }
  const changed = change(value);
  return changed === value ? piece : `data: ${JSON.stringify(changed)}\r\n\r\n`;
}

function breakResponse(mistakes: ReadonlySet<FakeGatewayMistake>, value: unknown): unknown {
  const moveSignatures = mistakes.has('signatures-in-text');
  const dropIds = mistakes.has('drop-call-ids');
  if ((!moveSignatures && !dropIds) || !isJsonObject(value)) return value;
  const candidates = value['candidates'];
  if (!Array.isArray(candidates)) return value;
  const copy = structuredClone(value) as { candidates: { content?: { parts?: unknown[] } }[] };
  for (const candidate of copy.candidates) {
    const parts = candidate.content?.parts;
    if (!Array.isArray(parts)) continue;
    const out: unknown[] = [];
    for (const part of parts) {
      if (!isJsonObject(part) || !isJsonObject(part['functionCall'])) {
        out.push(part);
        continue;
      }
      const call = { ...part };
      if (dropIds) call['functionCall'] = withoutKey(part['functionCall'], 'id');
      const signature = call['thoughtSignature'];
      if (moveSignatures && typeof signature === 'string') {
        delete call['thoughtSignature'];
        const text = out.find((other) => isJsonObject(other) && typeof other['text'] === 'string');
        if (isJsonObject(text)) text['thoughtSignature'] = signature;
        else out.push({ text: '', thoughtSignature: signature });
      }
      out.push(call);
    }
    candidate.content = { ...candidate.content, parts: out };
  }
  return copy;
}

function withoutKey(value: Record<string, unknown>, key: string): Record<string, unknown> {
  const copy = { ...value };
  delete copy[key];
  return copy;
}

function toOpenAiChunk(value: unknown): unknown {
  const candidate =
    isJsonObject(value) && Array.isArray(value['candidates']) ? value['candidates'][0] : undefined;
  const parts =
    isJsonObject(candidate) && isJsonObject(candidate['content'])
      ? candidate['content']['parts']
      : undefined;
  const text = Array.isArray(parts)
    ? parts
        .map((part) => (isJsonObject(part) && typeof part['text'] === 'string' ? part['text'] : ''))
        .join('')
    : '';
  const finish =
    isJsonObject(candidate) && typeof candidate['finishReason'] === 'string' ? 'stop' : null;
  return {
    id: 'chatcmpl-fake',
    object: 'chat.completion.chunk',
    created: 0,
    model: 'gemini',
    choices: [{ index: 0, delta: { role: 'assistant', content: text }, finish_reason: finish }],
  };
}

function breakError(mistakes: ReadonlySet<FakeGatewayMistake>, value: unknown): unknown {
  const body = Array.isArray(value) ? value[0] : value;
  if (!isJsonObject(body) || !isJsonObject(body['error'])) return value;
  const error = body['error'];
  if (mistakes.has('openai-error-body')) {
    return {
      error: {
        message: String(error['message'] ?? ''),
        type: 'invalid_request_error',
        param: null,
        code: null,
      },
    };
  }
  if (mistakes.has('no-retry-info') && Array.isArray(error['details'])) {
    const details = error['details'].filter(
      (detail) =>
        !(isJsonObject(detail) && String(detail['@type']).endsWith('google.rpc.RetryInfo')),
    );
    const changed = { ...body, error: { ...error, details } };
    return Array.isArray(value) ? [changed] : changed;
  }
  return value;
}
