import { isJsonObject, readField } from '@gemloop/core/internal';
import { SERVICE_TIER_HEADER } from '@gemloop/core/wire';
import { type FakeHttpError, googleError } from '../script/fake-errors.ts';

/** The tiers the API takes, lower-case as `@google/genai` 2.x sends them (`ServiceTier`). */
const KNOWN_TIERS: ReadonlySet<string> = new Set(['unspecified', 'flex', 'standard', 'priority']);

/** What the fake does with a request's `serviceTier`. @internal */
export type FakeTierResult =
  | { ok: true; served: string | undefined }
  | { ok: false; error: FakeHttpError };

/**
 * Reads the `serviceTier` of a model call's body the way the API does: absent serves nothing
 * extra; a known tier (either case, as proto3 JSON enums accept the name) is served, `unspecified`
 * as `standard`, through `serveTier` when the test simulates a fallback; anything else is a 400.
 * @internal
 */
export function resolveFakeTier(
  body: unknown,
  serveTier: ((requested: string) => string) | undefined,
): FakeTierResult {
  // Proto3 JSON takes the field in either spelling, as every other field of the request.
  const requested = isJsonObject(body) ? readField(body, 'serviceTier', 'service_tier') : undefined;
  if (requested === undefined || requested === null) return { ok: true, served: undefined };
  const name = typeof requested === 'string' ? requested.toLowerCase() : undefined;
  if (name === undefined || !KNOWN_TIERS.has(name)) {
    // Approximated: the API's proto-JSON parser rejects an unknown enum value this way.
    return {
      ok: false,
      error: googleError(
        400,
        `Invalid value at 'service_tier' (type.googleapis.com/google.ai.generativelanguage.v1beta.ServiceTier), ${JSON.stringify(requested)}`,
      ),
    };
  }
  const tier = name === 'unspecified' ? 'standard' : name;
  return { ok: true, served: serveTier === undefined ? tier : serveTier(tier) };
}

/** The response header naming the served tier. @internal */
export const FAKE_TIER_HEADER: string = SERVICE_TIER_HEADER;
