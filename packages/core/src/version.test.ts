import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { version } from './version.ts';

describe('version', () => {
  it('is the version in package.json (a release that bumps one and not the other fails here)', () => {
    const manifest = JSON.parse(
      readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
    ) as { version: string };
    expect(version).toBe(manifest.version);
  });
});
