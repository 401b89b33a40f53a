import { describe, expectTypeOf, it } from 'vitest';
import { integerOption, oneOfOption } from '../../../options/define-options.ts';
import type { AgentOptions } from '../agent-options.ts';
import { type AgentOptionGroup, defineAgentOptions } from './define-agent-options.ts';

describe('defineAgentOptions', () => {
  it('reads a defaulted option as always set, the others as given', () => {
    const group: AgentOptionGroup<'maxSteps' | 'maxReasks', 'maxSteps'> = defineAgentOptions({
      checks: { maxSteps: integerOption({ min: 1 }), maxReasks: integerOption({ min: 0 }) },
      defaults: { maxSteps: 10 },
    });
    const values = group.withDefaults({} as AgentOptions<unknown>);
    expectTypeOf(values.maxSteps).toEqualTypeOf<number>();
    expectTypeOf(values.maxReasks).toEqualTypeOf<number | undefined>();
  });

  it('does not compile when the type promises a default the declaration lacks', () => {
    // @ts-expect-error: `defaults` is missing, its type names maxSteps as defaulted
    const missing: AgentOptionGroup<'maxSteps', 'maxSteps'> = defineAgentOptions({
      checks: { maxSteps: integerOption({ min: 1 }) },
    });
    void missing;
  });

  it('does not compile for a default of the wrong type, or for an option the group does not check', () => {
    const wrongType: AgentOptionGroup<'toolErrors', 'toolErrors'> = defineAgentOptions({
      checks: { toolErrors: oneOfOption(['report', 'throw']) },
      // @ts-expect-error: 'ignore' is no value of toolErrors
      defaults: { toolErrors: 'ignore' },
    });
    void wrongType;
    const unchecked: AgentOptionGroup<'maxSteps', 'maxSteps'> = defineAgentOptions({
      // @ts-expect-error: the defaults name maxReasks, which the group does not check
      checks: { maxSteps: integerOption({ min: 1 }) },
      defaults: { maxSteps: 10, maxReasks: 2 },
    });
    void unchecked;
  });
});
