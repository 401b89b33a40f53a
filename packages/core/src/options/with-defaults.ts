/**
 * The values of `defaults` with the ones `given` holds laid over them: `{ ...defaults, ...given }`
 * for the keys of `defaults`, where a key given as `undefined` counts as left out (an option set
 * to `undefined` is left out everywhere in gemloop, as `exactOptionalPropertyTypes` allows it).
 * The one place an option group's defaults are applied, so each default is written once, in the
 * group's `DEFAULTS`.
 *
 * @example
 * ```ts
 * const STEP_DEFAULTS = { maxSteps: 10, maxReasks: 2 } as const;
 * withDefaults(STEP_DEFAULTS, { maxSteps: undefined, maxReasks: 0 }); // { maxSteps: 10, maxReasks: 0 }
 * ```
 * @internal
 */
export function withDefaults<Defaults extends object>(
  defaults: Defaults,
  given: { readonly [K in keyof Defaults]?: Defaults[K] | undefined } | undefined,
): Defaults {
  const values = { ...defaults };
  if (given === undefined) return values;
  for (const key of Object.keys(defaults) as (keyof Defaults)[]) {
    const value = given[key];
    if (value !== undefined) values[key] = value;
  }
  return values;
}
