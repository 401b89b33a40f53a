import type { Content, Part } from '../wire/content.ts';
import type { GenerateContentResponse } from '../wire/response.ts';
import { boundName } from './genai-span-attributes.ts';

/** One part in the conventions' message schema (gen-ai-input-messages.json, v1.41.0). */
type SemconvPart = Record<string, unknown> & { type: string };

/**
 * Gemini contents as `gen_ai.input.messages`: roles `user` / `assistant` / `tool` (a content
 * that only answers calls), parts `text`, `reasoning`, `tool_call`, `tool_call_response`, `blob`,
 * `uri`, and a part of another kind under its Gemini key.
 * @internal
 */
export function toInputMessages(contents: readonly Content[] | string | unknown): unknown[] {
  if (typeof contents === 'string') return [{ role: 'user', parts: [textPart(contents)] }];
  if (!Array.isArray(contents)) return [];
  return (contents as Content[]).map((content) => {
    const parts = partsOf(content).map(toPart);
    const role =
      (content as Content | null)?.role === 'model'
        ? 'assistant'
        : parts.length > 0 && parts.every((part) => part.type === 'tool_call_response')
          ? 'tool'
          : 'user';
    return { role, parts };
  });
}

/** The response's candidates as `gen_ai.output.messages`. @internal */
export function toOutputMessages(response: GenerateContentResponse): unknown[] {
  const candidates = Array.isArray(response.candidates) ? response.candidates : [];
  return candidates.map((candidate) => ({
    role: 'assistant',
    parts: partsOf(candidate?.content).map(toPart),
    finish_reason: candidate?.finishReason ?? '',
  }));
}

/** A system instruction as `gen_ai.system_instructions`. @internal */
export function toSystemInstructions(instruction: unknown): unknown[] {
  if (typeof instruction === 'string') return [textPart(instruction)];
  const parts = (instruction as { parts?: Part[] } | null)?.parts;
  return Array.isArray(parts) ? parts.map(toPart) : [];
}

function textPart(content: string): SemconvPart {
  return { type: 'text', content };
}

/**
 * The parts of a content, `[]` for one without a list: what a model or a gateway sent is read
 * leniently here, since a throw would leave the call's span open and never exported.
 */
function partsOf(content: unknown): Part[] {
  const parts = (content as { parts?: unknown } | null | undefined)?.parts;
  return Array.isArray(parts) ? (parts as Part[]) : [];
}

function toPart(part: Part): SemconvPart {
  if (typeof part !== 'object' || part === null) return { type: 'unknown' };
  if (typeof part.text === 'string')
    return part.thought === true ? { type: 'reasoning', content: part.text } : textPart(part.text);
  // Names and ids cut as the tool's own span cuts them (boundName): the model names a tool it was
  // never given and its call's id as it likes, and a 2 MB name was in the response's span and
  // twice in the next request's (the call echoed, the response naming it; toolname41).
  if (part.functionCall !== undefined) {
    return {
      type: 'tool_call',
      id: nameOrNull(part.functionCall?.id),
      name: nameOrNull(part.functionCall?.name),
      arguments: part.functionCall?.args ?? {},
    };
  }
  if (part.functionResponse !== undefined) {
    return {
      type: 'tool_call_response',
      id: nameOrNull(part.functionResponse?.id),
      response: part.functionResponse?.response,
    };
  }
  // Inline data is not copied into telemetry (it may be megabytes); its type says what it was.
  if (part.inlineData !== undefined)
    return {
      type: 'blob',
      modality: modalityOf(part.inlineData?.mimeType),
      mime_type: part.inlineData?.mimeType ?? null,
    };
  if (part.fileData !== undefined)
    return {
      type: 'uri',
      modality: modalityOf(part.fileData?.mimeType),
      mime_type: part.fileData?.mimeType ?? null,
      uri: part.fileData?.fileUri ?? null,
    };
  const key = Object.keys(part).find((name) => name !== 'thoughtSignature') ?? 'unknown';
  return { type: key };
}

function nameOrNull(name: unknown): unknown {
  return typeof name === 'string' ? boundName(name) : (name ?? null);
}

function modalityOf(mimeType: unknown): string {
  // A part without a mimeType (a gateway's) is still a document, not a throw.
  if (typeof mimeType !== 'string') return 'document';
  if (mimeType.startsWith('image/')) return 'image';
  if (mimeType.startsWith('audio/')) return 'audio';
  if (mimeType.startsWith('video/')) return 'video';
  return 'document';
}
