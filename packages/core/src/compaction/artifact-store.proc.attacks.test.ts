import { describe, expect, it } from 'vitest';
import { createFileArtifactStore } from './create-file-artifact-store.ts';

// attack29's note, leftovers35a: `mkdirSync(directory, { recursive: true })` under /proc never
// returns (procfs answers ENOENT, Node makes the parent and tries again, forever) and froze the
// whole process at 100 % CPU: no timer, no signal handler, no hang guard ran again. The store's
// folder is made with the bounded `mkdir -p`, so the factory throws Node's ENOENT instead.

describe('createFileArtifactStore', () => {
  it('throws for a directory under /proc instead of freezing the process', () => {
    expect(() => createFileArtifactStore({ directory: '/proc/gemloop-attack/artifacts' })).toThrow(
      expect.objectContaining({ code: 'ENOENT' }),
    );
  });
});
