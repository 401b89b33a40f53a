import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { createMemoryArtifactStore } from './artifact-store.ts';
import { createFileArtifactStore } from './create-file-artifact-store.ts';

// Outside attacks on the artifact stores' bounds (attack13): `maxBytes` bounds the memory or disk
// one hostile tool result can take. A value that is not a byte count must be refused, not read as
// "no bound" (a string or NaN compared false with every size) or "keep nothing" (a negative one).

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const fresh = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'gemloop-artifacts-'));
  dirs.push(dir);
  return dir;
};
const ID = '00000000-0000-4000-8000-000000000000';

describe('artifact stores: maxBytes that is not a byte count', () => {
  for (const maxBytes of ['lots', '100', Number.NaN, -1, 1.5, Number.POSITIVE_INFINITY, null]) {
    it(`createMemoryArtifactStore({ maxBytes: ${String(maxBytes)} }) is an InvalidArgumentError naming it`, () => {
      expect(() => createMemoryArtifactStore({ maxBytes } as never)).toThrow(InvalidArgumentError);
      expect(() => createMemoryArtifactStore({ maxBytes } as never)).toThrow(/maxBytes/);
    });
    it(`createFileArtifactStore({ maxBytes: ${String(maxBytes)} }) is an InvalidArgumentError naming it, nothing made`, () => {
      const dir = join(fresh(), 'store');
      expect(() => createFileArtifactStore({ directory: dir, maxBytes } as never)).toThrow(
        /maxBytes/,
      );
      expect(() => readdirSync(dir)).toThrow(/ENOENT/);
    });
  }

  it('refuses a misspelt option with the one meant, and options that are not an object', () => {
    expect(() => createMemoryArtifactStore({ maxByte: 10 } as never)).toThrow(/maxBytes/);
    expect(() => createMemoryArtifactStore(null as never)).toThrow(InvalidArgumentError);
    expect(() => createFileArtifactStore({ directory: fresh(), maxByte: 10 } as never)).toThrow(
      /maxBytes/,
    );
    expect(() => createFileArtifactStore(null as never)).toThrow(InvalidArgumentError);
  });

  it('keeps the bound a good maxBytes sets', async () => {
    const memory = createMemoryArtifactStore({ maxBytes: 10 });
    memory.put(ID, 'x'.repeat(6));
    expect(memory.get(ID)).toBeUndefined();
    memory.put(ID, 'x'.repeat(5));
    expect(memory.get(ID)).toBe('xxxxx');
    const file = createFileArtifactStore({ directory: fresh(), maxBytes: 5 });
    file.put(ID, 'x'.repeat(6));
    expect(await file.get(ID)).toBeUndefined();
    file.put(ID, 'x'.repeat(5));
    expect(await file.get(ID)).toBe('xxxxx');
  });
});
