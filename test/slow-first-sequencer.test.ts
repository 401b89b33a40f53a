import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type SequencedFile, SLOW_FILES, slowFirst } from '../scripts/slow-first-sequencer.ts';

// The sequencer starts the files it names first (vitest.config.ts): a name that matches no file
// (a file moved or renamed, as several were in the folder splits) changes nothing and says
// nothing, and the moved file starts among the last again, ending the run alone.
describe('SLOW_FILES (scripts/slow-first-sequencer.ts)', () => {
  it('names files that exist: a moved file left behind is no longer started first', () => {
    const root = new URL('../', import.meta.url);
    expect(
      SLOW_FILES.filter((file) => !statSync(new URL(file, root), { throwIfNoEntry: false })),
    ).toEqual([]);
  });
});

const root = '/repo';
const file = (project: string, path: string, groupOrder: number): SequencedFile => ({
  moduleId: `${root}/${path}`,
  project: { name: project, config: { sequence: { groupOrder } } },
});
const names = (files: readonly SequencedFile[]): string[] =>
  files.map((each) => `${each.project.name}:${each.moduleId.slice(root.length + 1)}`);

describe('slowFirst (scripts/slow-first-sequencer.ts)', () => {
  it("starts the slow files first, then the project of a group's last slow file, then Vitest's order", () => {
    // Vitest's order: projects by name. The unit group's slow files are tools' stdio file and
    // core's two heap tests, core's last: core's other files follow them, so the workers that ran
    // the heap tests carry on with core's graph instead of being stopped for bench's first file.
    const vitestOrder = [
      file('bench', 'bench/src/a.test.ts', 0),
      file('client', 'packages/client/src/b.test.ts', 0),
      file('core', 'packages/core/src/c.test.ts', 0),
      file('core', 'packages/core/src/agent/fleet-retention.test.ts', 0),
      file('core', 'packages/core/src/chat/chat-retention.test.ts', 0),
      file('core', 'packages/core/src/d.test.ts', 0),
      file('tools', 'packages/tools/src/e.test.ts', 0),
      file('tools', 'packages/tools/src/mcp/connect/connect-mcp-stdio.test.ts', 0),
      file('cli', 'packages/cli/src/f.test.ts', 1),
      file('integration', 'test/g.test.ts', 1),
      file('integration', 'test/packed-install.test.ts', 1),
      file('runtimes', 'test/runtimes/h.test.ts', 1),
      file('runtimes', 'test/runtimes/bun.test.ts', 1),
    ];
    expect(names(slowFirst(vitestOrder, root))).toEqual([
      'tools:packages/tools/src/mcp/connect/connect-mcp-stdio.test.ts',
      'core:packages/core/src/agent/fleet-retention.test.ts',
      'core:packages/core/src/chat/chat-retention.test.ts',
      'core:packages/core/src/c.test.ts',
      'core:packages/core/src/d.test.ts',
      'bench:bench/src/a.test.ts',
      'client:packages/client/src/b.test.ts',
      'tools:packages/tools/src/e.test.ts',
      'integration:test/packed-install.test.ts',
      'runtimes:test/runtimes/bun.test.ts',
      'runtimes:test/runtimes/h.test.ts',
      'cli:packages/cli/src/f.test.ts',
      'integration:test/g.test.ts',
    ]);
  });

  it("keeps Vitest's order in a group without slow files", () => {
    const vitestOrder = [file('b', 'x/1.test.ts', 0), file('a', 'x/2.test.ts', 0)];
    expect(slowFirst(vitestOrder, root)).toEqual(vitestOrder);
  });
});
