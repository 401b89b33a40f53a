import { describe, expect, it } from 'vitest';
import { MissingDependencyError, requireDependency } from './schema-library-not-loaded-error.ts';

// attack59b: core's dist is an esbuild bundle, where requireDependency's `typeof require` reads
// esbuild's `__require` shim (a function even in an ES module), so the caller's literal
// `() => require(...)` is called although the caller is not bundled. In the tools' own ES modules
// that throws "ReferenceError: require is not defined", which was thrown on as the package's own
// failure: built, every web fetch failed at its address check. test/built-web-fetch.attacks.test.ts
// holds the built packages to it; this holds the function, whatever its own scope has.

const notBundled = (): unknown => {
  throw new ReferenceError('require is not defined');
};

describe('requireDependency, called from a module without require()', () => {
  it('loads the package through Node when the caller has no require', () => {
    const asked: string[] = [];
    const loaded = requireDependency({
      name: 'ipaddr.js',
      neededBy: 'The web fetch tool',
      bundled: notBundled,
      nodeRequire: () => (id: string) => {
        asked.push(id);
        return { name: id };
      },
    });
    expect(loaded).toEqual({ name: 'ipaddr.js' });
    expect(asked).toEqual(['ipaddr.js']);
  });

  it('says the package is missing, not that require is undefined, when Node cannot find it', () => {
    const missing = Object.assign(new Error("Cannot find module 'ipaddr.js'"), {
      code: 'MODULE_NOT_FOUND',
    });
    let thrown: unknown;
    try {
      requireDependency({
        name: 'ipaddr.js',
        neededBy: 'The web fetch tool',
        bundled: notBundled,
        nodeRequire: () => () => {
          throw missing;
        },
      });
    } catch (error) {
      thrown = error;
    }
    expect(MissingDependencyError.isInstance(thrown)).toBe(true);
    expect((thrown as MissingDependencyError).packageName).toBe('ipaddr.js');
    expect((thrown as Error).cause).toBe(missing);
  });

  // Vitest's modules have a require(), as a bundle's do: the bundled call is made here.
  it('still throws a bundled package that fails as it loads as itself', () => {
    const broken = new TypeError('the package broke');
    expect(() =>
      requireDependency({
        name: 'ipaddr.js',
        neededBy: 'The web fetch tool',
        bundled: () => {
          throw broken;
        },
        nodeRequire: () => () => ({}),
      }),
    ).toThrow(broken);
  });
});
