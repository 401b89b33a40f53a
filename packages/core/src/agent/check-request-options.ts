import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { checkHeaders } from '../http/check-headers.ts';
import { checkTimeout } from '../http/check-timeout.ts';
import { DEFAULT_RETRY_POLICY, resolveRetryPolicy } from '../retry/retry-policy.ts';
import type { AgentOptions } from './agent-options.ts';

const CALL_OPTIONS: readonly string[] = ['timeoutMs', 'retry', 'headers', 'onResponse'];

/**
 * Checks the `createAgent` options that are passed on to every request (`capabilities`,
 * `safetySettings`, `cachedContent`, `serviceTier`, `retrievalConfig`, `callOptions`), so a wrong
 * one fails at `createAgent` naming it, not as a 400 or a `ModelCallError` in the first run.
 * @throws {@link InvalidArgumentError} naming the option.
 * @internal
 */
export function checkRequestOptions(options: AgentOptions<unknown>): void {
  const { capabilities, safetySettings, cachedContent, serviceTier, retrievalConfig, callOptions } =
    options;
  if (capabilities !== undefined && !isObject(capabilities)) {
    throw invalid(
      'capabilities',
      'capabilities must be an object of model-capability overrides, e.g. { generation: 3 }.',
    );
  }
  if (
    safetySettings !== undefined &&
    (!Array.isArray(safetySettings) || !safetySettings.every(isObject))
  ) {
    throw invalid(
      'safetySettings',
      "safetySettings must be an array of { category, threshold }, e.g. [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_ONLY_HIGH' }].",
    );
  }
  if (cachedContent !== undefined && (typeof cachedContent !== 'string' || cachedContent === '')) {
    throw invalid('cachedContent', "cachedContent must be a name such as 'cachedContents/abc123'.");
  }
  if (serviceTier !== undefined && (typeof serviceTier !== 'string' || serviceTier === '')) {
    throw invalid('serviceTier', "serviceTier must be a tier name such as 'flex'.");
  }
  if (retrievalConfig !== undefined) checkRetrievalConfig(retrievalConfig);
  if (callOptions !== undefined) checkCallOptions(callOptions);
}

function checkRetrievalConfig(config: unknown): void {
  const shape = 'retrievalConfig must be { latLng: { latitude, longitude }, languageCode }';
  if (!isObject(config)) throw invalid('retrievalConfig', `${shape}.`);
  const { latLng, languageCode } = config as { latLng?: unknown; languageCode?: unknown };
  if (latLng !== undefined) {
    const { latitude, longitude } = (isObject(latLng) ? latLng : {}) as Record<string, unknown>;
    if (!isLatitude(latitude) || !isLongitude(longitude)) {
      throw invalid(
        'retrievalConfig.latLng',
        `${shape}: latitude a number from -90 to 90, longitude from -180 to 180.`,
      );
    }
  }
  if (languageCode !== undefined && typeof languageCode !== 'string') {
    throw invalid('retrievalConfig.languageCode', `${shape}: languageCode a string such as 'en'.`);
  }
}

function checkCallOptions(callOptions: unknown): void {
  if (!isObject(callOptions)) {
    throw invalid('callOptions', 'callOptions must be an object such as { timeoutMs: 60_000 }.');
  }
  for (const key of Object.keys(callOptions)) {
    if (key === 'signal') {
      throw invalid(
        'callOptions.signal',
        'callOptions cannot hold a signal: pass it per run, agent.run(input, { signal }).',
      );
    }
    if (!CALL_OPTIONS.includes(key)) {
      throw invalid(
        `callOptions.${key}`,
        `callOptions has no option '${key}'; the options are ${CALL_OPTIONS.join(', ')}.`,
      );
    }
  }
  const { timeoutMs, retry, headers, onResponse } = callOptions as Record<string, unknown>;
  checkTimeout(timeoutMs, 0, 'callOptions.timeoutMs');
  resolveRetryPolicy(retry as never, DEFAULT_RETRY_POLICY, 'callOptions.retry');
  checkHeaders(headers, 'callOptions.headers');
  if (onResponse !== undefined && typeof onResponse !== 'function') {
    throw invalid('callOptions.onResponse', 'callOptions.onResponse must be a function.');
  }
}

function isLatitude(value: unknown): boolean {
  return typeof value === 'number' && value >= -90 && value <= 90;
}

function isLongitude(value: unknown): boolean {
  return typeof value === 'number' && value >= -180 && value <= 180;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(argument: string, message: string): InvalidArgumentError {
  return new InvalidArgumentError({ argument, message });
}
