import type { OpenString } from './open-string.ts';

/**
 * The inference tier of a request (`serviceTier` at the top of the body) and of its answer
 * (`usageMetadata.serviceTier`). Names and spelling from `@google/genai` 2.18.0 `ServiceTier`
 * (`src/types.ts`: `UNSPECIFIED = 'unspecified'` "Default service tier, which is standard",
 * `FLEX = 'flex'`, `STANDARD = 'standard'`, `PRIORITY = 'priority'`; its converter copies the value
 * to the request root as is). `flex` costs about half and may queue or 503 under load; `priority`
 * costs more and falls back to `standard` when capacity is short, so the tier that served a call
 * can differ from the one asked for. Recorded Gemini API answers carry
 * `usageMetadata.serviceTier: "standard"` (fixture `streams/gemini25-flash__cumulative-usage-every-chunk.sse`).
 */
export type ServiceTier = OpenString<'unspecified' | 'flex' | 'standard' | 'priority'>;

/**
 * The response header that names the tier that served a call (reported with service tiers, seen
 * on the Gemini API next to `usageMetadata.serviceTier`).
 */
export const SERVICE_TIER_HEADER = 'x-gemini-service-tier';
