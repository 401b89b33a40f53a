import type { GenerationConfig, ToolConfig } from '../../wire/request.ts';
import type { AgentConfig, BaseRequest } from './agent-config.ts';
import type { AgentOptions } from './agent-options.ts';
import { agentOptionsDeclaration } from './agent-options-declaration.ts';
import { resolveApiOption } from './options/api.ts';
import { resolveCompactionOption } from './options/compaction.ts';
import {
  type ContinuationConfig,
  type DefaultPluginMakers,
  resolveContinuationOption,
} from './options/continuation.ts';
import { readGenerationConfig } from './options/generation-config.ts';
import { resolveModelOptions } from './options/model.ts';
import { resolveObserverOptions } from './options/observers.ts';
import { resolveOutputOption } from './options/output.ts';
import { resolvePluginsOption } from './options/plugins.ts';
import { resolvePricesOption } from './options/prices.ts';
import {
  applyRequestFields,
  readInstructions,
  requestFieldOptions,
  resolveStreamRequest,
} from './options/request-fields.ts';
import { resolveStepOptions } from './options/steps.ts';
import { resolveThinking } from './options/thinking.ts';
import { resolveToolChoice } from './options/tool-choice.ts';
import { resolveToolRunOptions } from './options/tool-runs.ts';
import { resolveToolsOption } from './options/tools.ts';

/**
 * Checks every `createAgent` option strictly and precomputes what each step sends, so a step only
 * adds its `contents`. `defaultPlugins` makes the plugins an agent has by default (the facade's:
 * the config imports no feature): continuation, and pricing (`AgentConfig.price`). Each option's check, default and resolution is declared in its group's
 * file under options/; this joins them, and builds the request the options shape together
 * (tools, tool choice, thinking, output and generation config all end up in it).
 *
 * @throws {@link InvalidArgumentError} naming the option at fault and the fix.
 * @internal
 */
export function resolveAgentConfig<Output>(
  options: AgentOptions<Output>,
  defaultPlugins: DefaultPluginMakers = {},
): AgentConfig<Output> {
  agentOptionsDeclaration.check(options);
  const modelConfig = { ...resolveModelOptions(options) };
  const { gemini, model, capabilities, logger } = modelConfig;
  const steps = resolveStepOptions(options);
  const requests = resolveApiOption(options, modelConfig, steps.maxModelCallsPerStep);
  const toolRuns = resolveToolRunOptions(options);
  const toolsConfig = resolveToolsOption(options, modelConfig);
  const { tools } = toolsConfig;

  const functionCallingConfig = resolveToolChoice({
    toolChoice: options.toolChoice,
    functionNames: [...tools.functions.keys()],
    capabilities,
    model,
  });

  const generationConfig = readGenerationConfig(options);
  const thinkingConfig = resolveThinking(options.thinking, model, capabilities, (message, fields) =>
    logger.warn(fields, message),
  );
  if (thinkingConfig !== undefined) generationConfig.thinkingConfig = thinkingConfig;

  const { output, outputMode } = resolveOutputOption(options, modelConfig, tools);

  const toolConfig = toolConfigOf(options, functionCallingConfig, tools.combined, gemini.platform);

  const request: BaseRequest = { model };
  const systemInstruction = readInstructions(options.instructions);
  if (systemInstruction !== undefined) request.systemInstruction = systemInstruction;
  if (tools.wireTools !== undefined) request.tools = tools.wireTools;
  if (Object.keys(toolConfig).length > 0) request.toolConfig = toolConfig;
  const stepGenerationConfig = stepGenerationConfigOf(generationConfig, outputMode, output);
  if (Object.keys(stepGenerationConfig).length > 0) request.generationConfig = stepGenerationConfig;
  applyRequestFields(options, request);

  const streamRequest = resolveStreamRequest(
    requestFieldOptions.withDefaults(options).streamFunctionCallArguments,
    request,
    gemini,
  );

  // Made in `inline` mode too: a run of a `final-call` agent whose final call a plugin sends to
  // this model (a fallback from Gemini 2.5 to 3) asks it without tools, as that call is; from the
  // request with tools, a model that called one was re-asked until the run failed (attack65a).
  const finalOutputRequest =
    output !== undefined
      ? finalOutputRequestOf(request, generationConfig, output.jsonSchema)
      : undefined;

  // The `toolOutput` option is sugar for a plugin, added after the agent's own `plugins`.
  const { toolOutputPlugin, ...windowConfig } = resolveCompactionOption(options, modelConfig, {
    tools: tools.functions,
    logger,
  });
  const config: AgentConfig<Output> = {
    ...modelConfig,
    ...requests,
    ...steps,
    ...resolveDefaultPlugins(options, defaultPlugins),
    ...toolRuns,
    ...toolsConfig,
    request,
    finalOutputRequest,
    streamRequest,
    outputMode,
    output: output as AgentConfig<Output>['output'],
    callOptions: options.callOptions,
    ...windowConfig,
    ...resolveObserverOptions(options, modelConfig.logger),
    ...resolvePluginsOption(options, toolOutputPlugin, tools.functions.values()),
  };
  config.forModel = configsByModel(options, config, defaultPlugins);
  return config;
}

