import { describe, expectTypeOf, it } from 'vitest';
import type { AgentOptions } from './agent-options.ts';
import type { AgentOptionGroups } from './agent-options-declaration.ts';
import type { AgentOptionKey, KeysOfGroup, KeysOfGroups } from './options/define-agent-options.ts';

/** The keys that two groups both declare. */
type DeclaredTwice<Groups> = Groups extends [infer Head, ...infer Rest]
  ? (KeysOfGroup<Head> & KeysOfGroups<Rest>) | DeclaredTwice<Rest>
  : never;

describe('the createAgent options', () => {
  it('are each declared by exactly one group of agent/config/options/', () => {
    // An option added to AgentOptions without a declaration (or a declaration of an option the
    // type lacks) makes these two types differ.
    expectTypeOf<KeysOfGroups<AgentOptionGroups>>().toEqualTypeOf<
      keyof AgentOptions<unknown> & string
    >();
    expectTypeOf<AgentOptionKey>().toEqualTypeOf<keyof AgentOptions<unknown> & string>();
    expectTypeOf<DeclaredTwice<AgentOptionGroups>>().toEqualTypeOf<never>();
  });
});
