import { InvalidArgumentError } from '../../../errors/invalid-argument-error.ts';
import {
  arrayOption,
  dataOption,
  isOptionsObject as isObject,
  objectOption,
  optionCheck,
  stringOption,
} from '../../../options/define-options.ts';
import type { Content } from '../../../wire/content.ts';
import type { BaseRequest } from '../agent-config.ts';
import type { AgentOptions } from '../agent-options.ts';
import { type AgentOptionGroup, defineAgentOptions } from './define-agent-options.ts';

const retrievalShape = 'retrievalConfig must be { latLng: { latitude, longitude }, languageCode }';

/**
 * `instructions`, `safetySettings`, `cachedContent`, `serviceTier`, `retrievalConfig` and
 * `streamFunctionCallArguments`: fields every request carries as given.
 * @internal
 */
export const requestFieldOptions: AgentOptionGroup<
  | 'instructions'
  | 'safetySettings'
  | 'cachedContent'
  | 'serviceTier'
  | 'retrievalConfig'
  | 'streamFunctionCallArguments',
  'streamFunctionCallArguments'
> = defineAgentOptions({
  checks: {
    // Plain data, copied at any depth by createAgent (dataOption): read once, as checked.
    instructions: dataOption(
      optionCheck(
        (value) =>
          typeof value === 'string' ||
          (Array.isArray(value) &&
            value.length > 0 &&
            value.every((part) => typeof part === 'object' && part !== null)) ||
          (isObject(value) && Array.isArray(value['parts'])),
        'instructions must be a string, a non-empty array of parts, or a Content.',
      ),
    ),
    safetySettings: dataOption(
      arrayOption({
        item: isObject,
        message:
          "safetySettings must be an array of { category, threshold }, e.g. [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_ONLY_HIGH' }].",
      }),
    ),
    cachedContent: stringOption({
      nonEmpty: true,
      message: "cachedContent must be a name such as 'cachedContents/abc123'.",
    }),
    serviceTier: stringOption({
      nonEmpty: true,
      message: "serviceTier must be a tier name such as 'flex'.",
    }),
    retrievalConfig: dataOption(checkRetrievalConfig),
    // Vertex only: refused with a Gemini API client by resolveStreamRequest.
    streamFunctionCallArguments: optionCheck(
      (value) => typeof value === 'boolean',
      'streamFunctionCallArguments must be a boolean.',
    ),
  },
  defaults: { streamFunctionCallArguments: false },
});

/** The system instruction as a `Content`. @internal */
export function readInstructions(
  instructions: AgentOptions<unknown>['instructions'],
): Content | undefined {
  if (instructions === undefined) return undefined;
  if (typeof instructions === 'string') return { parts: [{ text: instructions }] };
  return Array.isArray(instructions) ? { parts: instructions } : instructions;
}

/** Sets the fields of `request` these options give as they are. @internal */
export function applyRequestFields(options: AgentOptions<unknown>, request: BaseRequest): void {
  if (options.safetySettings !== undefined) request.safetySettings = [...options.safetySettings];
  if (options.cachedContent !== undefined) request.cachedContent = options.cachedContent;
  if (options.serviceTier !== undefined) request.serviceTier = options.serviceTier;
}

/**
 * The request of streamed steps with `streamFunctionCallArguments` (Vertex only), or `undefined`
 * when streamed steps send the same request as unary ones.
 * @throws {@link InvalidArgumentError} with a Gemini API client.
 * @internal
 */
export function resolveStreamRequest(
  enabled: boolean,
  request: BaseRequest,
  gemini: { platform?: 'gemini-api' | 'vertex' | undefined },
): BaseRequest | undefined {
  if (!enabled) return undefined;
  if (gemini.platform === 'gemini-api') {
    throw new InvalidArgumentError({
      argument: 'streamFunctionCallArguments',
      message:
        'streamFunctionCallArguments is Vertex AI only ("not supported in Gemini API"): make the client with createGemini({ vertex: { project, location } }), or remove the option.',
    });
  }
  if (request.tools === undefined) return undefined;
  const toolConfig = request.toolConfig ?? {};
  return {
    ...request,
    toolConfig: {
      ...toolConfig,
      functionCallingConfig: {
        ...toolConfig.functionCallingConfig,
        streamFunctionCallArguments: true,
      },
    },
  };
}

function checkRetrievalConfig(config: unknown, path: string): void {
  objectOption(`${retrievalShape}.`)(config, path);
  const { latLng, languageCode } = config as { latLng?: unknown; languageCode?: unknown };
  if (latLng !== undefined) {
    optionCheck((value) => {
      const { latitude, longitude } = (isObject(value) ? value : {}) as Record<string, unknown>;
      return isBetween(latitude, 90) && isBetween(longitude, 180);
    }, `${retrievalShape}: latitude a number from -90 to 90, longitude from -180 to 180.`)(
      latLng,
      `${path}.latLng`,
    );
  }
  if (languageCode !== undefined) {
    stringOption({ message: `${retrievalShape}: languageCode a string such as 'en'.` })(
      languageCode,
      `${path}.languageCode`,
    );
  }
}

function isBetween(value: unknown, limit: number): boolean {
  return typeof value === 'number' && value >= -limit && value <= limit;
}
