import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Issue 53: "a bench row per built-in plugin: what it adds per step when on, and 0 when off".
 * The rows are the variants of `plugin-step-bench.ts`; this holds every plugin core makes to a row
 * there, so a new plugin without one fails here, not in a reviewer's memory (memory, reserveBudget
 * and the handoff had none until helper measure-goals).
 */
const core = fileURLToPath(new URL('../../../packages/core/src/', import.meta.url));
const bench = readFileSync(
  fileURLToPath(new URL('./plugin-step-bench.ts', import.meta.url)),
  'utf8',
);

/** Each module of core that makes a plugin, and the bench's rows that measure it on. */
const ROWS: Readonly<Record<string, readonly string[]>> = {
  'budget/reserve-budget.ts': ['reserveBudget'],
  'budget/tree-budget-plugin.ts': ['tree budget'],
  'compaction/compaction-plugin.ts': ['compaction'],
  'compaction/tool-output.ts': ['toolOutput', 'no cap'],
  'composition/handoff.ts': ['handoff (not taken)'],
  // Default plugins (every other row has them): measured by turning them off.
  'continuation/continuation-plugin.ts': ['continuation off'],
  'pricing/pricing-plugin.ts': ['prices off', 'own pricer'],
  'fallback/model-fallback.ts': ['modelFallback'],
  'guardrails/guardrail-layers.ts': ['guardrails (tools)', 'guardrails (all)'],
  'guardrails/io-guardrails-plugin.ts': ['guardrails (all)'],
  'guardrails/tool-guardrails-plugin.ts': ['guardrails (tools)', 'guardrails (all)'],
  'loop-guard/loop-guard.ts': ['loopGuard'],
  'memory/memory-plugin.ts': ['memory'],
  'prompt-cache/agent-prompt-cache.ts': ['prompt cache'],
  'steering/steering-plugin.ts': ['steering'],
  'tool-result-cache/tool-result-cache.ts': ['toolResultCache'],
};

/** The core modules outside the loop's own folder that call `definePlugin` (tests, fixtures aside). */
function pluginModules(): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== '__fixtures__' && entry.name !== 'node_modules') walk(path);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
        const name = relative(core, path);
        if (name.startsWith('agent/')) continue;
        // A call, not a doc comment's example (`* ... definePlugin({ ... })`).
        const calls = readFileSync(path, 'utf8')
          .split('\n')
          .some((line) => !/^\s*(\*|\/\/)/.test(line) && /\bdefinePlugin(<[^>]*>)?\(/.test(line));
        if (calls) found.push(name);
      }
    }
  };
  walk(core);
  return found.sort();
}

/** The names of the bench's variants: the keys of its `variants` object. */
function benchRows(): Set<string> {
  const body = bench.slice(
    bench.indexOf('const variants = {'),
    bench.indexOf('\n};', bench.indexOf('const variants = {')),
  );
  const rows = new Set<string>();
  for (const match of body.matchAll(/^ {2}(?:'([^']+)'|(\w+)):/gm))
    rows.add(match[1] ?? (match[2] as string));
  return rows;
}

describe('the plugins bench', () => {
  it('has a row for every plugin core makes', () => {
    const modules = pluginModules();
    // The walk is real: it finds the plugins everyone knows.
    expect(modules).toContain('loop-guard/loop-guard.ts');
    expect(modules).toContain('memory/memory-plugin.ts');
    const unlisted = modules.filter((module) => !(module in ROWS));
    expect(
      unlisted,
      'a plugin module without a bench row: add one to plugin-step-bench.ts and here',
    ).toEqual([]);
  });

  it('names only modules that exist', () => {
    const gone = Object.keys(ROWS).filter((module) => !existsSync(join(core, module)));
    expect(gone, 'a plugin module moved or removed: update ROWS').toEqual([]);
  });

  it("measures each listed plugin in a row of its own, beside the A/A control and the seam's own cost", () => {
    const rows = benchRows();
    for (const control of ['off', 'off again', 'empty'])
      expect(rows.has(control), control).toBe(true);
    const missing = Object.entries(ROWS).flatMap(([module, names]) =>
      names.filter((name) => !rows.has(name)).map((name) => `${module}: ${name}`),
    );
    expect(missing).toEqual([]);
  });
});
