import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import type { CountTokensBody } from '../wire/models.ts';
import type { GenerateContentRequest } from '../wire/request.ts';

/**
 * Vertex AI's request differences, checked before sending so the caller gets a clear error
 * instead of Vertex's "Unknown name" 400:
 * - `toolConfig.includeServerSideToolInvocations`: "This field is not supported in Vertex AI"
 *   (js-genai `ToolConfig`); Vertex combines built-in and function tools without it;
 * - `tools[].mcpServers`: "not supported in Vertex AI" (js-genai `McpServer`);
 * - `functionCallingConfig.streamFunctionCallArguments` on `generateContent`: it streams the
 *   arguments, so only `streamGenerateContent` takes it.
 * @throws {@link InvalidArgumentError} naming the field and the fix.
 * @internal
 */
export function checkVertexRequest(request: GenerateContentRequest, stream: boolean): void {
  const toolConfig = request.toolConfig;
  if (toolConfig?.includeServerSideToolInvocations !== undefined) {
    throw new InvalidArgumentError({
      argument: 'request.toolConfig.includeServerSideToolInvocations',
      message:
        'request.toolConfig.includeServerSideToolInvocations is not supported in Vertex AI; remove it (Vertex combines built-in and function tools without it).',
    });
  }
  if (!stream && toolConfig?.functionCallingConfig?.streamFunctionCallArguments === true) {
    throw new InvalidArgumentError({
      argument: 'request.toolConfig.functionCallingConfig.streamFunctionCallArguments',
      message:
        'streamFunctionCallArguments streams function-call arguments: use streamGenerateContent, or remove it from this generateContent request.',
    });
  }
  const tools = request.tools;
  if (Array.isArray(tools)) {
    tools.forEach((tool, index) => {
      if (tool?.mcpServers !== undefined) {
        throw new InvalidArgumentError({
          argument: `request.tools[${index}].mcpServers`,
          message: `request.tools[${index}].mcpServers is a Gemini API tool, not supported in Vertex AI.`,
        });
      }
    });
  }
}

// Fields of a request that hold no tokens: a count without them is the same count.
const UNCOUNTED = new Set(['model', 'toolConfig', 'safetySettings']);
const VERTEX_COUNTED = new Set(['contents', 'systemInstruction', 'tools', 'generationConfig']);

/**
 * A `countTokens` body as Vertex AI reads it: Vertex has no `generateContentRequest` and takes
 * `systemInstruction`, `tools` and `generationConfig` beside `contents` (aiplatform v1
 * `CountTokensRequest`; js-genai's `countTokensConfigToVertex` writes them there). A field that
 * would change the count but that Vertex cannot take (`cachedContent`, ...) is refused, by name.
 * @throws {@link InvalidArgumentError}
 * @internal
 */
export function toVertexCountTokensBody(body: CountTokensBody): CountTokensBody {
  const whole = body.generateContentRequest;
  if (whole === undefined) return body;
  const vertex: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(whole)) {
    if (value === undefined || UNCOUNTED.has(key)) continue;
    if (!VERTEX_COUNTED.has(key)) {
      throw new InvalidArgumentError({
        argument: `request.generateContentRequest.${key}`,
        message: `Vertex AI's countTokens takes contents, systemInstruction, tools and generationConfig only; remove ${key} from request.generateContentRequest${key === 'cachedContent' ? ' (count the cached contents with caches.get, whose usageMetadata has their tokens)' : ''}.`,
      });
    }
    vertex[key] = value;
  }
  return vertex as CountTokensBody;
}
