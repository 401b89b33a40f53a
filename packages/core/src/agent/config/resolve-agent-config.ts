import { resolveContinuation } from '../../continuation/continuation-options.ts';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { modelCallEntryOf } from '../../http/model-call-entry.ts';
import { checkLogger } from '../../logging/check-logger.ts';
import { checkModelName } from '../../models/check-model-name.ts';
import { getModelCapabilities } from '../../models/model-capabilities.ts';
import { resolveObservers } from '../../telemetry/resolve-observers.ts';
import { createArgumentRedactor } from '../../tools/define/argument-redactor.ts';
import type { Content } from '../../wire/content.ts';
import type { GenerationConfig, ToolConfig } from '../../wire/request.ts';
import type { StopCondition } from '../stop-conditions.ts';
import { prepareOutput } from '../structured-output.ts';
import { prepareTools } from '../tool-calls/prepare-tools.ts';
import type { AgentConfig, BaseRequest, OutputMode } from './agent-config.ts';
import type { AgentOptions } from './agent-options.ts';
import { agentOptionsDeclaration } from './agent-options-declaration.ts';
import { resolveThinking } from './resolve-thinking.ts';
import { resolveToolChoice } from './resolve-tool-choice.ts';

/** The default of `maxSteps`, as in js-genai's AFC and openai-agents. */
export const DEFAULT_MAX_STEPS = 10;
/** The default of `maxReasks`. */
export const DEFAULT_MAX_REASKS = 2;
/**
 * The default of `toolConcurrency`: how many function calls of one model turn run at once.
 *
 * Gemini's parallel calls come a handful at a time, so 8 runs a real turn without queueing, while
 * a turn of 10,000 calls (a hostile or looping model) holds at most 8 sockets, file handles or
 * worker threads at a time instead of 10,000.
 */
export const DEFAULT_TOOL_CONCURRENCY = 8;
/**
 * The default of `toolTimeoutMs`: how long one tool call may run before it is stopped and
 * answered with a timeout error. The client's default per-request timeout, so a tool that makes
 * one model call (a built-in fallback, an agent used as a tool) gets as long as the client gives
 * that call, and a tool that never settles cannot hang a run.
 */
export const DEFAULT_TOOL_TIMEOUT_MS = 120_000;

/**
 * Checks every `createAgent` option strictly and precomputes what each step sends, so a step only
 * adds its `contents`.
 *
 * @throws {@link InvalidArgumentError} naming the option at fault and the fix.
 * @internal
 */
export function resolveAgentConfig<Output>(options: AgentOptions<Output>): AgentConfig<Output> {
  agentOptionsDeclaration.check(options);
  const { gemini, model } = options;
  // A name that can never be a model id fails here, not at the first run; with `capabilities`
  // the caller vouches for a gateway alias, whatever its case.
  checkModelName(model, { allowUppercase: options.capabilities !== undefined });
  const capabilities = getModelCapabilities(model, options.capabilities);
  const logger = checkLogger(options.logger, 'logger').child({ component: 'agent', model });
  const modelCall = modelCallEntryOf(gemini);

  const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
  const maxReasks = options.maxReasks ?? DEFAULT_MAX_REASKS;
  const toolConcurrency = options.toolConcurrency ?? DEFAULT_TOOL_CONCURRENCY;
  // Infinity means no limit, as it does for a tool's own timeoutMs.
  const toolTimeoutMs =
    options.toolTimeoutMs === Number.POSITIVE_INFINITY
      ? undefined
      : (options.toolTimeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS);
  const toolErrors = options.toolErrors ?? 'report';
  const stopWhen = readStopWhen(options.stopWhen);

  const tools = prepareTools({
    tools: options.tools,
    capabilities,
    gemini,
    model,
    callOptions: options.callOptions,
  });
  if (
    gemini.platform === 'vertex' &&
    tools.wireTools?.some((tool) => tool.mcpServers !== undefined)
  ) {
    throw invalid(
      'tools',
      'mcpServers() is a Gemini API tool ("not supported in Vertex AI"); use a Gemini API client, or run the MCP tools yourself as function tools.',
    );
  }
  if (tools.fallbacks.length > 0) {
    logger.info(
      { fallbacks: tools.fallbacks },
      'this model cannot combine built-in tools with function tools; the built-ins are declared as functions backed by separate grounded calls',
    );
  }
  const functionNames = [...tools.functions.keys()];
  const functionCallingConfig = resolveToolChoice({
    toolChoice: options.toolChoice,
    functionNames,
    capabilities,
    model,
  });

  const generationConfig = readGenerationConfig(options.generationConfig, options);
  const thinkingConfig = resolveThinking(options.thinking, model, capabilities, (message, fields) =>
    logger.warn(fields, message),
  );
  if (thinkingConfig !== undefined) generationConfig.thinkingConfig = thinkingConfig;

  const output = options.output === undefined ? undefined : prepareOutput(options.output);
  let outputMode: OutputMode = 'none';
  if (output !== undefined) {
    outputMode =
      tools.wireTools === undefined || capabilities.structuredOutputWithTools
        ? 'inline'
        : 'final-call';
  }

  const toolConfig: ToolConfig = {};
  if (functionCallingConfig !== undefined) toolConfig.functionCallingConfig = functionCallingConfig;
  // Vertex combines built-in and function tools without it, and rejects the field ("This field is
  // not supported in Vertex AI", js-genai ToolConfig).
  if (tools.combined && gemini.platform !== 'vertex') {
    toolConfig.includeServerSideToolInvocations = true;
  }
  if (options.retrievalConfig !== undefined) toolConfig.retrievalConfig = options.retrievalConfig;

  const request: BaseRequest = { model };
  const systemInstruction = readInstructions(options.instructions);
  if (systemInstruction !== undefined) request.systemInstruction = systemInstruction;
  if (tools.wireTools !== undefined) request.tools = tools.wireTools;
  if (Object.keys(toolConfig).length > 0) request.toolConfig = toolConfig;
  const stepGenerationConfig: GenerationConfig =
    outputMode === 'inline' && output !== undefined
      ? {
          ...generationConfig,
          responseMimeType: 'application/json',
          responseJsonSchema: output.jsonSchema,
        }
      : generationConfig;
  if (Object.keys(stepGenerationConfig).length > 0) request.generationConfig = stepGenerationConfig;
  if (options.safetySettings !== undefined) request.safetySettings = [...options.safetySettings];
  if (options.cachedContent !== undefined) request.cachedContent = options.cachedContent;
  if (options.serviceTier !== undefined) request.serviceTier = options.serviceTier;

  const streamRequest = resolveStreamRequest(options.streamFunctionCallArguments, request, gemini);

  let finalOutputRequest: BaseRequest | undefined;
  if (outputMode === 'final-call' && output !== undefined) {
    const { tools: _tools, toolConfig: _toolConfig, ...rest } = request;
    finalOutputRequest = {
      ...rest,
      generationConfig: {
        ...generationConfig,
        responseMimeType: 'application/json',
        responseJsonSchema: output.jsonSchema,
      },
    };
  }

  return {
    gemini,
    model,
    capabilities,
    logger,
    tools,
    request,
    finalOutputRequest,
    streamRequest,
    outputMode,
    output,
    maxSteps,
    stopWhen,
    toolConcurrency,
    toolTimeoutMs,
    toolErrors,
    maxReasks,
    continuation: resolveContinuation(options.continuation),
    onStepEnd: options.onStepEnd,
    beforeToolCall: options.beforeToolCall,
    isRunEndingError: options.isRunEndingError,
    callOptions: options.callOptions,
    modelCall,
    redact: modelCall.redact,
    argumentRedactor: createArgumentRedactor(tools.functions.values()),
    includeThoughts: thinkingConfig?.includeThoughts === true,
    now: options.now ?? Date.now,
    ...resolveObservers(options),
  };
}

