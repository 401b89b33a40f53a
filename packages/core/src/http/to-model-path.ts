import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';

// `models/<id>` or `tunedModels/<id>`; ids are letters, digits, dots, dashes and underscores.
const MODEL_PATH = /^(?:models|tunedModels)\/[A-Za-z0-9._-]+$/;
const MODEL_ID = /^[A-Za-z0-9._-]+$/;

/**
 * The resource path of a model: `gemini-2.5-flash` and `models/gemini-2.5-flash` both give
 * `models/gemini-2.5-flash`; `tunedModels/my-model` stays as it is.
 * @throws {@link InvalidArgumentError} for an empty name, or one with spaces, slashes or other
 *   characters that would change the URL.
 * @internal
 */
export function toModelPath(model: unknown, argument = 'model'): string {
  if (typeof model === 'string') {
    if (MODEL_PATH.test(model)) return model;
    if (MODEL_ID.test(model)) return `models/${model}`;
  }
  throw new InvalidArgumentError({
    argument,
    message: `${argument} must be a model name such as 'gemini-2.5-flash', 'models/gemini-2.5-flash' or 'tunedModels/<id>'; got ${JSON.stringify(model) ?? String(model)}. List the available models with gemini.listModels().`,
  });
}
