import { describe, expectTypeOf, it } from 'vitest';
import {
  booleanOption,
  checkedWhereUsed,
  type DeclaredOptions,
  defineOptions,
  functionOption,
  type OptionKeys,
} from './define-options.ts';

type PingOptions = {
  /** The clock. */
  now?: (() => number) | undefined;
  loud?: boolean | undefined;
};

describe('defineOptions types', () => {
  it('yields the declared type from the check', () => {
    const ping = defineOptions<PingOptions>({
      name: 'ping',
      example: '{ loud: true }',
      checks: { now: functionOption(), loud: booleanOption() },
    });
    expectTypeOf(ping).toEqualTypeOf<DeclaredOptions<PingOptions>>();
    expectTypeOf(ping.check({})).toEqualTypeOf<PingOptions>();
  });

  it('does not compile when the type has an option the declaration does not check', () => {
    defineOptions<PingOptions>({
      name: 'ping',
      example: '{}',
      // @ts-expect-error: loud has no check
      checks: { now: functionOption() },
    });
  });

  it('does not compile when the declaration checks an option the type lacks', () => {
    defineOptions<PingOptions>({
      name: 'ping',
      example: '{}',
      checks: {
        now: functionOption(),
        loud: booleanOption(),
        // @ts-expect-error: quiet is not an option of PingOptions
        quiet: booleanOption(),
      },
    });
  });

  it('takes the keys of every member of a union of options', () => {
    type Store = (
      | { directory: string; path?: undefined }
      | { path: string; directory?: undefined }
    ) & {
      fsync?: boolean | undefined;
    };
    expectTypeOf<OptionKeys<Store>>().toEqualTypeOf<'directory' | 'path' | 'fsync'>();
    defineOptions<Store>({
      name: 'store',
      example: '{ path }',
      // @ts-expect-error: path has no check
      checks: { directory: checkedWhereUsed, fsync: booleanOption() },
    });
  });
});
