import { findKnownModel } from '@gemloop/core/models';
import { type ContractViolation, semantic, unknownName } from './contract-violation.ts';

/**
 * The fields of `GenerationConfig`, by proto field name, as of November 2026: any other key is
 * refused by the API's proto parser (`Unknown name "temprature" at 'generation_config': Cannot
 * find field.`). Sources:
 * - Gemini API: `message GenerationConfig` of google/ai/generativelanguage/v1beta/
 *   generative_service.proto (googleapis/googleapis f8291d2, 2026-08-22), which the REST
 *   reference (https://ai.google.dev/api/generate-content#generationconfig) renders.
 * - @google/genai (googleapis/js-genai 6e9b35c, 2026-08-21): `GenerationConfig` in src/types.ts
 *   and what `generateContentConfigToMldev` writes to `generationConfig`, with the fields the
 *   proto above does not list yet (audio_transcription_config, translation_config,
 *   response_format).
 * - Vertex AI (the fake serves its routes too): `message GenerationConfig` of
 *   google/cloud/aiplatform/v1beta1/content.proto (routing_config, audio_timestamp,
 *   model_config, which js-genai calls modelSelectionConfig) and js-genai's
 *   enable_affective_dialog. They are known on both routes: no recording shows the Gemini API
 *   refusing them, and the fake refuses only what the API is known to refuse.
 */
const PROTO_NAMES = [
  'candidate_count',
  'stop_sequences',
  'max_output_tokens',
  'temperature',
  'top_p',
  'top_k',
  'seed',
  'response_mime_type',
  'response_schema',
  'response_json_schema',
  'response_json_schema_ordered',
  'presence_penalty',
  'frequency_penalty',
  'response_logprobs',
  'logprobs',
  'enable_enhanced_civic_answers',
  'response_modalities',
  'speech_config',
  'thinking_config',
  'image_config',
  'media_resolution',
  'audio_transcription_config',
  'translation_config',
  'response_format',
  'routing_config',
  'audio_timestamp',
  'model_config',
  'model_selection_config',
  'enable_affective_dialog',
];

const toCamel = (name: string) =>
  name.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());

/**
 * Proto3 JSON: "Parsers accept both the lowerCamelCase name (or the one specified by the json_name
 * option) and the original proto field name". The v1beta proto gives `response_json_schema` the
 * json_name `_responseJsonSchema` and `response_json_schema_ordered` the json_name
 * `responseJsonSchema` (the spelling every client sends).
 */
const GENERATION_CONFIG_FIELDS: ReadonlySet<string> = new Set([
  ...PROTO_NAMES,
  ...PROTO_NAMES.map(toCamel),
  '_responseJsonSchema',
]);

/** The unknown keys of a `generationConfig` and its numbers out of range. @internal */
export function checkConfigFields(
  config: Record<string, unknown>,
  model: string,
  violations: ContractViolation[],
): void {
  for (const key in config) {
    if (!GENERATION_CONFIG_FIELDS.has(key)) violations.push(unknownName(key, 'generation_config'));
  }
  checkRanges(config, model, violations);
}

type Range = {
  camel: string;
  snake: string;
  /** Refused below this. */
  min: number;
  /** Refused above this, when there is a limit. */
  max: number | undefined;
  /** The range as the message states it. */
  stated: string;
};

/**
 * The ranges the API enforces, in the wording it answers a `maxOutputTokens` beyond the model's
 * limit with ("Unable to submit request because it has a maxOutputTokens value of 70000 but the
 * supported range is from 1 (inclusive) to 65537 (exclusive). Update the value and try again.",
 * quoted in several clients' tests; the temperature refusal starts the same way: "Unable to
 * submit request because it has a temperature value of 99 ..."). The other texts are
 * approximated after it. Bounds:
 * - temperature [0, 2]: "Values can range from [0.0, 2.0]." (v1beta proto; 0 is in use everywhere,
 *   js-genai's "(0.0, 2.0]" notwithstanding).
 * - topP [0, 1]: a probability (the cumulative probability of the tokens considered).
 * - candidateCount: no upper bound. An older v1beta proto said "between [1, 8], inclusive", the
 *   current one states none, and the model decides how many it can give.
 * - maxOutputTokens at most the model's output token limit (the 65537 above is 65536 + 1).
 * A 0 count is left alone: `optional int32` or not, no recording shows whether the API reads 0
 * as unset or refuses it. A value that is no number is the proto parser's, not checked here.
 */
function checkRanges(
  config: Record<string, unknown>,
  model: string,
  violations: ContractViolation[],
): void {
  const outputLimit = findKnownModel(model)?.outputTokenLimit;
  const ranges: Range[] = [
    {
      camel: 'temperature',
      snake: 'temperature',
      min: 0,
      max: 2,
      stated: 'from 0 (inclusive) to 2 (inclusive)',
    },
    {
      camel: 'topP',
      snake: 'top_p',
      min: 0,
      max: 1,
      stated: 'from 0 (inclusive) to 1 (inclusive)',
    },
    {
      camel: 'candidateCount',
      snake: 'candidate_count',
      min: 0,
      max: undefined,
      stated: 'from 1 (inclusive)',
    },
    {
      camel: 'maxOutputTokens',
      snake: 'max_output_tokens',
      min: 0,
      max: outputLimit,
      stated:
        outputLimit === undefined
          ? 'from 1 (inclusive)'
          : `from 1 (inclusive) to ${outputLimit + 1} (exclusive)`,
    },
  ];
  for (const { camel, snake, min, max, stated } of ranges) {
    for (const key of camel === snake ? [camel] : [camel, snake]) {
      const value = config[key];
      if (typeof value !== 'number' || (value >= min && (max === undefined || value <= max))) {
        continue;
      }
      violations.push(
        semantic(
          `Unable to submit request because it has a ${camel} value of ${value} but the supported range is ${stated}. Update the value and try again.`,
        ),
      );
    }
  }
}
