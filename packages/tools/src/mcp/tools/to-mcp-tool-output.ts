import type { FunctionResponsePart } from '@gemloop/core/wire';
import type { McpCallToolResult } from './mcp-client.ts';

/**
 * The media types Gemini accepts in `functionResponse.parts` (Gemini 3, Gemini API: `inlineData`
 * only). Others (audio, GIF, SVG, ...) are answered with `400` there, so they are described in the
 * text output instead.
 */
export const defaultMcpMediaTypes: readonly string[] = [
  'image/png',
  'image/jpeg',
  'image/webp',
  'application/pdf',
  'text/plain',
];

/** What toolResult accepts as base64 (standard or URL-safe alphabet). */
const base64Pattern = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** A tool result mapped to what a `functionResponse` carries. */
export type McpToolOutput = {
  /** The tool reported a failure (`isError: true`); `text` is its message. */
  isError: boolean;
  /** The `functionResponse.response` object. */
  response: Record<string, unknown>;
  /** Media for `functionResponse.parts`. */
  parts: FunctionResponsePart[];
  /** All text of the result, joined; the error message when `isError`. */
  text: string;
  /** `structuredContent`, when the tool sent an object. */
  structuredContent: Record<string, unknown> | undefined;
};

/**
 * Maps an MCP `tools/call` result to a function response.
 *
 * - `structuredContent` (a JSON object) is the `response`, verbatim: it is the typed result, and
 *   the MCP spec makes the text blocks beside it a serialisation of it, so they are not repeated.
 * - Otherwise the text blocks, joined with a newline, are `{ output: text }`.
 * - Images, audio and binary embedded resources of a type in `mediaTypes` become `parts`
 *   (`inlineData`); others become a line in the text saying what was left out.
 * - Text embedded resources add their text under a `Resource <uri>:` line; resource links add a
 *   `Resource link: ...` line. Unknown block types are kept as their JSON.
 * - The legacy `{ toolResult }` shape (protocol 2024-10-07) is `{ output: toolResult }`.
 *
 * @internal
 */
export function toMcpToolOutput(
  result: McpCallToolResult,
  mediaTypes: ReadonlySet<string>,
): McpToolOutput {
  const isError = result.isError === true;
  const structuredContent = isPlainObject(result.structuredContent)
    ? result.structuredContent
    : undefined;
  if (!Array.isArray(result.content) && 'toolResult' in result) {
    const text = typeof result.toolResult === 'string' ? result.toolResult : '';
    return { isError, response: { output: result.toolResult }, parts: [], text, structuredContent };
  }
  const lines: string[] = [];
  const parts: FunctionResponsePart[] = [];
  for (const block of Array.isArray(result.content) ? result.content : []) {
    if (!isPlainObject(block)) continue;
    const { type } = block;
    if (type === 'text' && typeof block['text'] === 'string') {
      lines.push(block['text']);
    } else if ((type === 'image' || type === 'audio') && typeof block['data'] === 'string') {
      addMedia(type, block['mimeType'], block['data'], undefined);
    } else if (type === 'resource' && isPlainObject(block['resource'])) {
      const resource = block['resource'];
      const uri = typeof resource['uri'] === 'string' ? resource['uri'] : '(no uri)';
      if (typeof resource['text'] === 'string') {
        lines.push(`Resource ${uri}:\n${resource['text']}`);
      } else if (typeof resource['blob'] === 'string') {
        addMedia('resource', resource['mimeType'], resource['blob'], uri);
      }
    } else if (type === 'resource_link' && typeof block['uri'] === 'string') {
      lines.push(describeResourceLink(block));
    } else {
      // A block type from a newer protocol version: keep it as data rather than drop it.
      lines.push(JSON.stringify(block));
    }
  }
  const text = lines.join('\n');
  if (isError) {
    return { isError, response: { error: text }, parts, text, structuredContent };
  }
  const response = structuredContent ?? { output: text };
  return { isError, response, parts, text, structuredContent };

  function addMedia(kind: string, mimeType: unknown, data: string, uri: string | undefined): void {
    const type = typeof mimeType === 'string' ? mimeType : 'application/octet-stream';
    const where = uri === undefined ? '' : ` ${uri}`;
    if (mediaTypes.has(type.toLowerCase())) {
      // Some servers wrap base64 in lines (MIME style); the API wants it in one piece.
      const base64 = data.replace(/\s+/g, '');
      if (base64Pattern.test(base64)) {
        parts.push({ inlineData: { mimeType: type, data: base64 } });
      } else {
        // toolResult would refuse it and the text beside it would be lost with it.
        lines.push(`[${kind}${where} (${type}) left out: its data is not valid base64]`);
      }
      return;
    }
    lines.push(
      `[${kind}${where} (${type}, ${approximateSize(data)}) left out: Gemini does not accept ${type} in a function response]`,
    );
  }
}

function describeResourceLink(block: Record<string, unknown>): string {
  const name = typeof block['name'] === 'string' ? block['name'] : '';
  const title = typeof block['title'] === 'string' ? block['title'] : undefined;
  const mimeType = typeof block['mimeType'] === 'string' ? ` (${block['mimeType']})` : '';
  const description =
    typeof block['description'] === 'string' && block['description'] !== ''
      ? `: ${block['description']}`
      : '';
  return `Resource link: ${title ?? name} <${String(block['uri'])}>${mimeType}${description}`;
}

/** The decoded size of base64 data, in words a model can read. */
function approximateSize(base64: string): string {
  const bytes = Math.floor((base64.replace(/=+$/, '').length * 3) / 4);
  return bytes < 1024 ? `${bytes} bytes` : `${Math.round(bytes / 1024)} KB`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
