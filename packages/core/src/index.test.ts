import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as root from './index.ts';

// The root of @gemloop/core is what the quick start and everyday code need; the rest of each
// concept is behind its subpath (issue 11). These tests keep it that way: a name added to the
// root must push another one out, or go to a subpath.

const MAX_ROOT_NAMES = 40;

type Exported = { name: string; kind: 'value' | 'type' };

/**
 * The names an entry file re-exports. Entry files are lists of named re-exports
 * (`export [type] { a, type B } from './x.ts'`), which the first test checks, so reading those
 * lists is the whole export list, types included.
 */
function readExportLists(url: URL): Exported[] {
  const text = readFileSync(url, 'utf8').replace(/\/\/.*$/gm, '');
  const names: Exported[] = [];
  for (const match of text.matchAll(/export\s+(type\s+)?\{([^}]*)\}\s*from\s*'[^']+'/g)) {
    for (const raw of (match[2] ?? '').split(',')) {
      const specifier = raw.trim();
      if (specifier === '') continue;
      const isType = match[1] !== undefined || specifier.startsWith('type ');
      const name =
        specifier
          .replace(/^type\s+/, '')
          .split(/\s+as\s+/)
          .at(-1) ?? specifier;
      names.push({ name, kind: isType ? 'type' : 'value' });
    }
  }
  return names;
}

const indexUrl = new URL('./index.ts', import.meta.url);
const rootNames = readExportLists(indexUrl);

describe('the root entry of @gemloop/core', () => {
  it('is a list of named re-exports (no export *, no local declarations)', () => {
    const text = readFileSync(indexUrl, 'utf8').replace(/\/\/.*$/gm, '');
    const statements = text.match(/^export\b[^;]*;/gm) ?? [];
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      expect(statement).toMatch(/^export\s+(type\s+)?\{[^}]*\}\s*from\s*'\.\/[^']+\.ts';$/);
    }
    // Nothing exported by any other form than the statements above.
    expect(text.replace(/^export\b[^;]*;/gm, '').trim()).toBe('');
  });

  it(`exports at most ${MAX_ROOT_NAMES} names, values and types together`, () => {
    const names = rootNames.map(({ name }) => name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.length).toBeGreaterThan(0);
    expect(
      names.length,
      `the root exports ${names.length} names; move the least everyday ones to their subpath`,
    ).toBeLessThanOrEqual(MAX_ROOT_NAMES);
  });

  it('exports at run time exactly the values its export lists name', () => {
    const values = rootNames.filter(({ kind }) => kind === 'value').map(({ name }) => name);
    expect(Object.keys(root).sort()).toEqual(values.sort());
  });

  it('keeps the quick start at the root', () => {
    expect(typeof root.createGemini).toBe('function');
    expect(typeof root.createAgent).toBe('function');
    expect(typeof root.defineTool).toBe('function');
    expect(typeof root.hasToolCall).toBe('function');
  });

  it('does not export the internals', () => {
    const names = new Set(rootNames.map(({ name }) => name));
    for (const name of [
      'OPEN_API_SCHEMA_KEYS',
      'findActiveLoopStart',
      'CONTEXT_ENGINEERING_THOUGHT_SIGNATURE',
      // One way to bound a run's steps: maxSteps.
      'stepCountIs',
    ]) {
      expect(names.has(name), name).toBe(false);
    }
  });
});

type Conditions = string | { [condition: string]: Conditions };
const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  exports: Record<string, Conditions>;
  publishConfig: { exports: Record<string, Conditions> };
};

/** Every file a conditions object points at, with the condition path that leads there. */
function targets(conditions: Conditions, path: string[] = []): [string, string][] {
  if (typeof conditions === 'string') return [[path.join('.'), conditions]];
  return Object.entries(conditions).flatMap(([key, value]) => targets(value, [...path, key]));
}

/**
 * The target a resolver with the `active` conditions takes: the first key of each object that is
 * `default` or active, in the object's order, going on past a nested object that matches nothing
 * (Node's PACKAGE_TARGET_RESOLVE; TypeScript resolves `exports` the same way).
 */
function resolveConditions(conditions: Conditions, active: readonly string[]): string | undefined {
  if (typeof conditions === 'string') return conditions;
  for (const [key, value] of Object.entries(conditions)) {
    if (key !== 'default' && !active.includes(key)) continue;
    const target = resolveConditions(value, active);
    if (target !== undefined) return target;
  }
  return undefined;
}

