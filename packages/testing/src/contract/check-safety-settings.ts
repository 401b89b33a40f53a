import { isJsonObject, readField } from '@gemloop/core/internal';
import {
  type ContractViolation,
  fieldViolation,
  invalidValue,
  unknownName,
} from './contract-violation.ts';

// The enums of a SafetySetting. Gemini API: `HarmCategory` of google/ai/generativelanguage/v1beta/
// safety.proto and `SafetySetting.HarmBlockThreshold` (googleapis/googleapis f8291d2), plus
// HARM_CATEGORY_JAILBREAK, which @google/genai's `HarmCategory` lists (js-genai 6e9b35c). Vertex
// AI adds the image categories (js-genai `HarmCategory`) and `method` (`HarmBlockMethod`).
const GEMINI_CATEGORIES = [
  'HARM_CATEGORY_UNSPECIFIED',
  'HARM_CATEGORY_DEROGATORY',
  'HARM_CATEGORY_TOXICITY',
  'HARM_CATEGORY_VIOLENCE',
  'HARM_CATEGORY_SEXUAL',
  'HARM_CATEGORY_MEDICAL',
  'HARM_CATEGORY_DANGEROUS',
  'HARM_CATEGORY_HARASSMENT',
  'HARM_CATEGORY_HATE_SPEECH',
  'HARM_CATEGORY_SEXUALLY_EXPLICIT',
  'HARM_CATEGORY_DANGEROUS_CONTENT',
  'HARM_CATEGORY_CIVIC_INTEGRITY',
  'HARM_CATEGORY_JAILBREAK',
];
const VERTEX_CATEGORIES = new Set([
  ...GEMINI_CATEGORIES,
  'HARM_CATEGORY_IMAGE_HATE',
  'HARM_CATEGORY_IMAGE_DANGEROUS_CONTENT',
  'HARM_CATEGORY_IMAGE_HARASSMENT',
  'HARM_CATEGORY_IMAGE_SEXUALLY_EXPLICIT',
]);
const GEMINI_CATEGORY_SET = new Set(GEMINI_CATEGORIES);
const THRESHOLDS = new Set([
  'HARM_BLOCK_THRESHOLD_UNSPECIFIED',
  'BLOCK_LOW_AND_ABOVE',
  'BLOCK_MEDIUM_AND_ABOVE',
  'BLOCK_ONLY_HIGH',
  'BLOCK_NONE',
  'OFF',
]);
const METHODS = new Set(['HARM_BLOCK_METHOD_UNSPECIFIED', 'SEVERITY', 'PROBABILITY']);
/**
 * The categories a Gemini model takes: the legacy (PaLM) ones parse but fail the API's predicate
 * (js-genai#810, SillyTavern PR #2728: "* GenerateContentRequest.safety_settings[4]: element
 * predicate failed: $.category in (HarmCategory.HARM_CATEGORY_HATE_SPEECH, ...)"). JAILBREAK is
 * not in that recorded list but is let through: js-genai lists it and no recording refuses it.
 */
const SUPPORTED_CATEGORIES = [
  'HARM_CATEGORY_HATE_SPEECH',
  'HARM_CATEGORY_SEXUALLY_EXPLICIT',
  'HARM_CATEGORY_DANGEROUS_CONTENT',
  'HARM_CATEGORY_HARASSMENT',
  'HARM_CATEGORY_CIVIC_INTEGRITY',
];
const TAKEN_CATEGORIES = new Set([...SUPPORTED_CATEGORIES, 'HARM_CATEGORY_JAILBREAK']);
const SETTING_FIELDS = new Set(['category', 'threshold', 'method']);

/**
 * The `safetySettings` of a request as the API parses them: an unknown key is refused, and so is
 * an enum value that is not one of the enum's names (`Invalid value at
 * 'safety_settings[4].category' (type.googleapis.com/google.ai.generativelanguage.v1beta.HarmCategory),
 * "HARM_CATEGORY_IMAGE_HATE"`, NEKOparapa/AiNiee#746, with a BadRequest detail each). Names are
 * compared without case (recorded requests send the proto enum `Type` in lower case too) and an
 * integer is taken, as proto3 JSON takes an enum's number. Not-a-list shapes are left to the
 * client's own checks.
 * @internal
 */
export function checkSafetySettings(
  body: Record<string, unknown>,
  violations: ContractViolation[],
  vertex: boolean,
): void {
  const settings = readField(body, 'safetySettings', 'safety_settings');
  if (!Array.isArray(settings)) return;
  const proto = vertex ? 'google.cloud.aiplatform.v1' : 'google.ai.generativelanguage.v1beta';
  settings.forEach((setting: unknown, index) => {
    if (!isJsonObject(setting)) return;
    const at = `safety_settings[${index}]`;
    for (const key in setting) {
      if (!SETTING_FIELDS.has(key)) violations.push(unknownName(key, at));
    }
    const category = setting['category'];
    const categories = vertex ? VERTEX_CATEGORIES : GEMINI_CATEGORY_SET;
    if (!isEnumValue(category, categories)) {
      violations.push(
        invalidValue(`${at}.category`, `type.googleapis.com/${proto}.HarmCategory`, category),
      );
    } else if (
      !vertex &&
      typeof category === 'string' &&
      !TAKEN_CATEGORIES.has(category.toUpperCase())
    ) {
      violations.push(
        fieldViolation(
          at,
          `element predicate failed: $.category in (${SUPPORTED_CATEGORIES.map((name) => `HarmCategory.${name}`).join(', ')})`,
        ),
      );
    }
    const threshold = setting['threshold'];
    if (!isEnumValue(threshold, THRESHOLDS)) {
      violations.push(
        invalidValue(
          `${at}.threshold`,
          `type.googleapis.com/${proto}.SafetySetting.HarmBlockThreshold`,
          threshold,
        ),
      );
    }
    const method = setting['method'];
    if (!isEnumValue(method, METHODS)) {
      violations.push(
        invalidValue(
          `${at}.method`,
          `type.googleapis.com/${proto}.SafetySetting.HarmBlockMethod`,
          method,
        ),
      );
    }
  });
}

/** An enum field as proto3 JSON reads it: absent or null (unset), a name, or an integer. */
function isEnumValue(value: unknown, names: ReadonlySet<string>): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === 'number') return Number.isInteger(value);
  return typeof value === 'string' && names.has(value.toUpperCase());
}
