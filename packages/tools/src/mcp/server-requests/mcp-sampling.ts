import type { Gemini } from '@gemloop/core';
import type { Content, GenerateContentRequest, Part } from '@gemloop/core/wire';
import type { McpRunLink } from './create-mcp-run-link.ts';

/**
 * When and how an MCP server's sampling requests (`sampling/createMessage`) are answered: by one
 * Gemini call made with your client (the agent's `gemini`), on your model and within your token
 * cap. A request from a server not in `allowedServers`, or over the cap, is refused with the MCP
 * error the spec gives for a rejected request (code `-1`), and no call is made.
 */
export type McpSamplingPolicy = {
  /** The client that makes the call: usually the agent's own `gemini`. */
  gemini: Gemini;
  /**
   * The model that answers, whatever the server's `modelPreferences` hint: the server never picks
   * the model (or the bill) on your key.
   */
  model: string;
  /**
   * The servers allowed to sample, by their `serverInfo.name` from the handshake (or the
   * connection's `serverName`). Required: a connection samples for nobody until it is named.
   */
  allowedServers: readonly string[];
  /**
   * The most output tokens one request may ask for: a request's `maxTokens` above it is refused.
   * @defaultValue 1024
   */
  maxTokens?: number | undefined;
  /**
   * Decides each request after the checks above (ask the user, look at the prompt): `false`
   * refuses it. The MCP spec wants a human able to deny sampling; this is where to ask.
   */
  approve?:
    | ((
        request: McpSamplingRequest,
        context: { signal: AbortSignal },
      ) => boolean | Promise<boolean>)
    | undefined;
  /**
   * Shows each request in the run whose tool call asks, as a `sampling` event of the
   * `mcp-requests` plugin (the server, the model, the tokens and their cost; never the prompt or
   * the answer), or `sampling-refused` (the server and why). The link whose `plugin` is in the
   * agent's `plugins`; the elicitation broker may share it.
   */
  link?: McpRunLink | undefined;
};

/** A sampling request as gemloop passes it to {@link McpSamplingPolicy.approve}. */
export type McpSamplingRequest = {
  /** The server's name (`serverInfo.name`). */
  server: string;
  /** The prompt as Gemini contents (`assistant` turns as `model`). */
  contents: Content[];
  systemPrompt?: string | undefined;
  maxTokens: number;
};

/** The default of {@link McpSamplingPolicy.maxTokens}. */
export const DEFAULT_MCP_SAMPLING_MAX_TOKENS = 1024;

/** A content block of a sampling message (`SamplingMessage.content`), read leniently. @internal */
type SamplingBlock = { type?: unknown; text?: unknown; data?: unknown; mimeType?: unknown };

/** The params of `sampling/createMessage` gemloop reads. @internal */
export type SamplingParams = {
  messages: readonly { role: string; content: SamplingBlock | readonly SamplingBlock[] }[];
  systemPrompt?: string | undefined;
  maxTokens: number;
  temperature?: number | undefined;
  stopSequences?: readonly string[] | undefined;
};

/** Turns the MCP messages into Gemini contents, or says which block cannot be sent. @internal */
export function toSamplingContents(
  messages: SamplingParams['messages'],
): { contents: Content[] } | { problem: string } {
  const contents: Content[] = [];
  for (const [index, message] of messages.entries()) {
    const blocks = Array.isArray(message.content) ? message.content : [message.content];
    const parts: Part[] = [];
    for (const block of blocks as readonly SamplingBlock[]) {
      if (block.type === 'text' && typeof block.text === 'string') parts.push({ text: block.text });
      else if (
        (block.type === 'image' || block.type === 'audio') &&
        typeof block.data === 'string' &&
        typeof block.mimeType === 'string'
      ) {
        parts.push({ inlineData: { mimeType: block.mimeType, data: block.data } });
      } else {
        // tool_use / tool_result blocks belong to sampling with tools, which this client does
        // not declare (no `sampling.tools` capability).
        return { problem: `message ${index} holds a "${String(block.type)}" block` };
      }
    }
    contents.push({ role: message.role === 'assistant' ? 'model' : 'user', parts });
  }
  return { contents };
}

/** The Gemini request for one sampling request under the policy. @internal */
export function toSamplingRequest(
  params: SamplingParams,
  contents: Content[],
  model: string,
): GenerateContentRequest {
  return {
    model,
    contents,
    ...(params.systemPrompt === undefined || params.systemPrompt === ''
      ? {}
      : { systemInstruction: { parts: [{ text: params.systemPrompt }] } }),
    generationConfig: {
      maxOutputTokens: params.maxTokens,
      ...(params.temperature === undefined ? {} : { temperature: params.temperature }),
      ...(params.stopSequences === undefined ? {} : { stopSequences: [...params.stopSequences] }),
    },
  };
}
