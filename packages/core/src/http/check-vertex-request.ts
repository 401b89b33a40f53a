import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
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
