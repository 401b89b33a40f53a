import {
  booleanOption,
  type DeclaredOptions,
  defineOptions,
  integerOption,
  type OptionCheck,
  withDefaults,
} from '../options/define-options.ts';

/**
 * @defaultValue of `continuation.maxHops`: the most requests one long-decode answer may take.
 * adk-go's `model/gemini/continuation.go` caps its loop at 256 hops; gemloop takes the same bound.
 */
export const DEFAULT_MAX_CONTINUATION_HOPS = 256;

/**
 * @defaultValue of `continuation.maxReconnects`: how many times in a row a dropped stream is
 * resumed without receiving a new checkpoint before a `ContinuationError` (`no-progress`).
 * `@google/genai` 3.1.0: `MAX_STREAM_RECONNECTS_WITHOUT_PROGRESS = 3`.
 */
export const DEFAULT_MAX_CONTINUATION_RECONNECTS = 3;

/**
 * Automatic continuation of long-decode answers (Gemini 4: a response that reaches the
 * per-request token cap ends with `finishReason: 'CONTINUATION'` and a `continuationToken`).
 * The agent resends the same request with the token (as `@google/genai` 3.1.0 and
 * `@ai-sdk/google` 4.0.121 do) until the model finishes, inside one step; `false` turns it off
 * (the step then ends with the `CONTINUATION` finish reason and the partial answer).
 */
export type ContinuationOptions = {
  /** @defaultValue `true` */
  enabled?: boolean | undefined;
  /**
   * The most requests (hops) one answer may take. The hop that reaches it ends the step on the
   * answer so far, with `finishReason: 'CONTINUATION'` (the run's `finishReason` is `other`), as
   * adk-go does at its cap: what was billed is kept. A stream's resumes count as requests too: a
   * drop once the cap is reached is a `ContinuationError` (`max-hops`). An answer that holds 64 MiB
   * of text, inline data and thought signatures also asks for no more hops, as at this cap (a
   * stream then ends on it `interrupted`): each request is bounded by the client, the hops
   * together by this.
   * @defaultValue 256 ({@link DEFAULT_MAX_CONTINUATION_HOPS})
   */
  maxHops?: number | undefined;
  /**
   * How many times in a row a dropped stream is resumed from its last checkpoint without a new
   * one; past it a `ContinuationError` (`no-progress`).
   * @defaultValue 3 ({@link DEFAULT_MAX_CONTINUATION_RECONNECTS})
   */
  maxReconnects?: number | undefined;
};

/**
 * The defaults of {@link ContinuationOptions}, declared once: their TSDoc `@defaultValue`s are
 * checked against these by declared-defaults.test.ts. @internal
 */
export const CONTINUATION_DEFAULTS: Readonly<ContinuationSettings> = {
  enabled: true,
  maxHops: DEFAULT_MAX_CONTINUATION_HOPS,
  maxReconnects: DEFAULT_MAX_CONTINUATION_RECONNECTS,
};

/** The continuation settings a run uses, defaults applied. @internal */
export type ContinuationSettings = {
  enabled: boolean;
  maxHops: number;
  maxReconnects: number;
};

const continuationOptions: DeclaredOptions<ContinuationOptions> =
  defineOptions<ContinuationOptions>({
    name: 'continuation',
    example: '{ maxHops: 16 } (or false to turn automatic continuation off)',
    checks: {
      enabled: booleanOption((path) => `${path} must be true or false.`),
      maxHops: integerOption({ min: 1, max: 10_000 }),
      maxReconnects: integerOption({ min: 0, max: 100 }),
    },
  });

/**
 * The check of the agent's `continuation` option: `false`, or {@link ContinuationOptions}.
 * @internal
 */
export const continuationOptionCheck: OptionCheck = Object.assign(
  (value: unknown, path: string): void => {
    if (value === false || value === true) return;
    continuationOptions.check(value, path);
  },
  {
    // Copied by createAgent's check (checkOptionsCopy), each field read once: a getter gave the
    // check `maxHops: 2` and the plugin NaN, a cap no hop count reaches (attack60d).
    copy: (value: unknown, path: string): unknown =>
      value === false || value === true ? value : continuationOptions.checkCopy(value, path),
  },
);

/** The defaults applied to the agent's `continuation` option. @internal */
export function resolveContinuation(
  options: ContinuationOptions | boolean | undefined,
): ContinuationSettings {
  if (options === false) return { ...CONTINUATION_DEFAULTS, enabled: false };
  return withDefaults(CONTINUATION_DEFAULTS, options === true ? undefined : options);
}
