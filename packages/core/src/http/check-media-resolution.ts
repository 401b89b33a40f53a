import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';

/**
 * Checks `generationConfig.mediaResolution` of a request body: ULTRA_HIGH exists per part only
 * (`@google/genai` 2.18.0: `PartMediaResolutionLevel` has `MEDIA_RESOLUTION_ULTRA_HIGH`, the
 * request-wide `MediaResolution` does not), so the API would answer a 400 naming an enum value.
 * @throws {@link InvalidArgumentError} naming the field and the fix.
 * @internal
 */
export function checkRequestMediaResolution(body: Record<string, unknown>, argument: string): void {
  const config = body['generationConfig'];
  if (typeof config !== 'object' || config === null) return;
  const value = (config as { mediaResolution?: unknown }).mediaResolution;
  if (value === 'MEDIA_RESOLUTION_ULTRA_HIGH') {
    throw new InvalidArgumentError({
      argument: `${argument}.generationConfig.mediaResolution`,
      message:
        `${argument}.generationConfig.mediaResolution cannot be MEDIA_RESOLUTION_ULTRA_HIGH: that level is set per part. ` +
        "Put mediaResolution: { level: 'MEDIA_RESOLUTION_ULTRA_HIGH' } on the image, video or PDF part (Gemini 3 and later).",
    });
  }
}

/**
 * What is wrong with a part's `mediaResolution`, if anything: it is an object
 * `{ level?, numTokens? }` (a bare level string is the request-wide form), `numTokens` a positive
 * integer.
 * @internal
 */
export function partMediaResolutionProblem(
  value: unknown,
): { at: string; message: string; value: unknown } | undefined {
  if (typeof value === 'string') {
    return {
      at: '.mediaResolution',
      message: `must be an object such as { level: '${value}' } (a bare level is the generationConfig form)`,
      value,
    };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return {
      at: '.mediaResolution',
      message: "must be an object { level?: 'MEDIA_RESOLUTION_HIGH' | ..., numTokens?: number }",
      value,
    };
  }
  const { level, numTokens } = value as { level?: unknown; numTokens?: unknown };
  if (level !== undefined && typeof level !== 'string') {
    return {
      at: '.mediaResolution.level',
      message: "must be a level such as 'MEDIA_RESOLUTION_ULTRA_HIGH'",
      value: level,
    };
  }
  if (
    numTokens !== undefined &&
    (typeof numTokens !== 'number' || !Number.isInteger(numTokens) || numTokens < 1)
  ) {
    return {
      at: '.mediaResolution.numTokens',
      message: 'must be a positive integer',
      value: numTokens,
    };
  }
  return undefined;
}
