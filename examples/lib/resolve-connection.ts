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
 * - no key, or `--offline`: the built-in fake Gemini on 127.0.0.1.
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
  return { mode: 'offline', model: chosenModel, reason: 'no-key' };
}
