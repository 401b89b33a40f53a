import type { Content, Part } from '../wire/content.ts';
import type { GenerateContentResponse } from '../wire/response.ts';

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
    const parts = (content.parts ?? []).map(toPart);
    const role =
      content.role === 'model'
        ? 'assistant'
        : parts.length > 0 && parts.every((part) => part.type === 'tool_call_response')
          ? 'tool'
          : 'user';
    return { role, parts };
  });
}

/** The response's candidates as `gen_ai.output.messages`. @internal */
export function toOutputMessages(response: GenerateContentResponse): unknown[] {
  return (response.candidates ?? []).map((candidate) => ({
    role: 'assistant',
    parts: (candidate.content?.parts ?? []).map(toPart),
    finish_reason: candidate.finishReason ?? '',
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

function toPart(part: Part): SemconvPart {
  if (typeof part.text === 'string')
    return part.thought === true ? { type: 'reasoning', content: part.text } : textPart(part.text);
  if (part.functionCall !== undefined) {
    return {
      type: 'tool_call',
      id: part.functionCall.id ?? null,
      name: part.functionCall.name,
      arguments: part.functionCall.args ?? {},
    };
  }
  if (part.functionResponse !== undefined) {
    return {
      type: 'tool_call_response',
      id: part.functionResponse.id ?? null,
      response: part.functionResponse.response,
    };
  }
  // Inline data is not copied into telemetry (it may be megabytes); its type says what it was.
  if (part.inlineData !== undefined)
    return {
      type: 'blob',
      modality: modalityOf(part.inlineData.mimeType),
      mime_type: part.inlineData.mimeType,
    };
  if (part.fileData !== undefined)
    return {
      type: 'uri',
      modality: modalityOf(part.fileData.mimeType ?? ''),
      mime_type: part.fileData.mimeType ?? null,
      uri: part.fileData.fileUri,
    };
  const key = Object.keys(part).find((name) => name !== 'thoughtSignature') ?? 'unknown';
  return { type: key };
}

function modalityOf(mimeType: string): string {
  if (mimeType.startsWith('image/')) return 'image';
  if (mimeType.startsWith('audio/')) return 'audio';
  if (mimeType.startsWith('video/')) return 'video';
  return 'document';
}
