import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import {
  booleanOption,
  checkOptionsCopy,
  type DeclaredOptions,
  defineOptions,
  describeValue,
  integerOption,
  nestedOption,
  type OptionCheck,
  oneOfOption,
  optionCheck,
  stringOption,
} from '../options/define-options.ts';
import type { ThinkingLevel } from '../wire/request.ts';
import type { KnownModelRow } from './known-model.ts';
import { findKnownModelRow } from './known-model-rows.ts';

/**
 * What a model can do, where Gemini models differ in ways that decide what a request may contain.
 * Read from the table of known models (`knownModels`, each row with its source), else guessed from
 * the name's shape; override any entry with {@link getModelCapabilities}'s `overrides` (or the
 * agent's `capabilities` option) for models the table does not know.
 */
export type ModelCapabilities = {
  /** The family, e.g. `3`, `2.5`, `2`, `1.5`; `undefined` for non-Gemini names. */
  generation: number | undefined;
  /**
   * The API rejects a function-calling history whose first call of each model turn (in the active
   * loop) lacks a thought signature. Gemini 3 and later.
   */
  requiresThoughtSignatures: boolean;
  /** How thinking is configured: `thinkingLevel` (3+), `thinkingBudget` (2.5), or not at all. */
  thinking: 'level' | 'budget' | 'none';
  /** Thinking cannot be turned off: `MINIMAL` (3 Pro) or budget 0 (2.5 Pro) is rejected. */
  thinkingAlwaysOn: boolean;
  /**
   * The lowest `thinkingLevel` the model takes (`thinking: 'level'` models; Gemini 3.x has no "off"):
   * `MINIMAL` on most Flash models, `LOW` on the Pro models and Gemini 3.7 Flash, whose documented
   * levels start at low (pydantic-ai `profiles/google.py` `_MODELS_WITHOUT_MINIMAL_THINKING_LEVEL`:
   * gemini-3.7-flash, gemini-3-pro-preview, gemini-3.1-pro-preview). The agent raises a lower
   * setting (`thinking: 'off'`) to it with a warning instead of sending what the API rejects.
   */
  lowestThinkingLevel: ThinkingLevel | undefined;
  /**
   * The highest `thinkingLevel` the model takes (`thinking: 'level'` models): `XHIGH` on Gemini 4
   * Hydrogen alone, `HIGH` elsewhere (`@ai-sdk/google` 4.0.121 maps `xhigh` "only for Hydrogen
   * models", CHANGELOG 4e43721). The agent's `thinking: 'xhigh'` is sent as this level.
   */
  highestThinkingLevel: ThinkingLevel | undefined;
  /**
   * `part.mediaResolution` (per image, video or PDF part, including `MEDIA_RESOLUTION_ULTRA_HIGH`)
   * is taken. Gemini 3 and later ("Per-part media resolution (Gemini 3 only)", Gemini API media
   * resolution docs).
   */
  perPartMediaResolution: boolean;
  /**
   * Built-in tools (Google Search, URL context, ...) may sit beside function declarations, with
   * `toolConfig.includeServerSideToolInvocations`. Gemini 3 and later; 2.x answers 400 "Tool use
   * with function calling is unsupported".
   */
  combinesBuiltinAndFunctionTools: boolean;
  /** A response schema (JSON output) may be combined with tools. Gemini 3 and later. */
  structuredOutputWithTools: boolean;
  /** `functionResponse.parts` (images, PDFs returned by a tool) are accepted. Gemini 3 and later. */
  multimodalFunctionResponses: boolean;
  /** Google Search grounding is available (2.0 and later). */
  googleSearch: boolean;
  /**
   * The File Search tool is available: Gemini 2.5 and later (`@ai-sdk/google` 4.0.121
   * `google-model-catalog.ts` `supportsFileSearch`).
   */
  fileSearch: boolean;
  /**
   * The computer use tool is taken (`computerUse()`): Gemini 3 and later, text models (Gemini API
   * changelog 2026-01-29; ai.google.dev/gemini-api/docs/computer-use), and the 2.5 computer-use
   * preview. The agent refuses `computerUse()` on a model without it (the API answers 400).
   */
  computerUse: boolean;
  /** The `VALIDATED` function-calling mode is available (2.5 and later). */
  validatedFunctionCalling: boolean;
  /**
   * The most input tokens one request may hold, from the table of known models; `undefined` for
   * a name the table does not know (or a row whose source gives none).
   */
  inputTokenLimit: number | undefined;
  /**
   * The most output tokens one request may generate (thinking included), from the table of known
   * models; `undefined` for a name the table does not know (or a row whose source gives none).
   */
  outputTokenLimit: number | undefined;
};

