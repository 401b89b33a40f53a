import type { AuthStyle } from '@gemloop/core/http';

/** The model the examples use unless `--model` or `GEMINI_MODEL` says otherwise. */
export const DEFAULT_MODEL = 'gemini-3-flash-preview';

/** CometAPI's base URL, used when the key comes from `COMETAPI_KEY`. */
export const COMETAPI_BASE_URL = 'https://api.cometapi.com';

/** Where an example sends its requests, decided from flags and environment variables. */
export type ConnectionSettings =
  | {
      mode: 'online';
      model: string;
      apiKey: string;
      /** The variable the key came from. */
      keySource: 'GEMINI_API_KEY' | 'GOOGLE_API_KEY' | 'COMETAPI_KEY';
      /** `undefined`: Google's endpoint. */
      baseUrl: string | undefined;
      auth: AuthStyle;
    }
  | {
      mode: 'offline';
      model: string;
      /** Why: `no-key` (no key variable set) or `flag` (`--offline`). */
      reason: 'no-key' | 'flag';
      /**
       * The base URL given (`--base-url`, else `GEMINI_BASE_URL`) that going offline leaves unused,
       * named so the banner can say so: `npm run demo -- --base-url <gemloop fake's URL>` without a
       * key answered from the built-in fake without a word. Only its source, never the URL (it may
       * carry credentials).
       */
      unusedBaseUrl?: '--base-url' | 'GEMINI_BASE_URL';
    };

/** What {@link resolveConnection} decides from. */
export type ResolveConnectionOptions = {
  env: Record<string, string | undefined>;
  /** `--model` */
  model?: string | undefined;
  /** `--base-url` */
  baseUrl?: string | undefined;
  /** `--offline` */
  offline?: boolean | undefined;
};

/**
 * Real API or offline fake, the same way in the demo, the chat and every example:
 *
 * - `GEMINI_API_KEY` (or `GOOGLE_API_KEY`): Google's API, header `x-goog-api-key`;
 * - else `COMETAPI_KEY`: CometAPI (`https://api.cometapi.com`), header `Authorization: Bearer`;
 * - `GEMINI_BASE_URL` or `--base-url` overrides the base URL in both cases;
 * - no key, or `--offline`: the built-in fake Gemini on 127.0.0.1 (a base URL given without a key
 *   is then not used, and the result says which one: `unusedBaseUrl`).
 *
 * Empty variables count as unset.
 */
export function resolveConnection({
  env,
  model,
  baseUrl,
  offline = false,
}: ResolveConnectionOptions): ConnectionSettings {
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const chosenModel = model ?? read('GEMINI_MODEL') ?? DEFAULT_MODEL;
  if (offline) return { mode: 'offline', model: chosenModel, reason: 'flag' };
  const chosenBaseUrl = baseUrl ?? read('GEMINI_BASE_URL');
  for (const keySource of ['GEMINI_API_KEY', 'GOOGLE_API_KEY'] as const) {
    const apiKey = read(keySource);
    if (apiKey !== undefined) {
      return {
        mode: 'online',
        model: chosenModel,
        apiKey,
        keySource,
        baseUrl: chosenBaseUrl,
        auth: 'x-goog-api-key',
      };
    }
  }
  const cometKey = read('COMETAPI_KEY');
  if (cometKey !== undefined) {
    return {
      mode: 'online',
      model: chosenModel,
      apiKey: cometKey,
      keySource: 'COMETAPI_KEY',
      baseUrl: chosenBaseUrl ?? COMETAPI_BASE_URL,
      auth: 'bearer',
    };
  }
  const unusedBaseUrl =
    baseUrl !== undefined
      ? '--base-url'
      : chosenBaseUrl !== undefined
        ? 'GEMINI_BASE_URL'
        : undefined;
  return {
    mode: 'offline',
    model: chosenModel,
    reason: 'no-key',
    ...(unusedBaseUrl === undefined ? {} : { unusedBaseUrl }),
  };
}

/**
 * The first line an offline example prints: why it is offline, what answers, on which URL, and a
 * base URL it leaves unused (by its source, not its value).
 */
export function offlineBanner(
  settings: Extract<ConnectionSettings, { mode: 'offline' }>,
  url: string,
  scripted: boolean,
): string {
  const why =
    settings.reason === 'flag' ? 'Offline (--offline):' : 'Offline: no GEMINI_API_KEY set,';
  const what = scripted
    ? "gemloop's built-in fake Gemini with scripted answers (set a key for real ones)"
    : "gemloop's built-in fake Gemini (a deterministic simulator, not a real model)";
  const unused =
    settings.unusedBaseUrl === undefined
      ? ''
      : `; ${settings.unusedBaseUrl} is not used without a key (for gemloop fake, set GEMINI_API_KEY=fake too)`;
  return `${why} using ${what} on ${url}${unused}`;
}
