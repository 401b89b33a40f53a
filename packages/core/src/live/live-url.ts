import { REDACTED } from '../shared/redact-secrets.ts';

/**
 * The WebSocket URL of `BidiGenerateContent` under a client's base URL, with the key in the query
 * as @google/genai sends it (src/live.ts: `...GenerativeService.BidiGenerateContent?key=<key>`).
 * An ephemeral token (`auth_tokens/...`) goes to `BidiGenerateContentConstrained` as
 * `?access_token=`, on v1alpha, the only version that takes tokens (the same file).
 * @internal
 */
export function liveUrl(baseUrl: string, apiVersion: string, apiKey: string): string {
  const base = baseUrl.replace(/^http/, 'ws').replace(/\/+$/, '');
  const token = apiKey.startsWith('auth_tokens/');
  const version = token ? 'v1alpha' : apiVersion;
  const method = token ? 'BidiGenerateContentConstrained' : 'BidiGenerateContent';
  const query = token ? 'access_token' : 'key';
  return `${base}/ws/google.ai.generativelanguage.${version}.GenerativeService.${method}?${query}=${encodeURIComponent(apiKey)}`;
}

/** The URL with its key (or access token) replaced, for messages and logs. @internal */
export function redactLiveUrl(url: string): string {
  return url.replace(/([?&](?:key|access_token)=)[^&#]*/g, `$1${REDACTED}`);
}
