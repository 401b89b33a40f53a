import type { GenerateContentResponse } from './response.ts';
import { SERVICE_TIER_HEADER, type ServiceTier } from './service-tier.ts';

/**
 * The tier that served a response: its `usageMetadata.serviceTier`, else the
 * `x-gemini-service-tier` response header (read it with the `onResponse` call option), else
 * `undefined` (Vertex reports neither: "This field is not supported in Vertex AI").
 *
 * @example
 * ```ts
 * let headers: Headers | undefined;
 * const response = await gemini.generateContent(
 *   { model: 'gemini-3-flash-preview', contents: 'Hi', serviceTier: 'priority' },
 *   { onResponse: (info) => { headers = info.headers; } },
 * );
 * readServiceTier(response, headers); // 'priority', or 'standard' after a fallback
 * ```
 */
export function readServiceTier(
  response: GenerateContentResponse | undefined,
  headers?: Headers | undefined,
): ServiceTier | undefined {
  const reported = response?.usageMetadata?.serviceTier;
  if (typeof reported === 'string' && reported !== '') return reported;
  const header = headers?.get(SERVICE_TIER_HEADER);
  return header === null || header === undefined || header === '' ? undefined : header;
}
