import type { OptionCheck, OptionKeys } from '../../../options/define-options.ts';
import type { AgentOptions } from '../agent-options.ts';

/*
 * Where a `createAgent` option lives. The public type `AgentOptions` stays one written object type
 * (agent-options.ts), because its TSDoc is what a user reads on hover and in the API reference,
 * and a type assembled from per-option pieces would put those pieces in the .d.ts and the
 * reference (vercel/ai does the same: `CallSettings` is one written type in
 * packages/ai/core/prompt/call-settings.ts, checked and defaulted by `prepareCallSettings`).
 * Everything else about an option is declared once, in the file of its group under options/: its
 * check, its default (the group's `defaults`, applied by `withDefaults`, never restated) and how
 * it becomes part of the resolved `AgentConfig`. agent-options-
 * declaration.ts joins the groups into the strict check of `createAgent`, and a missing or extra
 * declaration does not compile (see agent-option-keys.test-d.ts).
 */

/** A name of a `createAgent` option. @internal */
export type AgentOptionKey = OptionKeys<AgentOptions<unknown>>;

/** The value of option `Key` when it is given. @internal */
export type AgentOptionValue<Key extends AgentOptionKey> = Exclude<
  AgentOptions<unknown>[Key],
  undefined
>;

/** The checks of a group of options, keyed by option name. @internal */
export type AgentOptionChecks<Key extends AgentOptionKey> = {
  /**
   * Checks the value when it is given (`createAgent` leaves out an option set to `undefined`).
   * `checkedWhereUsed` when the rule needs the model's capabilities or other options: then the
   * group's resolve function checks it, in the same file.
   */
  readonly [K in Key]: OptionCheck;
};

/**
 * The defaults of a group of options: the value a run uses when the option is left out. The
 * `@defaultValue` of each option's TSDoc states it, and declared-defaults.test.ts reads the TSDoc
 * to check the two agree. @internal
 */
export type AgentOptionDefaults<DefaultKey extends AgentOptionKey> = {
  readonly [K in DefaultKey]: AgentOptionValue<K>;
};

/** The group's options as a resolve function reads them: each left-out one replaced by its default. @internal */
export type AgentOptionsWithDefaults<Key extends AgentOptionKey, DefaultKey extends Key> = {
  readonly [K in Exclude<Key, DefaultKey>]: AgentOptions<unknown>[K];
} & AgentOptionDefaults<DefaultKey>;

/** What {@link defineAgentOptions} returns. @internal */
export type AgentOptionGroup<Key extends AgentOptionKey, DefaultKey extends Key = never> = {
  /** Each option's check, for the strict check of `createAgent` (`defineOptions`). */
  readonly checks: AgentOptionChecks<Key>;
  /** The group's defaults, as declared. */
  readonly defaults: AgentOptionDefaults<DefaultKey>;
  /** `{ ...defaults, ...given }` over the group's options, an option set to `undefined` left out. */
  withDefaults(options: AgentOptions<unknown>): AgentOptionsWithDefaults<Key, DefaultKey>;
};

/**
 * Declares a group of `createAgent` options: one file per group under `agent/config/options/`,
 * holding each option's check and the group's defaults beside the function that resolves the
 * group into `AgentConfig` (which reads them through `withDefaults`, never restating one). A key
 * that is not an option of `AgentOptions`, or a default for an option the group does not check,
 * does not compile.
 *
 * @example
 * ```ts
 * export const stepOptions = defineAgentOptions({
 *   checks: { maxSteps: integerOption({ min: 1 }) },
 *   defaults: { maxSteps: 10 },
 * });
 * ```
 * @internal
 */
export function defineAgentOptions<Key extends AgentOptionKey, DefaultKey extends Key = never>({
  checks,
  defaults = {} as AgentOptionDefaults<DefaultKey>,
}: {
  readonly checks: AgentOptionChecks<Key>;
} & ([DefaultKey] extends [never]
  ? { readonly defaults?: undefined }
  : // Required once the group's type names defaulted keys: a default its type promises but
    // the declaration lacks does not compile.
    { readonly defaults: AgentOptionDefaults<DefaultKey> })): AgentOptionGroup<Key, DefaultKey> {
  const keys = Object.keys(checks) as Key[];
  return {
    checks,
    defaults,
    withDefaults(options) {
      // `{ ...defaults, ...given }` over the group's options, where `undefined` is left out.
      const values: Record<string, unknown> = {};
      for (const key of keys) {
        const value = options[key];
        values[key] = value === undefined ? (defaults as Record<string, unknown>)[key] : value;
      }
      return values as AgentOptionsWithDefaults<Key, DefaultKey>;
    },
  };
}

/** The options a group declares. @internal */
export type KeysOfGroup<Group> =
  // biome-ignore lint/suspicious/noExplicitAny: any group, whatever its defaults
  Group extends AgentOptionGroup<infer Key, any> ? Key : never;

/** The options a tuple of groups declares. @internal */
export type KeysOfGroups<Groups> = Groups extends readonly [infer Head, ...infer Rest]
  ? KeysOfGroup<Head> | KeysOfGroups<Rest>
  : never;
