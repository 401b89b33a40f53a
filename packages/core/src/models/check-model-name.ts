import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { editDistance } from '../shared/edit-distance.ts';
import { quoteText } from '../shared/text/quote-text.ts';
import { findKnownModelRow, knownModelRows } from './known-model-rows.ts';

// What can name a model at all: an id for `models/{id}` (Google, Vertex's publisher path, and
// gateways such as CometAPI, which take the same `models/{model}:generateContent` path), with an
// optional `models/` or `tunedModels/` prefix. An id is what the client can put into the URL
// path (`http/options/to-model-path.ts`: letters, digits, '.', '-', '_', not dots alone).
const PREFIX = /^(?:models|tunedModels)\//;
// At most 256 characters, as `http/options/to-model-path.ts` puts one into a URL path.
const ID = /^[A-Za-z0-9._-]{1,256}$/;
const DOTS_ONLY = /^\.+$/;
const UPPERCASE = /[A-Z]/;

/**
 * Checks that `model` can be a model id, so a typo such as `'Gemini 3 Flash'` fails when the
 * agent is made, not at its first run. Refused: spaces, slashes and other characters a model id
 * never has, and uppercase: Google's ids are lowercase (model codes on
 * ai.google.dev/gemini-api/docs/models; tuned model ids match `[a-z]([a-z0-9-]{0,38}[a-z0-9])?`,
 * ai.google.dev/api/tuning `tunedModels.create`). A well-formed id the table does not know (a
 * new model, a gateway's alias) is allowed; its capabilities come from its shape.
 *
 * `allowUppercase` lets a gateway alias with capital letters through (the agent passes it when
 * the `capabilities` option says what the model can do).
 *
 * @throws {@link InvalidArgumentError} naming the nearest known model.
 * @internal
 */
export function checkModelName(
  model: string,
  { argument = 'model', allowUppercase = false }: CheckModelNameOptions = {},
): void {
  const id = model.replace(PREFIX, '');
  const shaped = ID.test(id) && !DOTS_ONLY.test(id);
  if (shaped && (allowUppercase || !UPPERCASE.test(id))) return;
  const nearest = nearestKnownModel(model);
  const why = shaped
    ? 'model ids are lowercase'
    : "a model id has at most 256 letters, digits, '.', '-' and '_' (no spaces, no slashes but a models/ or tunedModels/ prefix)";
  throw new InvalidArgumentError({
    argument,
    // Quoted cut and escaped: a name of 100,000 characters went whole into the message (every log
    // line and span of the error), a CR LF or bidi override in it as it was (leftovers76).
    message: `${argument} ${quoteText(model, 100)} is not a model id: ${why}. Did you mean '${nearest}'? List the available models with gemini.listModels(); for a gateway alias with capital letters, also give the capabilities option.`,
  });
}

/** Options of {@link checkModelName}. @internal */
export type CheckModelNameOptions = {
  /** The option named in the error. @defaultValue `'model'` */
  argument?: string | undefined;
  /** Accept capital letters in the id. @defaultValue false */
  allowUppercase?: boolean | undefined;
};

/**
 * The known model whose name is closest to `model` (edit distance after lowercasing and turning
 * spaces and underscores into dashes), for "did you mean" hints.
 * @internal
 */
export function nearestKnownModel(model: string): string {
  const wanted = model
    .trim()
    .toLowerCase()
    .replace(/^(?:models|tunedmodels)\//, '')
    .replace(/[\s_]+/g, '-')
    // Bounded: a hint for a hostile megabyte-long name is not worth a quadratic distance.
    .slice(0, 64);
  // `gemini-3-flash` means `gemini-3-flash-preview` rather than `gemini-3.5-flash`, two edits away.
  if (findKnownModelRow(wanted) !== undefined) return wanted;
  let extended: string | undefined;
  for (const { name } of knownModelRows) {
    if (
      name.startsWith(`${wanted}-`) &&
      (extended === undefined || name.length < extended.length)
    ) {
      extended = name;
    }
  }
  if (extended !== undefined) return extended;
  let best = knownModelRows[0]?.name ?? 'gemini-2.5-flash';
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const { name } of knownModelRows) {
    const distance = editDistance(wanted, name);
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  return best;
}
