import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';

/**
 * Gemini's rule for function names: start with a letter or `_`, then letters, digits, `_`, `.`,
 * `:` or `-`, at most 128 characters (js-genai `src/types.ts`, `FunctionDeclaration.name`).
 *
 * The sources disagree on the length, so the more permissive one is kept (tools45, 2026-11-29):
 * 128 in js-genai's types, in Google Cloud's API reference ("with a maximum length of 128",
 * docs.cloud.google.com/vertex-ai/docs/reference/mcp/tools_list/count_tokens) and in the
 * generated `aiplatform_v1` clients (pub.dev googleapis 17.0.0); 64 in the API's own 400s up to
 * 2025-12 ("…dashes (-), with a maximum length of 64": google-gemini/gemini-cli#7869, #9535,
 * kaitranntt/ccs#25), in older generated clients (pub.dev google_cloud_ai_generativelanguage_v1beta)
 * and in voipbin/monorepo PR #644 (2026-03-03, names cut to 64 after a Gemini 400). A name of
 * 65-128 characters is sent; if an endpoint still holds to 64, its 400 names the limit.
 */
export const TOOL_NAME_PATTERN: RegExp = /^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$/;

const MAX_LENGTH = 128;

/** Whether `name` is a function name Gemini accepts. */
export function isValidToolName(name: unknown): name is string {
  return typeof name === 'string' && TOOL_NAME_PATTERN.test(name);
}

/**
 * A name close to `name` that follows Gemini's rule: accents stripped (`ümlaut` → `umlaut`),
 * other characters replaced by `_`, a leading digit or dash prefixed with `_`, cut to 128.
 */
export function suggestToolName(name: string): string {
  if (typeof name !== 'string') return 'tool';
  let suggestion = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .trim()
    .replace(/[^A-Za-z0-9_.:-]+/g, '_');
  if (suggestion === '') suggestion = 'tool';
  if (!/^[A-Za-z_]/.test(suggestion)) suggestion = `_${suggestion}`;
  return suggestion.slice(0, MAX_LENGTH);
}

/**
 * Throws an {@link InvalidArgumentError} unless `name` follows Gemini's function-name rule. The
 * message quotes the rule, says what is wrong, and suggests a valid name.
 *
 * @throws {@link InvalidArgumentError} when the name is not a string or breaks the rule.
 */
export function assertValidToolName(name: unknown, argument = 'name'): asserts name is string {
  if (isValidToolName(name)) return;
  const rule = `Gemini requires ${TOOL_NAME_PATTERN.source}: a letter or "_" first, then letters, digits, "_", ".", ":" or "-", at most ${MAX_LENGTH} characters`;
  if (typeof name !== 'string') {
    throw new InvalidArgumentError({
      argument,
      message: `Tool name must be a string, got ${name === null ? 'null' : typeof name}. ${rule}.`,
    });
  }
  throw new InvalidArgumentError({
    argument,
    message: `Invalid tool name ${JSON.stringify(name)}: ${describeProblem(name)}. ${rule}. Try ${JSON.stringify(suggestToolName(name))}.`,
  });
}

function describeProblem(name: string): string {
  if (name.length === 0) return 'it is empty';
  if (name.length > MAX_LENGTH) return `it has ${name.length} characters`;
  if (!/^[A-Za-z_]/.test(name)) return `it starts with ${JSON.stringify(name[0])}`;
  const bad = [...name].find((character) => !/[A-Za-z0-9_.:-]/.test(character));
  return `it contains ${JSON.stringify(bad)}`;
}
