import type { OptionCheck, OptionKeys } from '../../../options/define-options.ts';
import type { AgentOptions } from '../agent-options.ts';

/*
 * Where a `createAgent` option lives. The public type `AgentOptions` stays one written object type
 * (agent-options.ts), because its TSDoc is what a user reads on hover and in the API reference,
 * and a type assembled from per-option pieces would put those pieces in the .d.ts and the
 * reference (vercel/ai does the same: `CallSettings` is one written type in
 * packages/ai/core/prompt/call-settings.ts, checked and defaulted by `prepareCallSettings`).
 * Everything else about an option is declared once, in the file of its group under options/: its
 * check, its default and how it becomes part of the resolved `AgentConfig`. agent-options-
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

/** The declaration of one `createAgent` option. @internal */
export type AgentOptionDeclaration<Key extends AgentOptionKey> = {
  /**
   * Checks the value when it is given (`createAgent` leaves out an option set to `undefined`).
   * `checkedWhereUsed` when the rule needs the model's capabilities or other options: then the
   * group's resolve function checks it, in the same file.
   */
  readonly check: OptionCheck;
  /** The value a run uses when the option is left out (the `@defaultValue` of its TSDoc). */
  readonly default?: AgentOptionValue<Key> | undefined;
};

/** The declarations of a group of options, keyed by option name. @internal */
export type AgentOptionDeclarations<Key extends AgentOptionKey> = {
  readonly [K in Key]: AgentOptionDeclaration<K>;
};

/** What {@link defineAgentOptions} returns. @internal */
export type AgentOptionGroup<Key extends AgentOptionKey> = {
  /** Each option's declaration, as given. */
  readonly declarations: AgentOptionDeclarations<Key>;
  /** Each option's check, for the strict check of `createAgent` (`defineOptions`). */
  readonly checks: { readonly [K in Key]: OptionCheck };
};

/**
 * Declares a group of `createAgent` options: one file per group under `agent/config/options/`,
 * holding each option's check and default beside the function that resolves the group into
 * `AgentConfig`. A key that is not an option of `AgentOptions` does not compile.
 *
 * @example
 * ```ts
 * export const stepOptions = defineAgentOptions({
 *   maxSteps: { check: integerOption({ min: 1 }), default: 10 },
 * });
 * ```
 * @internal
 */
export function defineAgentOptions<Key extends AgentOptionKey>(
  declarations: AgentOptionDeclarations<Key>,
): AgentOptionGroup<Key> {
  const checks = {} as { [K in Key]: OptionCheck };
  for (const key of Object.keys(declarations) as Key[]) {
    checks[key] = declarations[key].check;
  }
  return { declarations, checks };
}

/** The options a group declares. @internal */
export type KeysOfGroup<Group> = Group extends AgentOptionGroup<infer Key> ? Key : never;

/** The options a tuple of groups declares. @internal */
export type KeysOfGroups<Groups> = Groups extends readonly [infer Head, ...infer Rest]
  ? KeysOfGroup<Head> | KeysOfGroups<Rest>
  : never;
