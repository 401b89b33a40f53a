import { findEmbeddingModel } from '@gemloop/core/embeddings';
import { findKnownModel, getModelCapabilities, knownModels } from '@gemloop/core/models';
import type { Model } from '@gemloop/core/wire';
import type { FakeModels } from '../script/fake-types.ts';

/**
 * The models `GET models` lists by default: gemloop's table of known models, the same list the
 * fake accepts by default. @internal
 */
export const DEFAULT_LISTED_MODELS: readonly string[] = knownModels.map((model) => model.name);

// `gemini-3-flash-preview`, `gemini-2.5-flash-lite`, `gemini-3.1-pro-preview-customtools`,
// `gemini-flash-latest`, `gemini-2.5-flash-preview-09-2025`; a typo such as `gemini-3.6-flahs`
// (fixture errors/404-NOT_FOUND-unknown-model) does not match.
const geminiFamily = /^gemini-(?:\d+(?:\.\d+)?-)?(?:flash-lite|flash|pro)(?:-[a-z0-9.]+)*$/;

/**
 * Whether a model exists for the fake: by default only the models of gemloop's table, so a test
 * passes only with a name production accepts too; `'pattern'` also takes any name shaped like a
 * Gemini or Gemma one. @internal
 */
export function isKnownModel(model: string, models: FakeModels | undefined): boolean {
  if (typeof models === 'function') return models(model);
  if (Array.isArray(models)) return models.includes(model);
  if (findKnownModel(model) !== undefined) return true;
  return models === 'pattern' && (geminiFamily.test(model) || model.startsWith('gemma-'));
}

/** A `Model` resource for `models.get` / `models.list`. @internal */
export function describeModel(model: string): Model {
  const embedding = findEmbeddingModel(model);
  if (embedding !== undefined) {
    // An embedding model generates nothing: its methods are the embedding ones, one output token.
    return {
      name: `models/${model}`,
      version: '001',
      displayName: model,
      description: `${model} (served by the gemloop fake Gemini server)`,
      inputTokenLimit: embedding.inputTokenLimit,
      outputTokenLimit: 1,
      supportedGenerationMethods: ['embedContent', 'batchEmbedContents', 'asyncBatchEmbedContent'],
    };
  }
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
    inputTokenLimit: capabilities.inputTokenLimit ?? 1048576,
    outputTokenLimit: capabilities.outputTokenLimit ?? 65536,
    supportedGenerationMethods: methods,
    thinking: capabilities.thinking !== 'none',
    temperature: 1,
    maxTemperature: 2,
    topP: 0.95,
    topK: 64,
  };
}
