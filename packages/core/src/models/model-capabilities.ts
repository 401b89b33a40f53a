import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';

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

function capabilitiesByName(name: string): ModelCapabilities {
  const match = geminiName.exec(name);
  if (match === null) return unknownModel;
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
    combinesBuiltinAndFunctionTools: false,
    structuredOutputWithTools: false,
    multimodalFunctionResponses: false,
    googleSearch: generation >= 2,
    validatedFunctionCalling: generation >= 2.5 && !isImage,
  };
}
