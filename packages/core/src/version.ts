/** The version of `@gemloop/core` (kept equal to its package.json by `version.test.ts`). */
export const version: string = '0.1.0';

/**
 * The registry `name` of this version of @gemloop/core: one `WeakMap` for every copy of this
 * version loaded in the process, kept on `globalThis` under a `Symbol.for` key that carries the
 * version; the first copy to ask makes it.
 *
 * Two copies of one version share a process more often than not in a monorepo: pnpm installs a
 * copy per peer set (its packages on zod 3 and on zod 4), and a linked or bundled library brings
 * its own. An agent, a subagent tool or a plugin one copy made then meets the other copy's code: a
 * registry per copy did not know what the other had registered (a subagent ran as a plain call,
 * outside its parent's tree, and `handoff()` refused an agent it could run;
 * test/packed-install.test.ts). Another version keeps registries of its own: its internal entry
 * points may differ, so it sees the public methods only.
 * @internal
 */
export function versionRegistry<Key extends object, Value>(name: string): WeakMap<Key, Value> {
  const holder = globalThis as { [key: symbol]: unknown };
  const key = Symbol.for(`gemloop.${name}@${version}`);
  // Anything else found there (not ours) is replaced, not used.
  if (!(holder[key] instanceof WeakMap)) holder[key] = new WeakMap();
  return holder[key] as WeakMap<Key, Value>;
}