const unknownModel: ModelCapabilities = {
  generation: undefined,
  requiresThoughtSignatures: false,
  thinking: 'none',
  thinkingAlwaysOn: false,
  lowestThinkingLevel: undefined,
  highestThinkingLevel: undefined,
  perPartMediaResolution: false,
  combinesBuiltinAndFunctionTools: false,
  structuredOutputWithTools: false,
  multimodalFunctionResponses: false,
  googleSearch: false,
  fileSearch: false,
  computerUse: false,
  validatedFunctionCalling: false,
  inputTokenLimit: undefined,
  outputTokenLimit: undefined,
};

const flag = booleanOption();
const tokenLimit = integerOption({ min: 1 });
const thinkingLevel = stringOption({ nonEmpty: true });

/**
 * The overrides of a model's capabilities (the agent's `capabilities` option, the second argument
 * of `getModelCapabilities`), checked strictly: before, `{ generaton: 3 }` was ignored without a
 * word (the model kept its guessed generation), and `{ generation: 'x' }` or
 * `{ inputTokenLimit: NaN }` was used as given. A key's misspelling gets the did-you-mean hint;
 * `ThinkingLevel` is an open string (a level added to the API passes). @internal
 */
export const capabilitiesDeclaration: DeclaredOptions<Partial<ModelCapabilities>> = defineOptions<
  Partial<ModelCapabilities>
>({
  name: 'capabilities',
  path: 'capabilities',
  example: '{ generation: 3, requiresThoughtSignatures: true }',
  checks: {
    generation: optionCheck(
      (value) => typeof value === 'number' && Number.isFinite(value) && value > 0,
      (path, value) => `${path} must be a positive number such as 3; got ${describeValue(value)}.`,
    ),
    requiresThoughtSignatures: flag,
    thinking: oneOfOption(['level', 'budget', 'none']),
    thinkingAlwaysOn: flag,
    lowestThinkingLevel: thinkingLevel,
    highestThinkingLevel: thinkingLevel,
    perPartMediaResolution: flag,
    combinesBuiltinAndFunctionTools: flag,
    structuredOutputWithTools: flag,
    multimodalFunctionResponses: flag,
    googleSearch: flag,
    fileSearch: flag,
    computerUse: flag,
    validatedFunctionCalling: flag,
    inputTokenLimit: tokenLimit,
    outputTokenLimit: tokenLimit,
  },
});

/**
 * The check of the agent's `capabilities` option: {@link capabilitiesDeclaration}, its copy read
 * once by `createAgent`. @internal
 */
export const capabilitiesOptionCheck: OptionCheck = nestedOption(
  capabilitiesDeclaration as DeclaredOptions<unknown>,
);

// `gemini-3-pro-preview`, `models/gemini-2.5-flash-lite`, `gemini-3.1-pro-preview`, `gemini-flash-latest`.
const geminiName = /^(?:models\/)?gemini-(?:(\d+(?:\.\d+)?)-)?(.*)$/;

/**
 * The capabilities of `model`: its row in the table of known models when there is one. Otherwise
 * they are guessed from the name's shape: Gemini 3 and later names get the Gemini 3 behaviour, so
 * a future `gemini-4-*` works before a table update; `*-latest` aliases are taken as the newest
 * generation. Non-Gemini names (gateway aliases) get the most conservative entry.
 *
 * @example
 * getModelCapabilities('gemini-2.5-pro').thinking // 'budget'
 * getModelCapabilities('my-proxy-model', { generation: 3, requiresThoughtSignatures: true })
 */
export function getModelCapabilities(
  model: string,
  overrides?: Partial<ModelCapabilities> | undefined,
): ModelCapabilities {
  if (typeof model !== 'string') {
    throw new InvalidArgumentError({
      argument: 'model',
      message: `getModelCapabilities takes a model name such as 'gemini-3-flash-preview'; got ${model === null ? 'null' : typeof model}.`,
    });
  }
  const base = capabilitiesByName(model.trim().toLowerCase());
  if (overrides === undefined) return base;
  // Checked (a misspelt key was ignored, a wrong value used) and read once, from the copy.
  const checked = checkOptionsCopy(capabilitiesDeclaration, overrides);
  // A field given as `undefined` is left out, as every option set to `undefined` is: spread, it
  // erased what the table knows (`{ generation: undefined }` made Gemini 3 an unknown model).
  for (const key of Object.keys(checked) as (keyof ModelCapabilities)[]) {
    if (checked[key] !== undefined) (base as Record<string, unknown>)[key] = checked[key];
  }
  return base;
}

