import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// msw is an optional peer: the node server path must never load it. Walks the runtime imports
// (not `import type`, which erases) from the testing barrel and fails on any value import of msw.

// `import x from`, `export { x } from` (re-exports load the module too); not `import type`.
const runtimeImport = /^(?:import|export)\s+(?!type\b)[^;]*?from\s+'([^']+)';/gms;

function runtimeImportsOf(file: URL): string[] {
  const source = readFileSync(file, 'utf8');
  return [...source.matchAll(runtimeImport)].map((match) => match[1] as string);
}

function reachableFiles(entry: URL): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop() as URL;
    if (seen.has(file.href)) continue;
    const imports = runtimeImportsOf(file);
    seen.set(file.href, imports);
    for (const specifier of imports) {
      if (specifier.startsWith('.')) pending.push(new URL(specifier, file));
    }
  }
  return seen;
}

describe('the testing module graph', () => {
  it('has no value import of msw, so createFakeGemini and listen() run without it', () => {
    const graph = reachableFiles(new URL('../index.ts', import.meta.url));
    expect(graph.size).toBeGreaterThan(20);
    const offenders = [...graph].filter(([, imports]) =>
      imports.some((specifier) => specifier === 'msw' || specifier.startsWith('msw/')),
    );
    expect(offenders.map(([file]) => file)).toEqual([]);
  });

  it('would catch a value import of msw', () => {
    const source = "import { http } from 'msw';\nimport type { HttpHandler } from 'msw';\n";
    expect([...source.matchAll(runtimeImport)].map((match) => match[1])).toEqual(['msw']);
  });
});
