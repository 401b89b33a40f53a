import { REDACTED } from '../shared/redact-secrets.ts';

/**
 * The WebSocket URL of `BidiGenerateContent` under a client's base URL, with the key in the query
 * as @google/genai sends it (src/live.ts: `...GenerativeService.BidiGenerateContent?key=<key>`).
 * @internal
 */
export function liveUrl(baseUrl: string, apiVersion: string, apiKey: string): string {
  const base = baseUrl.replace(/^http/, 'ws').replace(/\/+$/, '');
  return `${base}/ws/google.ai.generativelanguage.${apiVersion}.GenerativeService.BidiGenerateContent?key=${encodeURIComponent(apiKey)}`;
}

/** The URL with its key (or access token) replaced, for messages and logs. @internal */
export function redactLiveUrl(url: string): string {
  return url.replace(/([?&](?:key|access_token)=)[^&#]*/g, `$1${REDACTED}`);
}
