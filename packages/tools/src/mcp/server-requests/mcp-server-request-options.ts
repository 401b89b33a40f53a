import type { McpElicitationOptions } from '../elicitation/mcp-elicitation.ts';
import type { McpSamplingPolicy } from './mcp-sampling.ts';

/** What an MCP client answers when a server asks it (server-to-client requests). */
export type McpServerRequestOptions = {
  /**
   * Answers `elicitation/create`: the server asks the user for input in a form, or to open a
   * page. Without it the client declares no `elicitation` capability, so servers do not ask.
   */
  elicitation?: McpElicitationOptions | undefined;
  /**
   * Answers `sampling/createMessage` with a Gemini call under this policy. Without it the client
   * declares no `sampling` capability.
   */
  sampling?: McpSamplingPolicy | undefined;
};
