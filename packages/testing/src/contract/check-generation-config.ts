import { isJsonObject, type JsonObject, readField } from '@gemloop/core/internal';
import type { ModelCapabilities } from '@gemloop/core/models';
import { checkConfigFields } from './check-config-fields.ts';
import { type ContractViolation, invalidValue, semantic } from './contract-violation.ts';

/**
 * The `generationConfig` rules of the real API: fields it does not know and numbers out of range
 * ({@link checkConfigFields}), thinking settings that do not fit the model,
 * response schemas that conflict or lack their MIME type, JSON output with function calling
 * before Gemini 3. Sources of each text are given inline.
 * @internal
 */
export function checkGenerationConfig(
  body: JsonObject,
  model: string,
  capabilities: ModelCapabilities,
  hasFunctions: boolean,
  violations: ContractViolation[],
): void {
  const config = readField(body, 'generationConfig', 'generation_config');
  if (isScalar(config)) {
    // The proto parser's answer to a JSON value of the wrong type, as for the body itself.
    violations.push(
      invalidValue(
        'generation_config',
        'type.googleapis.com/google.ai.generativelanguage.v1beta.GenerationConfig',
        config,
      ),
    );
  }
  if (!isJsonObject(config)) return;
  checkConfigFields(config, model, violations);
  checkThinking(config, model, capabilities, violations);
  const mimeType = readField(config, 'responseMimeType', 'response_mime_type');
  const responseSchema = readField(config, 'responseSchema', 'response_schema');
  const responseJsonSchema =
    readField(config, 'responseJsonSchema', 'response_json_schema') ??
    config['_responseJsonSchema'];
  const mime = typeof mimeType === 'string' && mimeType !== '' ? mimeType : 'text/plain';
  if (responseSchema !== undefined && responseJsonSchema !== undefined) {
    // flachesis/gemini-rust PR #64 quotes the API's answer.
    violations.push(semantic('response_schema must not be set when response_json_schema is set.'));
  } else if (
    responseSchema !== undefined &&
    mime !== 'application/json' &&
    mime !== 'text/x.enum'
  ) {
    // agentjido/req_llm PR #299 (Gemini 3).
    violations.push(
      semantic(`Response_schema with a response mime type '${mime}' is unsupported.`),
    );
  } else if (responseJsonSchema !== undefined && mime !== 'application/json') {
    // Approximated after the response_schema text above.
    violations.push(
      semantic(`Response_json_schema with a response mime type '${mime}' is unsupported.`),
    );
  }
  if (mime === 'application/json' && hasFunctions && !capabilities.structuredOutputWithTools) {
    const toolConfig = readField(body, 'toolConfig', 'tool_config');
    const calling = isJsonObject(toolConfig)
      ? readField(toolConfig, 'functionCallingConfig', 'function_calling_config')
      : undefined;
    const mode = isJsonObject(calling) ? calling['mode'] : undefined;
    // symfony/ai#1777, google-gemini/deprecated-generative-ai-swift#195; mode NONE is accepted
    // (google/adk-python#5735).
    if (mode !== 'NONE') {
      violations.push(
        semantic("Function calling with a response mime type: 'application/json' is unsupported"),
      );
    }
  }
}

function checkThinking(
  config: JsonObject,
  model: string,
  capabilities: ModelCapabilities,
  violations: ContractViolation[],
): void {
  const thinking = readField(config, 'thinkingConfig', 'thinking_config');
  if (!isJsonObject(thinking)) return;
  const level = readField(thinking, 'thinkingLevel', 'thinking_level');
  const budget = readField(thinking, 'thinkingBudget', 'thinking_budget');
  const includeThoughts = readField(thinking, 'includeThoughts', 'include_thoughts');
  if (level !== undefined && budget !== undefined) {
    // sterlp/eclipse-peon-ai#115 (gemini-flash-latest).
    violations.push(semantic('You can only set only one of thinking budget and thinking level.'));
    return;
  }
  if (capabilities.thinking === 'none') {
    if (level !== undefined || budget !== undefined) {
      // immersive-translate#2976 (Gemini 2.0).
      violations.push(semantic('thinking_config is not supported.'));
    } else if (includeThoughts === true) {
      // lobehub#7985.
      violations.push(semantic(`Thinking is not enabled for models/${model}`));
    }
    return;
  }
  if (level !== undefined && capabilities.thinking === 'budget') {
    // RooCodeInc/Roo-Code#10700 (gemini-2.5-flash), microsoft/vscode#334581 (2.5 Pro).
    violations.push(semantic('Thinking level is not supported for this model.'));
    return;
  }
  if (budget === 0 && capabilities.thinking === 'budget' && capabilities.thinkingAlwaysOn) {
    // snailyp/gemini-balance#206 (gemini-2.5-pro).
    violations.push(semantic('Budget 0 is invalid. This model only works in thinking mode.'));
    return;
  }
  // Enum names are read without case, as the API reads them (lower-case `Type` names pass).
  const levelName = typeof level === 'string' ? level.toUpperCase() : undefined;
  const lowest =
    capabilities.lowestThinkingLevel ?? (capabilities.thinkingAlwaysOn ? 'LOW' : 'MINIMAL');
  if (
    levelName === 'MINIMAL' &&
    capabilities.thinking === 'level' &&
    (lowest === 'LOW' || capabilities.thinkingAlwaysOn)
  ) {
    // Approximated after "Thinking level MEDIUM is not supported for this model."
    // (heyhuynhgiabuu/proxypal#170); Gemini 3 Pro, 3.1 Pro and 3.7 Flash start at LOW.
    violations.push(semantic('Thinking level MINIMAL is not supported for this model.'));
  }
  if (
    levelName === 'XHIGH' &&
    capabilities.thinking === 'level' &&
    capabilities.highestThinkingLevel !== 'XHIGH'
  ) {
    // Approximated after the MEDIUM refusal above: XHIGH is Gemini 4 Hydrogen's alone
    // (@ai-sdk/google 4.0.121 CHANGELOG 4e43721).
    violations.push(semantic('Thinking level XHIGH is not supported for this model.'));
  }
  // thinkingBudget on Gemini 3 is accepted: the docs keep it for backwards compatibility.
}

/** A string, number or boolean: no message, list or null (unset). */
function isScalar(value: unknown): boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}