/**
 * The plugins every agent has unless its options turn them off: continuation, then pricing
 * (listed after it: a call is priced once its requests made one answer), and the pricer the loop
 * calls (`price`).
 */
function resolveDefaultPlugins(
  options: AgentOptions<unknown>,
  makers: DefaultPluginMakers,
): ContinuationConfig & Pick<AgentConfig<unknown>, 'price' | 'priceOnRead'> {
  const continuation = resolveContinuationOption(options, makers);
  const { pricing, price, priceOnRead } = resolvePricesOption(options, makers);
  return {
    ...continuation,
    price,
    priceOnRead,
    defaultPlugins:
      pricing === undefined
        ? continuation.defaultPlugins
        : [...continuation.defaultPlugins, pricing],
  };
}

/** A step's `generationConfig`: with an inline structured output, its JSON schema asked for. */
function stepGenerationConfigOf(
  generationConfig: GenerationConfig,
  outputMode: AgentConfig<unknown>['outputMode'],
  output: { jsonSchema: GenerationConfig['responseJsonSchema'] } | undefined,
): GenerationConfig {
  return outputMode === 'inline' && output !== undefined
    ? {
        ...generationConfig,
        responseMimeType: 'application/json',
        responseJsonSchema: output.jsonSchema,
      }
    : generationConfig;
}

/** The request's `toolConfig`: the tool choice, the server-side invocations, retrieval. */
function toolConfigOf<Output>(
  options: AgentOptions<Output>,
  functionCallingConfig: ToolConfig['functionCallingConfig'],
  combined: boolean,
  platform: string | undefined,
): ToolConfig {
  const toolConfig: ToolConfig = {};
  if (functionCallingConfig !== undefined) toolConfig.functionCallingConfig = functionCallingConfig;
  // Vertex combines built-in and function tools without it, and rejects the field ("This field is
  // not supported in Vertex AI", js-genai ToolConfig).
  if (combined && platform !== 'vertex') {
    toolConfig.includeServerSideToolInvocations = true;
  }
  if (options.retrievalConfig !== undefined) toolConfig.retrievalConfig = options.retrievalConfig;
  return toolConfig;
}

/** `outputMode: 'final-call'`'s last request: no tools, the answer as JSON of the output schema. */
function finalOutputRequestOf(
  request: BaseRequest,
  generationConfig: GenerationConfig,
  responseJsonSchema: GenerationConfig['responseJsonSchema'],
): BaseRequest {
  const { tools: _tools, toolConfig: _toolConfig, ...rest } = request;
  return {
    ...rest,
    generationConfig: {
      ...generationConfig,
      responseMimeType: 'application/json',
      responseJsonSchema,
    },
  };
}

/**
 * The agent's options resolved for other models, each on first use (an agent that never sends a
 * call elsewhere resolves none). The agent's own model gives its own config.
 */
function configsByModel<Output>(
  options: AgentOptions<Output>,
  own: AgentConfig<Output>,
  defaultPlugins: DefaultPluginMakers,
): (model: string) => AgentConfig<Output> {
  const resolved = new Map<string, AgentConfig<Output>>();
  return (model) => {
    if (model === own.model) return own;
    let config = resolved.get(model);
    if (config === undefined) {
      config = resolveAgentConfig({ ...options, model }, defaultPlugins);
      resolved.set(model, config);
    }
    return config;
  };
}
