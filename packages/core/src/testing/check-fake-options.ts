import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { GATEWAY_MISTAKES } from './fake-gateway-mistakes.ts';
import type { CreateFakeGeminiOptions } from './fake-types.ts';

const OPTIONS: readonly string[] = [
  'script',
  'apiKeys',
  'accessTokens',
  'gemini3',
  'capabilities',
  'callIds',
  'signatureValidation',
  'models',
  'chunkSize',
  'chunkDelayMs',
  'latencyMs',
  'faults',
  'seed',
  'modelVersion',
  'prettyJson',
  'now',
  'minCacheTokens',
  'gatewayMistakes',
  'serveTier',
];

/**
 * Checks the options of `createFakeGemini`, so a wrong one fails where the fake is made, naming
 * it, instead of as a confusing 400 (or a TypeError turned into a "network" failure) at the first
 * request of a test.
 * @throws {@link InvalidArgumentError} naming the option.
 * @internal
 */
export function checkFakeOptions(options: unknown): asserts options is CreateFakeGeminiOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw invalid(
      'options',
      'createFakeGemini() takes an options object such as { script: [...] }, or nothing.',
    );
  }
  for (const key of Object.keys(options)) {
    if (!OPTIONS.includes(key)) {
      throw invalid(
        key,
        `createFakeGemini(): unknown option '${key}'; the options are ${OPTIONS.join(', ')}.`,
      );
    }
  }
  const o = options as Record<string, unknown>;
  const { script } = o;
  if (
    script !== undefined &&
    typeof script !== 'function' &&
    !(
      Array.isArray(script) &&
      script.every(
        (entry) => typeof entry === 'function' || (typeof entry === 'object' && entry !== null),
      )
    )
  ) {
    throw invalid(
      'script',
      'script must be a list of turns (turn.text(...), turn.call(...), or functions of the request), or one function for every call.',
    );
  }
  if (
    o['apiKeys'] !== undefined &&
    !(Array.isArray(o['apiKeys']) && o['apiKeys'].every((key) => typeof key === 'string'))
  ) {
    throw invalid('apiKeys', 'apiKeys must be an array of strings.');
  }
  if (
    o['accessTokens'] !== undefined &&
    !(
      Array.isArray(o['accessTokens']) &&
      o['accessTokens'].every((token) => typeof token === 'string')
    )
  ) {
    throw invalid('accessTokens', 'accessTokens must be an array of strings.');
  }
  if (
    o['models'] !== undefined &&
    typeof o['models'] !== 'function' &&
    !(Array.isArray(o['models']) && o['models'].every((model) => typeof model === 'string'))
  ) {
    throw invalid('models', 'models must be an array of model names or a function of the name.');
  }
  const mistakes = o['gatewayMistakes'];
  if (mistakes !== undefined) {
    const list = Array.isArray(mistakes) ? mistakes : [mistakes];
    const unknown = list.find((mistake) => !GATEWAY_MISTAKES.includes(mistake));
    if (unknown !== undefined) {
      throw invalid(
        'gatewayMistakes',
        `gatewayMistakes: unknown mistake ${JSON.stringify(unknown)}; the mistakes are ${GATEWAY_MISTAKES.join(', ')}.`,
      );
    }
  }
  if (o['faults'] !== undefined && !Array.isArray(o['faults'])) {
    throw invalid(
      'faults',
      'faults must be an array of fault rules such as { fault: ..., times: 1 }.',
    );
  }
  if (
    o['capabilities'] !== undefined &&
    (typeof o['capabilities'] !== 'object' || o['capabilities'] === null)
  ) {
    throw invalid('capabilities', 'capabilities must be an object of model-capability overrides.');
  }
  for (const key of ['gemini3', 'callIds', 'prettyJson']) {
    if (o[key] !== undefined && typeof o[key] !== 'boolean')
      throw invalid(key, `${key} must be true or false.`);
  }
  if (
    o['signatureValidation'] !== undefined &&
    !['issued', 'present', 'off'].includes(o['signatureValidation'] as string)
  ) {
    throw invalid(
      'signatureValidation',
      "signatureValidation must be 'issued', 'present' or 'off'.",
    );
  }
  if (
    o['chunkSize'] !== undefined &&
    !(Number.isInteger(o['chunkSize']) && (o['chunkSize'] as number) >= 1)
  ) {
    throw invalid(
      'chunkSize',
      'chunkSize must be an integer of at least 1 (characters per chunk).',
    );
  }
  for (const key of ['chunkDelayMs', 'latencyMs']) {
    const value = o[key];
    if (
      value !== undefined &&
      !(typeof value === 'number' && Number.isFinite(value) && value >= 0)
    ) {
      throw invalid(key, `${key} must be a number of milliseconds, 0 or more.`);
    }
  }
  if (o['seed'] !== undefined && !(typeof o['seed'] === 'number' && Number.isFinite(o['seed']))) {
    throw invalid('seed', 'seed must be a finite number.');
  }
  if (o['serveTier'] !== undefined && typeof o['serveTier'] !== 'function') {
    throw invalid('serveTier', 'serveTier must be a function (requested) => served tier.');
  }
  if (o['modelVersion'] !== undefined && typeof o['modelVersion'] !== 'string') {
    throw invalid('modelVersion', 'modelVersion must be a string.');
  }
}

function invalid(argument: string, message: string): InvalidArgumentError {
  return new InvalidArgumentError({ argument, message });
}
