import { InvalidArgumentError } from '../../../errors/invalid-argument-error.ts';
import { checkGenerationConfig } from '../../../http/check-request-fields.ts';
import { dataOption, objectOption, spellingFree } from '../../../options/define-options.ts';
import type { GenerationConfig } from '../../../wire/request.ts';
import type { AgentOptions } from '../agent-options.ts';
import { type AgentOptionGroup, defineAgentOptions } from './define-agent-options.ts';

const generationConfigShape = objectOption(
  'generationConfig must be an object such as { temperature: 0.2 }.',
);

/** `generationConfig`: temperature, topP, maxOutputTokens, ... @internal */
export const generationConfigOption: AgentOptionGroup<'generationConfig'> = defineAgentOptions({
  checks: {
    // Its fields here; what it may not hold beside `thinking` and `output` in
    // readGenerationConfig.
    // Plain data, copied at any depth by createAgent (dataOption): a getter gave the check a
    // temperature of 0.5 and the request NaN.
    generationConfig: dataOption((value, path) => {
      generationConfigShape(value, path);
      checkGenerationConfig(value, path);
    }),
  },
});

/**
 * A copy of `generationConfig` for the agent's requests, refusing what the agent sets itself.
 * @throws {@link InvalidArgumentError} for `candidateCount` above 1, `thinkingConfig` with
 *   `thinking`, or a response schema or MIME type with `output`.
 * @internal
 */
export function readGenerationConfig(options: AgentOptions<unknown>): GenerationConfig {
  const config = options.generationConfig;
  if (config === undefined) return {};
  refuseAgentSetFields(config, options, 'generationConfig');
  return { ...config };
}

/**
 * Checks the `generationConfig` run option (`RunOptions`) as the agent option is checked: its
 * fields, and what the agent sets itself (`options`: the agent's).
 * @throws {@link InvalidArgumentError} naming `options.generationConfig` or its field.
 * @internal
 */
export function checkRunGenerationConfig(
  config: GenerationConfig,
  options: Pick<AgentOptions<unknown>, 'thinking' | 'output'>,
): void {
  const path = 'options.generationConfig';
  generationConfigOption.checks.generationConfig(config, path);
  refuseAgentSetFields(config, options, path);
}

/**
 * Refuses the fields of a `generationConfig` (the agent's, or a run's: `path`
 * `options.generationConfig`) that the agent sets itself: one candidate, `thinkingConfig` when
 * the agent has `thinking`, the response schema and MIME type when it has `output`. Each in every
 * spelling the API reads (proto3 JSON: the lowerCamelCase or json_name, and the proto field name):
 * `candidate_count: 8` was sent as given, beside the agent's own fields (attack-core7).
 * @throws {@link InvalidArgumentError} naming the field as spelled.
 * @internal
 */
export function refuseAgentSetFields(
  config: GenerationConfig,
  options: Pick<AgentOptions<unknown>, 'thinking' | 'output'>,
  path: string,
): void {
  const given = config as Record<string, unknown>;
  for (const key in given) {
    const name = spellingFree(key);
    const value = given[key];
    if (value === undefined) continue;
    // One candidate asked as 1 or "1" (a JSON number in a string, as the API takes it) passes.
    if (name === 'candidatecount' && +(value as number) !== 1) {
      throw invalid(
        `${path}.${key}`,
        'The agent continues one conversation, so it asks for one candidate; remove candidateCount (or set it to 1).',
      );
    }
    if (name === 'thinkingconfig' && options.thinking !== undefined) {
      throw invalid(
        `${path}.${key}`,
        'Set thinking or generationConfig.thinkingConfig, not both (thinking maps to the right field for the model).',
      );
    }
    // `response_json_schema`'s json_name is `_responseJsonSchema`; `responseJsonSchema` is the
    // json_name of `response_json_schema_ordered` (v1beta generative_service.proto).
    if (/^response(json)?schema|^responsemimetype$/.test(name) && options.output !== undefined) {
      throw invalid(
        `${path}.${key}`,
        `output sets generationConfig.${key}; remove it from generationConfig.`,
      );
    }
  }
}

function invalid(argument: string, message: string): InvalidArgumentError {
  return new InvalidArgumentError({ argument, message });
}
