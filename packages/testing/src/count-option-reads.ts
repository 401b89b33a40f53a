/** What {@link countOptionReads} returns: the counting options and their reads so far. */
export type CountedOptions<Options extends object> = {
  /** `values` again, each own key a getter that counts its reads. */
  options: Options;
  /** Reads so far, by `prefix` + key (each key starts at 0). */
  reads: Record<string, number>;
};

/**
 * `values` as an object whose every own enumerable key is a getter counting its reads, to test
 * that a factory reads each option once. A factory that checks an option and then reads it again
 * can be handed one value by the check and another by the code that uses it (a getter, a Proxy):
 * a `maxSteps` of 2 to the check and 1e300 to the loop. Count the options of a nested group into
 * the same `reads` with a `prefix` of their own.
 *
 * @example
 * ```ts
 * const { options, reads } = countOptionReads({ maxRetries: 1 });
 * createGemini({ apiKey, retry: options });
 * expect(reads).toEqual({ maxRetries: 1 });
 * ```
 */
export function countOptionReads<Options extends object>(
  values: Options,
  reads: Record<string, number> = {},
  prefix = '',
): CountedOptions<Options> {
  const options = {} as Options;
  for (const [key, value] of Object.entries(values)) {
    const name = `${prefix}${key}`;
    reads[name] = 0;
    Object.defineProperty(options, key, {
      enumerable: true,
      get: () => {
        reads[name] = (reads[name] ?? 0) + 1;
        return value;
      },
    });
  }
  return { options, reads };
}
