import { describe, expect, it } from 'vitest';
import { version } from './version.ts';

describe('version', () => {
  it('is semver', () => {
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
