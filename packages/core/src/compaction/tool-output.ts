import type { PluginOption, PluginOptionAgent } from '../agent/config/plugin-option.ts';
import type { AgentPlugin, ToolResultDraft } from '../agent/plugins/agent-plugin.ts';
import { definePlugin } from '../agent/plugins/define-plugin.ts';
import type { Logger } from '../logging/logger.ts';
import {
  cutFunctionResponse,
  REST_NOT_KEPT,
  type ToolOutputLimit,
} from '../tools/responses/cut-function-response.ts';
import { defaultToolOutputLimit } from '../tools/responses/default-tool-output-limit.ts';
import { toFunctionResponse } from '../tools/responses/to-function-response.ts';
import { toolResult } from '../tools/responses/tool-result.ts';
import type { ArtifactStore } from './artifact-store.ts';
import { isReadToolOutputTool } from './read-tool-output-tool.ts';
import { checkToolOutputOptions, type ToolOutputOptions } from './tool-output-options.ts';

/**
 * The value of the agent's `toolOutput` option, made by {@link toolOutput}: its options, and the
 * plugin (`afterToolCall`) the agent adds for them.
 */
export type ToolOutput = PluginOption<'tool-output', ToolOutputOptions>;

/** The name of the plugin `toolOutput()` adds (in events, spans and errors). */
export const TOOL_OUTPUT_PLUGIN = 'gemloop.tool-output';

/**
 * A cap on what one tool result puts in the context, for the agent's `toolOutput` option: in
 * tokens or bytes, for the agent and per tool (see {@link ToolOutputOptions}). Past it the result
 * is cut and marked (`gemloopTruncated`), the whole one kept in `artifacts` for
 * `read_tool_output`. Sugar for a plugin (`afterToolCall`, named {@link TOOL_OUTPUT_PLUGIN}) the
 * agent adds after its own `plugins`; an application that never calls it does not bundle it.
 *
 * @example
 * ```ts
 * createAgent({ model, toolOutput: toolOutput({ maxTokens: 4_000, artifacts }) });
 * ```
 * @throws {@link InvalidArgumentError} when an option is malformed (named in the message).
 */
export function toolOutput(given: ToolOutputOptions): ToolOutput {
  // Each option and each tool's limit read once (checkToolOutputOptions copies).
  const options = checkToolOutputOptions(given);
  return { kind: 'tool-output', options, plugin: (agent) => toolOutputPlugin(options, agent) };
}

/**
 * The plugin of a `toolOutput` for one agent: each result the model is about to get is cut to its
 * tool's limit, else the agent-wide one, else the default cap for the agent's model (a
 * `toolOutput` with only `perTool` limits keeps it for the other tools). `read_tool_output`'s
 * slices are never cut again. The whole JSON of a cut result is put in `artifacts` before the
 * model gets the marker naming its id.
 */
function toolOutputPlugin(options: ToolOutputOptions, agent: PluginOptionAgent): AgentPlugin {
  const agentWide: ToolOutputLimit =
    options.maxTokens === undefined && options.maxBytes === undefined
      ? defaultToolOutputLimit(agent.inputTokenLimit)
      : { maxTokens: options.maxTokens, maxBytes: options.maxBytes };
  const readers = new Set<string>();
  for (const [name, tool] of agent.tools) if (isReadToolOutputTool(tool)) readers.add(name);
  const { perTool, artifacts } = options;
  return definePlugin({
    name: TOOL_OUTPUT_PLUGIN,
    afterToolCall: (draft) => {
      if (readers.has(draft.toolName)) return undefined;
      // Own keys only: a tool named `constructor` is not given Object.prototype's as its limit.
      const limit =
        perTool !== undefined && Object.hasOwn(perTool, draft.toolName)
          ? (perTool[draft.toolName] as ToolOutputLimit)
          : agentWide;
      return cutResult(draft, limit, artifacts, agent.logger);
    },
  });
}

/**
 * The result as the model would get it, cut to `limit` (`undefined` when it fits). The cut is made
 * on the function response the result becomes, so it measures what the model is sent; the cut
 * response goes back as the result, media parts kept.
 */
function cutResult(
  draft: ToolResultDraft,
  limit: ToolOutputLimit,
  artifacts: ArtifactStore | undefined,
  logger: Logger,
): undefined | { result: unknown } | Promise<{ result: unknown }> {
  let built: ReturnType<typeof toFunctionResponse>;
  try {
    built = toFunctionResponse({ name: draft.toolName, result: draft.result });
  } catch {
    // Not JSON: the loop answers the call with the tool's failure, as without a budget.
    return undefined;
  }
  let rest: { id: string; json: string } | undefined;
  const cut = cutFunctionResponse(built.functionResponse, limit, (json) => {
    if (artifacts === undefined) return REST_NOT_KEPT;
    rest = { id: crypto.randomUUID(), json };
    return `call read_tool_output with id "${rest.id}" and an offset to read the rest`;
  });
  if (cut === built.functionResponse) return undefined;
  const result =
    cut.parts === undefined
      ? cut.response
      : toolResult({ response: cut.response, parts: cut.parts });
  if (rest === undefined || artifacts === undefined) return { result };
  return keep(artifacts, rest, logger).then(() => ({ result }));
}

/** Puts the whole result in the store before the marker naming it is sent; a failure is logged. */
async function keep(
  store: ArtifactStore,
  { id, json }: { id: string; json: string },
  logger: Logger,
): Promise<void> {
  try {
    await store.put(id, json);
  } catch (error) {
    logger.warn(
      { err: error, artifactId: id },
      'toolOutput: the artifact store did not keep a truncated tool result; reading it back will say so',
    );
  }
}
