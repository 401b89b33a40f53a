// @gemloop/core: the root entry, what the quick start and everyday use need (at most 40 names,
// checked by index.test.ts): the client, the agent, a chat session, tools and the built-in
// tools, stop conditions, the result and event types, and the base errors. Everything else is
// behind a subpath, one per concept, each holding its concept in full (so a few names are in both
// places):
//
//   @gemloop/core/agent      every agent option, hook, event and result type; defaults
//   @gemloop/core/chat       chat sessions and history stores (the file store on Node)
//   @gemloop/core/composition agents made of agents: subagent(), SubagentError, event paths
//   @gemloop/core/errors     every error class
//   @gemloop/core/guardrails input, output and tool guardrails, the tool-error rewrite
//   @gemloop/core/history    history validation, thought signatures, the stored turn type
//   @gemloop/core/http       the client in full: call options, retries, transports, Vertex, caches
//   @gemloop/core/logging    createLogger, silentLogger, the Logger interface
//   @gemloop/core/models     model capabilities and cache minimums
//   @gemloop/core/recorder   the run recorder (Node) and its recorded format
//   @gemloop/core/steering   talking to a running agent: createSteering, steer and queue
//   @gemloop/core/streaming  folding a streamed response into one
//   @gemloop/core/compaction keeping long runs in the window: compaction, tool output budgets
//   @gemloop/core/telemetry  run observers and OpenTelemetry options
//   @gemloop/core/tools      tool types, guards, name rule, schema conversion, function responses
//   @gemloop/core/wire       the Gemini wire format: every request and response type, the parser
//
// Named re-exports only. Portable: nothing here reaches a Node built-in.

// --- client ---
export { createGemini } from './http/create-gemini.ts';
export type { CreateGeminiOptions, Gemini } from './http/gemini.ts';
// --- agent ---
export type { AgentEvent } from './agent/agent-event.ts';
export type { AgentOptions, RunOptions } from './agent/config/agent-options.ts';
export type { AgentStream } from './agent/agent-stream.ts';
export type { Agent } from './agent/create-agent.ts';
export { createAgent } from './agent/create-agent.ts';
export type { StopCondition } from './agent/stop-conditions.ts';
export {
  hasToolCall,
  hasToolError,
  totalTokensExceed,
} from './agent/stop-conditions.ts';
// --- a run's input and result (run/: the types the agent, telemetry and the recorder share) ---
export type { AgentInput } from './run/agent-input.ts';
export type { AgentResult, AgentStep, AgentUsage } from './run/agent-result.ts';
// --- chat (sessions in memory by default; stores and the rest: @gemloop/core/chat) ---
export { createChatSession } from './chat/create-chat-session.ts';
// --- tools ---
export {
  codeExecution,
  fileSearch,
  googleMaps,
  googleSearch,
  urlContext,
} from './tools/builtin/built-in-tools.ts';
export type { DefinedTool } from './tools/define/define-tool-options.ts';
export { defineTool } from './tools/define/define-tool.ts';
export { jsonSchema } from './tools/schema/json-schema.ts';
export { mcpServers } from './tools/builtin/mcp-servers.ts';
export type { ToolExecuteContext } from './tools/tool.ts';
export { toolResult } from './tools/responses/tool-result.ts';
// --- errors (every class: @gemloop/core/errors) ---
export { AgentRunError } from './agent/errors/agent-run-error.ts';
export { type ModelCallAttempt, ModelCallError } from './agent/errors/model-call-error.ts';
export { ApiCallError } from './errors/api-call-error.ts';
export { GemloopError } from './errors/gemloop-error.ts';
export { InvalidArgumentError } from './errors/invalid-argument-error.ts';
// --- wire types a run hands back ---
export type { Content, Part } from './wire/content.ts';
export type { FinishReason } from './wire/response.ts';
// --- logging, version ---
export type { Logger } from './logging/logger.ts';
export { version } from './version.ts';