describe('the subpaths of @gemloop/core', () => {
  const subpaths = Object.keys(manifest.exports).filter((subpath) => subpath !== './package.json');

  it.each(subpaths)(
    '%s points at sources that exist, through the @gemloop/source condition',
    (subpath) => {
      const entry = manifest.exports[subpath] as Record<string, Conditions>;
      const source = entry['@gemloop/source'];
      expect(source, `${subpath} has no @gemloop/source condition`).toBeDefined();
      for (const [, file] of targets(source as Conditions)) {
        expect(file).toMatch(/^\.\/src\/.*\.ts$/);
        expect(existsSync(new URL(`../${file}`, import.meta.url)), file).toBe(true);
      }
    },
  );

  it.each(subpaths)('%s is published with the same conditions, minus the source one', (subpath) => {
    const { '@gemloop/source': source, ...built } = manifest.exports[subpath] as Record<
      string,
      Conditions
    >;
    expect(source).toBeDefined();
    expect(manifest.publishConfig.exports[subpath]).toEqual(built);
    // Each built file, JavaScript or types, is the compiled twin of the source file for the same
    // runtime condition (`node.types` and `node.default` both compile `node`'s source), but for
    // `default.types`: the Node build's (the next test says why).
    const sources = new Map(targets(source as Conditions));
    for (const [condition, file] of targets(built)) {
      const runtime =
        condition === 'default.types'
          ? 'node'
          : (condition.split('.').find((key) => key !== 'types' && key !== 'default') ?? 'default');
      const twin = typeof source === 'string' ? source : sources.get(runtime);
      const compiled = file.endsWith('.d.ts')
        ? file.replace(/\.d\.ts$/, '.ts')
        : file.replace(/\.js$/, '.ts');
      expect(compiled.replace('./dist/', './src/'), `${subpath} ${condition}`).toBe(twin);
    }
  });

  // A `types` beside the runtime conditions (rather than inside each) matched first for every
  // TypeScript user, so a page's or a Worker's TypeScript saw the Node build's names (a file store
  // that is not there at run time) even with `customConditions: ["browser"]`. TypeScript matches
  // `types`, `import`, `node` in node16/nodenext and `types`, `import` in bundler mode, plus the
  // project's `customConditions`, taking the first key that matches in the object's order, as Node
  // does. A project that names no runtime (bundler mode without customConditions) gets the Node
  // build's types: most such projects run on Node (tsx, Vite SSR, Next.js servers), where those
  // names are there, and a page that uses one meets its bundler's "No matching export" at build.
  it.each(subpaths)('%s gives each runtime the types of the JavaScript it loads', (subpath) => {
    const published = manifest.publishConfig.exports[subpath] as Conditions;
    const runtimes = new Set(
      targets(published).flatMap(([condition]) =>
        condition.split('.').filter((key) => key !== 'types' && key !== 'default'),
      ),
    );
    // No runtime condition: a bundler-mode project without customConditions, or a bundler's default.
    for (const runtime of [undefined, ...runtimes]) {
      const active = runtime === undefined ? ['import'] : ['import', runtime];
      const javascript = resolveConditions(published, active);
      const types = resolveConditions(published, ['types', ...active]);
      expect(javascript, `${subpath} ${runtime ?? 'default'}`).toMatch(/\.js$/);
      const loaded =
        runtime === undefined ? resolveConditions(published, ['import', 'node']) : javascript;
      expect(types, `${subpath} ${runtime ?? 'default'}`).toBe(loaded?.replace(/\.js$/, '.d.ts'));
      // The workspace's own TypeScript and Vitest (`@gemloop/source`) read the same source file.
      const inWorkspace = ['@gemloop/source', ...active];
      expect(
        resolveConditions(manifest.exports[subpath] as Conditions, ['types', ...inWorkspace]),
        `${subpath} ${runtime ?? 'default'} in the workspace`,
      ).toBe(resolveConditions(manifest.exports[subpath] as Conditions, inWorkspace));
    }
  });

  it('are listed in publishConfig and nowhere else', () => {
    expect(Object.keys(manifest.publishConfig.exports).sort()).toEqual(
      Object.keys(manifest.exports).sort(),
    );
  });
});
