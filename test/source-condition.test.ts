import { version } from '@gemloop/core';
import { describe, expect, it } from 'vitest';

describe('workspace resolution', () => {
  it('resolves @gemloop/core to its source', () => {
    expect(version).toBe('0.1.0');
    expect(import.meta.resolve('@gemloop/core')).toContain('/src/');
  });
});
