import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import type { ThinkingLevel } from '../wire/request.ts';

/**
 * What a model can do, where Gemini models differ in ways that decide what a request may contain.
 * One table, keyed by model name; override any entry with {@link getModelCapabilities}'s
 * `overrides` (or the agent's `capabilities` option) for models the table does not know.
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
  /** The `VALIDATED` function-calling mode is available (2.5 and later). */
  validatedFunctionCalling: boolean;
};

const unknownModel: ModelCapabilities = {
  generation: undefined,
  requiresThoughtSignatures: false,
  thinking: 'none',
  thinkingAlwaysOn: false,
  lowestThinkingLevel: undefined,
  perPartMediaResolution: false,
  combinesBuiltinAndFunctionTools: false,
  structuredOutputWithTools: false,
  multimodalFunctionResponses: false,
  googleSearch: false,
  validatedFunctionCalling: false,
};

// `gemini-3-pro-preview`, `models/gemini-2.5-flash-lite`, `gemini-3.1-pro-preview`, `gemini-flash-latest`.
const geminiName = /^(?:models\/)?gemini-(?:(\d+(?:\.\d+)?)-)?(.*)$/;

/**
 * The capabilities of `model` by its name. Gemini 3 and later names get the Gemini 3 behaviour, so
 * a future `gemini-4-*` works without a table update; `*-latest` aliases are taken as the newest
 * generation. Non-Gemini names (Gemma, gateway aliases) get the most conservative entry.
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
  return overrides === undefined ? base : { ...base, ...overrides };
}

/**
 * Gemma 4 on the Gemini API (`gemma-4-31b-it`, `gemma-4-26b-a4b-it`, js-genai 2.18.0 model list):
 * function calling, no thought signatures, no thinking settings gemloop knows to send, no built-in
 * tools beside functions. Conservative, like any non-Gemini name; override what a deployment allows.
 */
const gemma4: ModelCapabilities = { ...unknownModel };

// Generation 3 models whose lowest thinking level is LOW besides the Pro models (see
// `lowestThinkingLevel`).
const startsAtLow: readonly string[] = ['3.7-flash'];

function capabilitiesByName(name: string): ModelCapabilities {
  const match = geminiName.exec(name);
  if (match === null) return /^(?:models\/)?gemma-4(?:-|$)/.test(name) ? gemma4 : unknownModel;
  const rest = match[2] ?? '';
  // `gemini-flash-latest` and friends point at the newest generation.
  const generation =
    match[1] === undefined ? (rest.includes('latest') ? 3 : undefined) : Number(match[1]);
  if (generation === undefined) return unknownModel;
  const isPro = /(^|-)pro($|-)/.test(rest);
  const isImage = rest.includes('image');
  if (generation >= 3) {
    return {
      generation,
      // Gemini 3 Pro Image does not enforce signatures (Vertex thought-signature docs).
      requiresThoughtSignatures: !isImage,
      thinking: isImage ? 'none' : 'level',
      thinkingAlwaysOn: isPro,
      lowestThinkingLevel: isImage
        ? undefined
        : isPro || startsAtLow.some((prefix) => `${match[1]}-${rest}`.startsWith(prefix))
          ? 'LOW'
          : 'MINIMAL',
      perPartMediaResolution: true,
      combinesBuiltinAndFunctionTools: true,
      structuredOutputWithTools: true,
      multimodalFunctionResponses: true,
      googleSearch: true,
      validatedFunctionCalling: !isImage,
    };
  }
  return {
    generation,
    requiresThoughtSignatures: false,
    thinking: generation >= 2.5 && !isImage ? 'budget' : 'none',
    thinkingAlwaysOn: generation >= 2.5 && isPro,
    lowestThinkingLevel: undefined,
    perPartMediaResolution: false,
    combinesBuiltinAndFunctionTools: false,
    structuredOutputWithTools: false,
    multimodalFunctionResponses: false,
    googleSearch: generation >= 2,
    validatedFunctionCalling: generation >= 2.5 && !isImage,
  };
}