function readGenerationConfig(
  config: GenerationConfig | undefined,
  options: AgentOptions<unknown>,
): GenerationConfig {
  if (config === undefined) return {};
  if (config.candidateCount !== undefined && config.candidateCount !== 1) {
    throw invalid(
      'generationConfig.candidateCount',
      'The agent continues one conversation, so it asks for one candidate; remove candidateCount (or set it to 1).',
    );
  }
  if (config.thinkingConfig !== undefined && options.thinking !== undefined) {
    throw invalid(
      'generationConfig.thinkingConfig',
      'Set thinking or generationConfig.thinkingConfig, not both (thinking maps to the right field for the model).',
    );
  }
  if (options.output !== undefined) {
    for (const key of ['responseSchema', 'responseJsonSchema', 'responseMimeType'] as const) {
      if (config[key] !== undefined) {
        throw invalid(
          `generationConfig.${key}`,
          `output sets generationConfig.${key}; remove it from generationConfig.`,
        );
      }
    }
  }
  return { ...config };
}

function readInstructions(
  instructions: AgentOptions<unknown>['instructions'],
): Content | undefined {
  if (instructions === undefined) return undefined;
  if (typeof instructions === 'string') return { parts: [{ text: instructions }] };
  return Array.isArray(instructions) ? { parts: instructions } : instructions;
}

function readStopWhen(stopWhen: AgentOptions<unknown>['stopWhen']): readonly StopCondition[] {
  if (stopWhen === undefined) return [];
  return typeof stopWhen === 'function' ? [stopWhen] : stopWhen;
}

function invalid(argument: string, message: string): InvalidArgumentError {
  return new InvalidArgumentError({ argument, message });
}

/**
 * The request of streamed steps with `streamFunctionCallArguments` (Vertex only), or `undefined`
 * when streamed steps send the same request as unary ones.
 */
function resolveStreamRequest(
  enabled: unknown,
  request: BaseRequest,
  gemini: { platform?: 'gemini-api' | 'vertex' | undefined },
): BaseRequest | undefined {
  if (enabled === undefined || enabled === false) return undefined;
  if (gemini.platform === 'gemini-api') {
    throw invalid(
      'streamFunctionCallArguments',
      'streamFunctionCallArguments is Vertex AI only ("not supported in Gemini API"): make the client with createGemini({ vertex: { project, location } }), or remove the option.',
    );
  }
  if (request.tools === undefined) return undefined;
  const toolConfig = request.toolConfig ?? {};
  return {
    ...request,
    toolConfig: {
      ...toolConfig,
      functionCallingConfig: {
        ...toolConfig.functionCallingConfig,
        streamFunctionCallArguments: true,
      },
    },
  };
}
