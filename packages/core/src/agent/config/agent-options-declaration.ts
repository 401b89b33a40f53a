import { continuationOptionCheck } from '../../continuation/continuation-options.ts';
import { headersOption } from '../../http/check-headers.ts';
import { checkGenerationConfig } from '../../http/check-request-fields.ts';
import { timeoutOption } from '../../http/check-timeout.ts';
import type { CallOptions } from '../../http/gemini.ts';
import { type DeclaredOptions, defineOptions } from '../../options/define-options.ts';
import {
  arrayOption,
  checkedWhereUsed,
  functionOption,
  integerOption,
  nestedOption,
  objectOption,
  oneOfOption,
  optionCheck,
  required,
  stringOption,
} from '../../options/option-checks.ts';
import { retryOption } from '../../retry/retry-policy.ts';
import type { AgentOptions } from './agent-options.ts';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const generationConfigShape = objectOption(
  'generationConfig must be an object such as { temperature: 0.2 }.',
);

const shape = 'retrievalConfig must be { latLng: { latitude, longitude }, languageCode }';

/** The agent's `callOptions`: a call's options, less the signal (it is given per run). */
const agentCallOptions: DeclaredOptions<Omit<CallOptions, 'signal'>> = defineOptions<
  Omit<CallOptions, 'signal'>
>({
  name: 'callOptions',
  example: '{ timeoutMs: 60_000 }',
  checks: {
    timeoutMs: timeoutOption,
    retry: retryOption,
    headers: headersOption,
    onRetry: functionOption(),
    onResponse: functionOption(),
    beforeSend: functionOption(),
  },
  removed: {
    signal: 'callOptions cannot hold a signal: pass it per run, agent.run(input, { signal }).',
  },
});

/**
 * The options of `createAgent`, each with its check. Options whose rule needs the model's
 * capabilities or other options (`tools`, `toolChoice`, `thinking`, `output`, the cross-checks of
 * `generationConfig`) are checked where `resolveAgentConfig` uses them.
 * @internal
 */
export const agentOptionsDeclaration: DeclaredOptions<AgentOptions<unknown>> = defineOptions<
  AgentOptions<unknown>
>({
  name: 'createAgent',
  example: '{ gemini, model, tools, ... }',
  checks: {
    gemini: required(
      optionCheck(
        (value) => isObject(value) && typeof value['generateContent'] === 'function',
        'gemini must be a client made by createGemini({ apiKey }).',
      ),
    ),
    model: required(
      stringOption({
        nonEmpty: true,
        message: "model must be a model name such as 'gemini-3-flash-preview'.",
      }),
    ),
    instructions: optionCheck(
      (value) =>
        typeof value === 'string' ||
        (Array.isArray(value) &&
          value.length > 0 &&
          value.every((part) => typeof part === 'object' && part !== null)) ||
        (isObject(value) && Array.isArray(value['parts'])),
      'instructions must be a string, a non-empty array of parts, or a Content.',
    ),
    tools: checkedWhereUsed,
    maxSteps: integerOption({ min: 1 }),
    stopWhen: optionCheck(
      (value) =>
        typeof value === 'function' ||
        (Array.isArray(value) && value.every((condition) => typeof condition === 'function')),
      "stopWhen must be a stop condition (e.g. hasToolCall('final_answer')) or an array of them.",
    ),
    toolChoice: checkedWhereUsed,
    generationConfig: (value, path) => {
      generationConfigShape(value, path);
      checkGenerationConfig(value, path);
    },
    thinking: checkedWhereUsed,
    output: checkedWhereUsed,
    toolConcurrency: integerOption({ min: 1, infinity: true }),
    toolTimeoutMs: optionCheck(
      (value) => typeof value === 'number' && value > 0,
      (_path, value) =>
        `toolTimeoutMs must be a positive number of milliseconds (or Infinity for no limit); got ${String(value)}.`,
    ),
    toolErrors: oneOfOption(['report', 'throw']),
    maxReasks: integerOption({ min: 0 }),
    continuation: continuationOptionCheck,
    onStepEnd: functionOption(),
    beforeToolCall: functionOption(),
    isRunEndingError: functionOption(),
    logger: checkedWhereUsed,
    capabilities: objectOption(
      'capabilities must be an object of model-capability overrides, e.g. { generation: 3 }.',
    ),
    safetySettings: arrayOption({
      item: isObject,
      message:
        "safetySettings must be an array of { category, threshold }, e.g. [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_ONLY_HIGH' }].",
    }),
    cachedContent: stringOption({
      nonEmpty: true,
      message: "cachedContent must be a name such as 'cachedContents/abc123'.",
    }),
    // With cachedContent it is refused: checked with it, where the prompt cache is made.
    cache: checkedWhereUsed,
    serviceTier: stringOption({
      nonEmpty: true,
      message: "serviceTier must be a tier name such as 'flex'.",
    }),
    streamFunctionCallArguments: optionCheck(
      (value) => typeof value === 'boolean',
      'streamFunctionCallArguments must be a boolean.',
    ),
    retrievalConfig: checkRetrievalConfig,
    callOptions: nestedOption(agentCallOptions),
    now: functionOption(),
    // Checked by resolveObservers (observerOptionChecks), with the observers they make.
    name: checkedWhereUsed,
    telemetry: checkedWhereUsed,
    recorder: checkedWhereUsed,
  },
});

function checkRetrievalConfig(config: unknown, path: string): void {
  objectOption(`${shape}.`)(config, path);
  const { latLng, languageCode } = config as { latLng?: unknown; languageCode?: unknown };
  if (latLng !== undefined) {
    optionCheck((value) => {
      const { latitude, longitude } = (isObject(value) ? value : {}) as Record<string, unknown>;
      return isBetween(latitude, 90) && isBetween(longitude, 180);
    }, `${shape}: latitude a number from -90 to 90, longitude from -180 to 180.`)(
      latLng,
      `${path}.latLng`,
    );
  }
  if (languageCode !== undefined) {
    stringOption({ message: `${shape}: languageCode a string such as 'en'.` })(
      languageCode,
      `${path}.languageCode`,
    );
  }
}

function isBetween(value: unknown, limit: number): boolean {
  return typeof value === 'number' && value >= -limit && value <= limit;
}
