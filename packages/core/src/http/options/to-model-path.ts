import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { describeValue } from '../../options/define-options.ts';

// `models/<id>` or `tunedModels/<id>`; ids are letters, digits, dots, dashes and underscores, at
// most 256 of them (as `models/check-model-name.ts` checks an agent's): a name of 100,000 went into
// the URL path, sent (and retried) for the server to refuse (leftovers76). Google's are under 64.
const MODEL_PATH = /^(?:models|tunedModels)\/([A-Za-z0-9._-]{1,256})$/;
const MODEL_ID = /^[A-Za-z0-9._-]{1,256}$/;
// An id of dots alone: `.` and `..` are resolved by URL parsing (`models/..` becomes the API
// root), and a longer run names no model either.
const DOTS_ONLY = /^\.+$/;

/**
 * The resource path of a model: `gemini-2.5-flash` and `models/gemini-2.5-flash` both give
 * `models/gemini-2.5-flash`; `tunedModels/my-model` stays as it is. Every method that puts a
 * model name into a URL path goes through here.
 * @throws {@link InvalidArgumentError} for an empty name or id, an id of dots alone (`.`, `..`),
 *   one with spaces, slashes, `%` or other characters that would change the URL, or one over 256
 *   characters.
 * @internal
 */
export function toModelPath(model: unknown, argument = 'model'): string {
  if (typeof model === 'string') {
    const id = MODEL_PATH.exec(model)?.[1];
    if (id !== undefined && !DOTS_ONLY.test(id)) return model;
    if (MODEL_ID.test(model) && !DOTS_ONLY.test(model)) return `models/${model}`;
  }
  throw new InvalidArgumentError({
    argument,
    message: `${argument} must be a model name such as 'gemini-2.5-flash', 'models/gemini-2.5-flash' or 'tunedModels/<id>' (at most 256 letters, digits, '.', '-' and '_', not dots alone); got ${describeValue(model)}. List the available models with gemini.listModels().`,
  });
}
