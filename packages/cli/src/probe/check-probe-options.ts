import { InvalidArgumentError } from '@gemloop/core';
import {
  describeUnsendable,
  isWrappedInQuotes,
  LOOPBACK_HOSTNAME,
  MAX_TIMER_MS,
} from '@gemloop/core/internal';
import { describeOptionValue } from '../describe-option-value.ts';
import type { ProbeSanitizer } from './create-probe-sanitizer.ts';
import type { ProbeAuth, ProbeRecord, RunProbeOptions } from './probe-types.ts';

const DEFAULT_MODEL = 'gemini-3-flash-preview';
const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_ANSWER_BYTES = 1_048_576;

/** {@link RunProbeOptions} checked, with their defaults. @internal */
export type CheckedProbeOptions = {
  baseUrl: string;
  apiKey: string;
  preferred: ProbeAuth;
  model: string;
  apiVersion: string;
  fetch: typeof globalThis.fetch | undefined;
  timeoutMs: number;
  /** What a timed-out line calls the time limit. */
  timeoutName: string;
  maxAnswerBytes: number;
  signal: AbortSignal | undefined;
  onRecord: ((record: ProbeRecord) => void) | undefined;
};

/**
 * Checks the probe's options before any request. Every value a message quotes is named as core's
 * option checks name one (`the string "5000"`, `an object`), a string's secrets redacted before
 * it is cut (a key cut in half is no longer recognised), so a key in a malformed base URL is not
 * printed by the error that refuses it.
 * @internal
 */
export function checkProbeOptions(
  options: RunProbeOptions,
  { redact, sanitize }: ProbeSanitizer,
): CheckedProbeOptions {
  const got = (value: unknown): string =>
    describeOptionValue(typeof value === 'string' ? redact(value) : value);
  if (typeof options !== 'object' || options === null) {
    throw invalid('options', 'runProbe takes { baseUrl, apiKey, auth?, model? }.');
  }
  const { baseUrl, apiKey } = options;
  let url: URL;
  try {
    url = new URL(String(baseUrl));
  } catch {
    throw invalid(
      'baseUrl',
      `baseUrl must be an http(s) URL such as https://api.cometapi.com; got ${got(baseUrl)}.`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalid('baseUrl', 'baseUrl must be an http(s) URL.');
  }
  // Each request carries the key: over http to another machine, in clear text (attack15; the
  // rule of createGemini's baseUrl).
  if (
    url.protocol === 'http:' &&
    options.allowInsecureHttp !== true &&
    !LOOPBACK_HOSTNAME.test(url.hostname)
  ) {
    throw invalid(
      'baseUrl',
      `baseUrl 'http://${sanitize(url.host)}' would get the key in clear text: use https, or --allow-insecure-http (allowInsecureHttp: true) for a trusted private network; plain http needs neither for localhost, 127.0.0.0/8 or [::1].`,
    );
  }
  if (options.allowInsecureHttp !== undefined && typeof options.allowInsecureHttp !== 'boolean') {
    throw invalid('allowInsecureHttp', 'allowInsecureHttp must be true or false.');
  }
  // The probe appends `/v1beta/models/...` to the base, and fetch refuses a URL with userinfo
  // (Fetch standard, "Request constructor": "If parsedURL includes credentials, then throw a
  // TypeError"), so neither could work; the key goes in a header.
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw invalid(
      'baseUrl',
      `baseUrl must be the gateway's origin and path only, without user:password@, a query (?key=...) or a fragment: the probe sends the key from GEMINI_API_KEY in a header. Got ${sanitize(url.href)}.`,
    );
  }
  if (typeof apiKey !== 'string' || apiKey.trim() === '') {
    throw invalid(
      'apiKey',
      'apiKey is required: pass the gateway key (the CLI reads GEMINI_API_KEY).',
    );
  }
  // As createGemini refuses them: fetch would refuse every request with a TypeError, and both
  // auth lines would blame the gateway ("no answer") for a key copied with a stray character.
  if (/\s/.test(apiKey)) {
    throw invalid(
      'apiKey',
      'apiKey contains whitespace or a line break; remove it (the key itself is not shown).',
    );
  }
  if (isWrappedInQuotes(apiKey)) {
    throw invalid(
      'apiKey',
      "apiKey is wrapped in quotes, which would be sent as part of the key (a file read by `docker --env-file` or compose's env_file keeps them); remove the quotes around GEMINI_API_KEY's value (the key itself is not shown).",
    );
  }
  const unsendable = describeUnsendable(apiKey);
  if (unsendable !== undefined) {
    throw invalid(
      'apiKey',
      `apiKey contains a character no HTTP header can carry (${unsendable}), often a zero-width space or a typographic quote copied along with the key; remove it (the key itself is not shown).`,
    );
  }
  const auth = options.auth ?? 'x-goog-api-key';
  if (auth !== 'x-goog-api-key' && auth !== 'bearer') {
    throw invalid('auth', `auth must be 'x-goog-api-key' or 'bearer'; got ${got(auth)}.`);
  }
  const model = String(options.model ?? DEFAULT_MODEL).replace(/^models\//, '');
  if (!/^[A-Za-z0-9._-]+$/.test(model)) {
    throw invalid(
      'model',
      `model must be a model id such as gemini-3-flash-preview; got ${got(options.model)}.`,
    );
  }
  const apiVersion = options.apiVersion ?? 'v1beta';
  if (typeof apiVersion !== 'string' || !/^[A-Za-z0-9._-]+$/.test(apiVersion)) {
    throw invalid(
      'apiVersion',
      `apiVersion must be a version such as v1beta; got ${got(apiVersion)}.`,
    );
  }
  if (options.timeoutName !== undefined && typeof options.timeoutName !== 'string') {
    throw invalid('timeoutName', 'timeoutName must be a string such as --timeout.');
  }
  if (options.onRecord !== undefined && typeof options.onRecord !== 'function') {
    throw invalid('onRecord', 'onRecord must be a function (record) => void.');
  }
  const base = url.href.replace(/\/+$/, '').replace(new RegExp(`/${apiVersion}$`), '');
  return {
    baseUrl: base,
    apiKey,
    preferred: auth,
    model,
    apiVersion,
    fetch: options.fetch,
    // A timer past MAX_TIMER_MS fires after 1 ms in Node: every answer would time out at once.
    timeoutMs: positiveInteger(options.timeoutMs, 'timeoutMs', DEFAULT_TIMEOUT_MS, MAX_TIMER_MS),
    timeoutName: options.timeoutName ?? 'timeoutMs',
    maxAnswerBytes: positiveInteger(
      options.maxAnswerBytes,
      'maxAnswerBytes',
      DEFAULT_MAX_ANSWER_BYTES,
    ),
    signal: options.signal,
    onRecord: options.onRecord,
  };
}

function positiveInteger(value: unknown, argument: string, fallback: number, max?: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw invalid(
      argument,
      `${argument} must be a positive integer; got ${describeOptionValue(value)}.`,
    );
  }
  if (max !== undefined && value > max) {
    throw invalid(argument, `${argument} must be an integer from 1 to ${max}; got ${value}.`);
  }
  return value;
}

function invalid(argument: string, message: string): InvalidArgumentError {
  return new InvalidArgumentError({ argument, message });
}
