import { describe, expectTypeOf, it } from 'vitest';
import type { AgentOptions } from './agent-options.ts';
import type { AgentOptionGroups } from './agent-options-declaration.ts';
import type { AgentOptionGroup, AgentOptionKey } from './options/define-agent-options.ts';

type KeysOf<Group> = Group extends AgentOptionGroup<infer Key> ? Key : never;
type DeclaredKeys<Groups> = Groups extends [infer Head, ...infer Rest]
  ? KeysOf<Head> | DeclaredKeys<Rest>
  : never;
/** The keys that two groups both declare. */
type DeclaredTwice<Groups> = Groups extends [infer Head, ...infer Rest]
  ? (KeysOf<Head> & DeclaredKeys<Rest>) | DeclaredTwice<Rest>
  : never;

describe('the createAgent options', () => {
  it('are each declared by exactly one group of agent/config/options/', () => {
    // An option added to AgentOptions without a declaration (or a declaration of an option the
    // type lacks) makes these two types differ.
    expectTypeOf<DeclaredKeys<AgentOptionGroups>>().toEqualTypeOf<
      keyof AgentOptions<unknown> & string
    >();
    expectTypeOf<AgentOptionKey>().toEqualTypeOf<keyof AgentOptions<unknown> & string>();
    expectTypeOf<DeclaredTwice<AgentOptionGroups>>().toEqualTypeOf<never>();
  });
});
