import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import type { GenerateContentRequest } from '../wire/request.ts';

type Json = Record<string, unknown>;

// The Interactions API's `generation_config` (`@google/genai`'s interactions `GenerationConfig`,
// src/gaos/models/interactions/generation-config.ts): temperature, top_p, max_output_tokens, seed,
// stop_sequences, thinking_level, thinking_summaries, tool_choice, image_config, speech_config
// (a list of voices, not generateContent's object), transcription_config, video_config. The
// structured output goes in `response_format` (to-create-interaction-request.ts).
const RENAMED = [
  ['temperature', 'temperature'],
  ['topP', 'top_p'],
  ['maxOutputTokens', 'max_output_tokens'],
  ['seed', 'seed'],
  ['stopSequences', 'stop_sequences'],
] as const;
/** Read elsewhere: the structured output (`response_format`) and the thinking settings. */
const TRANSLATED = new Set([
  ...RENAMED.map(([from]) => from),
  'responseMimeType',
  'responseSchema',
  'responseJsonSchema',
  'thinkingConfig',
  'imageConfig',
]);
/** generateContent's tool modes as the Interactions `ToolChoiceType` ('auto' | 'any' | 'none' | 'validated'). */
const TOOL_CHOICE: Readonly<Record<string, string>> = {
  AUTO: 'auto',
  ANY: 'any',
  NONE: 'none',
  VALIDATED: 'validated',
};

/**
 * A request's `generationConfig` and `toolConfig` as the Interactions API's `generation_config`
 * (`undefined` when nothing is set). `thinkingConfig.thinkingLevel` becomes `thinking_level`
 * (lower case), `includeThoughts` `thinking_summaries` (`auto` / `none`), the function-calling
 * mode `tool_choice` (with `allowed_tools` when it names functions).
 * @throws {@link InvalidArgumentError} naming a generateContent setting the Interactions API has no
 *   field for (`topK`, the penalties, logprobs, `candidateCount`, `thinkingBudget`, ...): dropping
 *   it would answer with other settings than the ones asked for.
 * @internal
 */
export function toInteractionGenerationConfig(request: GenerateContentRequest): Json | undefined {
  const config = (request.generationConfig ?? {}) as Json;
  const generation: Json = {};
  for (const key of Object.keys(config)) {
    if (config[key] === undefined || TRANSLATED.has(key)) continue;
    throw unsupported(`generationConfig.${key}`);
  }
  for (const [from, to] of RENAMED) {
    if (config[from] !== undefined) generation[to] = config[from];
  }
  const thinking = config['thinkingConfig'] as Json | undefined;
  if (thinking !== undefined && thinking !== null) {
    if (thinking['thinkingBudget'] !== undefined) {
      throw unsupported(
        'generationConfig.thinkingConfig.thinkingBudget',
        "set thinkingConfig.thinkingLevel ('minimal', 'low', 'medium' or 'high') instead",
      );
    }
    const level = thinking['thinkingLevel'];
    if (typeof level === 'string' && level !== 'THINKING_LEVEL_UNSPECIFIED') {
      generation['thinking_level'] = level.toLowerCase();
    }
    const include = thinking['includeThoughts'];
    if (typeof include === 'boolean') generation['thinking_summaries'] = include ? 'auto' : 'none';
  }
  const image = config['imageConfig'] as Json | undefined;
  if (image !== undefined && image !== null) {
    generation['image_config'] = {
      ...(image['aspectRatio'] !== undefined ? { aspect_ratio: image['aspectRatio'] } : {}),
      ...(image['imageSize'] !== undefined ? { image_size: image['imageSize'] } : {}),
    };
  }
  const choice = toToolChoice(request);
  if (choice !== undefined) generation['tool_choice'] = choice;
  return Object.keys(generation).length > 0 ? generation : undefined;
}

/** `toolConfig.functionCallingConfig` as `tool_choice`: a mode, or the functions allowed. */
function toToolChoice(request: GenerateContentRequest): unknown {
  const calling = request.toolConfig?.functionCallingConfig;
  if (calling === undefined || calling === null) return undefined;
  // Own keys only: 'toString' or 'constructor' would read Object.prototype's functions.
  const mode =
    calling.mode === undefined || !Object.hasOwn(TOOL_CHOICE, calling.mode)
      ? undefined
      : TOOL_CHOICE[calling.mode];
  if (calling.mode !== undefined && calling.mode !== 'MODE_UNSPECIFIED' && mode === undefined) {
    throw unsupported(`toolConfig.functionCallingConfig.mode ${JSON.stringify(calling.mode)}`);
  }
  const names = calling.allowedFunctionNames;
  if (Array.isArray(names) && names.length > 0) {
    return { allowed_tools: { ...(mode !== undefined ? { mode } : {}), tools: names } };
  }
  return mode;
}

function unsupported(
  field: string,
  fix = 'remove it, or use the generateContent API',
): InvalidArgumentError {
  const argument = field.split(' ')[0] as string;
  return new InvalidArgumentError({
    argument: `request.${argument}`,
    message: `The Interactions API has no setting for ${field} (its generation_config takes temperature, topP, maxOutputTokens, seed, stopSequences, thinkingConfig.thinkingLevel and includeThoughts, imageConfig and the function-calling mode); ${fix}.`,
  });
}
