// Test helper: a compact, explicit view of a folded response, so each fixture's expectation can be
// written out by hand (signatures as `first 12 characters…length`).
import type { Part } from '../../wire/content.ts';
import type { GenerateContentResponse } from '../../wire/response.ts';

export type ResponseSummary = {
  /** One entry per part, in order: `text(len)`, `thought(len)`, `functionCall:name`, ... plus `+sig:…`. */
  parts: string[];
  /** The non-thought text, concatenated. */
  text: string;
  functionCalls: { name: string; args: unknown; id?: string; signature?: string }[];
  finishReason: string | undefined;
  usage: Record<string, number | undefined>;
};

export function signatureSummary(signature: string): string {
  return `${signature.slice(0, 12)}…${signature.length}`;
}

function describePart(part: Part): string {
  let label: string;
  if (typeof part.text === 'string') label = `${part.thought === true ? 'thought' : 'text'}(${part.text.length})`;
  else if (part.functionCall) label = `functionCall:${part.functionCall.name}`;
  else if (part.toolCall) label = `toolCall:${part.toolCall.id}`;
  else if (part.toolResponse) label = `toolResponse:${part.toolResponse.id}`;
  else if (part.executableCode) label = `executableCode:${part.executableCode.id}`;
  else if (part.codeExecutionResult) label = `codeExecutionResult:${part.codeExecutionResult.id}`;
  else label = `other:${Object.keys(part).join(',')}`;
  return part.thoughtSignature === undefined ? label : `${label} +sig:${signatureSummary(part.thoughtSignature)}`;
}

export function summarizeResponse(response: GenerateContentResponse): ResponseSummary {
  const candidate = response.candidates?.[0];
  const parts = candidate?.content?.parts ?? [];
  const usage = response.usageMetadata ?? {};
  return {
    parts: parts.map(describePart),
    text: parts
      .filter((part) => typeof part.text === 'string' && part.thought !== true)
      .map((part) => part.text)
      .join(''),
    functionCalls: parts.flatMap((part) =>
      part.functionCall
        ? [
            {
              name: part.functionCall.name,
              args: part.functionCall.args,
              ...(part.functionCall.id === undefined ? {} : { id: part.functionCall.id }),
              ...(part.thoughtSignature === undefined
                ? {}
                : { signature: signatureSummary(part.thoughtSignature) }),
            },
          ]
        : [],
    ),
    finishReason: candidate?.finishReason,
    usage: {
      promptTokenCount: usage.promptTokenCount,
      candidatesTokenCount: usage.candidatesTokenCount,
      thoughtsTokenCount: usage.thoughtsTokenCount,
      totalTokenCount: usage.totalTokenCount,
    },
  };
}
