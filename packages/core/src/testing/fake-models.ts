import { getModelCapabilities } from '../models/model-capabilities.ts';
import type { Model } from '../wire/models.ts';

/** The models `GET models` lists by default. @internal */
export const DEFAULT_LISTED_MODELS: readonly string[] = [
  'gemini-3.1-pro-preview',
  'gemini-3-pro-preview',
  'gemini-3-flash-preview',
  'gemini-2.5-pro',
  'gemini-2.5-flash',
  'gemini-2.5-flash-lite',
  'gemini-2.0-flash',
  'gemini-flash-latest',
  'gemini-pro-latest',
];

// `gemini-3-flash-preview`, `gemini-2.5-flash-lite`, `gemini-3.1-pro-preview-customtools`,
// `gemini-flash-latest`, `gemini-2.5-flash-preview-09-2025`; a typo such as `gemini-3.6-flahs`
// (fixture errors/404-NOT_FOUND-unknown-model) does not match.
const geminiFamily = /^gemini-(?:\d+(?:\.\d+)?-)?(?:flash-lite|flash|pro)(?:-[a-z0-9.]+)*$/;

/** Whether a model exists for the fake. @internal */
export function isKnownModel(
  model: string,
  models: readonly string[] | ((model: string) => boolean) | undefined,
): boolean {
  if (typeof models === 'function') return models(model);
  if (models !== undefined) return models.includes(model);
  return geminiFamily.test(model) || model.startsWith('gemma-');
}

/** A `Model` resource for `models.get` / `models.list`. @internal */
export function describeModel(model: string): Model {
  const capabilities = getModelCapabilities(model);
  const methods = ['generateContent', 'countTokens', 'createCachedContent', 'batchGenerateContent'];
  return {
    name: `models/${model}`,
    version: model.includes('preview') ? '3.0-preview' : '001',
    displayName: model
      .split('-')
      .map((word) => (word === '' ? word : word[0]?.toUpperCase() + word.slice(1)))
      .join(' '),
    description: `${model} (served by the gemloop fake Gemini server)`,
    inputTokenLimit: 1048576,
    outputTokenLimit: 65536,
    supportedGenerationMethods: methods,
    thinking: capabilities.thinking !== 'none',
    temperature: 1,
    maxTemperature: 2,
    topP: 0.95,
    topK: 64,
  };
}