// Generation 3 models the table does not know whose lowest thinking level is LOW besides the Pro
// models (see `lowestThinkingLevel`): Flash from 3.7 on (docs.rs ferrin-google
// minimum_thinking_level_gemini3), `-lite` aside.
function startsAtLow(generation: number, rest: string): boolean {
  return /(^|-)pro($|-)/.test(rest) || (generation >= 3.7 && !rest.includes('lite'));
}

function capabilitiesByName(name: string): ModelCapabilities {
  const known = findKnownModelRow(name);
  if (known !== undefined) return fromTable(known);
  const match = geminiName.exec(name);
  // A copy each time: a caller that changes its answer must not change every later unknown model's.
  if (match === null) return { ...unknownModel };
  const rest = match[2] ?? '';
  // `gemini-flash-latest` and friends point at the newest generation.
  const generation =
    match[1] === undefined ? (rest.includes('latest') ? 3 : undefined) : Number(match[1]);
  if (generation === undefined) return { ...unknownModel };
  const isPro = /(^|-)pro($|-)/.test(rest);
  const isImage = rest.includes('image');
  const levelled = generation >= 3 && !isImage;
  return byGeneration({
    generation,
    isImage,
    thinking: levelled ? 'level' : generation >= 2.5 && !isImage ? 'budget' : 'none',
    thinkingAlwaysOn: generation >= 2.5 && isPro,
    lowestThinkingLevel: levelled ? (startsAtLow(generation, rest) ? 'LOW' : 'MINIMAL') : undefined,
    // `gemini-4-hydrogen-eap` and other Hydrogen ids (@ai-sdk/google's /gemini-4-hydrogen(-|$)/).
    highestThinkingLevel: levelled ? (/^hydrogen($|-)/.test(rest) ? 'XHIGH' : 'HIGH') : undefined,
    computerUse: (generation >= 3 && !isImage) || rest.includes('computer-use'),
    inputTokenLimit: undefined,
    outputTokenLimit: undefined,
  });
}

/**
 * A table row as capabilities. Gemma (no generation) keeps the conservative entry: function
 * calling, no thought signatures, no thinking settings gemloop knows to send, no built-in tools
 * beside functions.
 */
function fromTable(row: KnownModelRow): ModelCapabilities {
  if (row.generation === undefined) {
    return {
      ...unknownModel,
      inputTokenLimit: row.inputTokenLimit,
      outputTokenLimit: row.outputTokenLimit,
    };
  }
  return byGeneration({
    generation: row.generation,
    isImage: row.image,
    thinking: row.thinking,
    thinkingAlwaysOn: row.thinkingAlwaysOn,
    lowestThinkingLevel: row.thinkingLevels?.[0],
    highestThinkingLevel: row.thinkingLevels?.[row.thinkingLevels.length - 1],
    computerUse: row.computerUse,
    inputTokenLimit: row.inputTokenLimit,
    outputTokenLimit: row.outputTokenLimit,
  });
}

/** What follows from the generation alone, with what the table or the name decided. */
function byGeneration(model: {
  generation: number;
  isImage: boolean;
  thinking: ModelCapabilities['thinking'];
  thinkingAlwaysOn: boolean;
  lowestThinkingLevel: ThinkingLevel | undefined;
  highestThinkingLevel: ThinkingLevel | undefined;
  computerUse: boolean;
  inputTokenLimit: number | undefined;
  outputTokenLimit: number | undefined;
}): ModelCapabilities {
  const { generation, isImage, thinking, thinkingAlwaysOn, lowestThinkingLevel } = model;
  const gemini3 = generation >= 3;
  return {
    generation,
    // Gemini 3 Pro Image does not enforce signatures (Vertex thought-signature docs).
    requiresThoughtSignatures: gemini3 && !isImage,
    thinking,
    thinkingAlwaysOn,
    lowestThinkingLevel,
    highestThinkingLevel: model.highestThinkingLevel,
    perPartMediaResolution: gemini3,
    combinesBuiltinAndFunctionTools: gemini3,
    structuredOutputWithTools: gemini3,
    multimodalFunctionResponses: gemini3,
    googleSearch: generation >= 2,
    fileSearch: generation >= 2.5,
    computerUse: model.computerUse,
    validatedFunctionCalling: generation >= 2.5 && !isImage,
    inputTokenLimit: model.inputTokenLimit,
    outputTokenLimit: model.outputTokenLimit,
  };
}
