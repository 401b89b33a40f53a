import { describe, expect, it } from 'vitest';
import { googleSearch } from '../builtin/built-in-tools.ts';
import { defineTool } from './define-tool.ts';
import { isBuiltinTool, isFunctionTool, isTool } from './is-function-tool.ts';

describe('tool guards', () => {
  const fn = defineTool({ name: 'f', execute: () => 1 });
  const builtin = googleSearch();

  it('tell function tools from built-in tools', () => {
    expect(isFunctionTool(fn)).toBe(true);
    expect(isFunctionTool(builtin)).toBe(false);
    expect(isBuiltinTool(builtin)).toBe(true);
    expect(isBuiltinTool(fn)).toBe(false);
    expect(isTool(fn) && isTool(builtin)).toBe(true);
  });

  it('reject lookalikes and non-objects', () => {
    expect(isFunctionTool({ kind: 'function', name: 'f' })).toBe(false);
    expect(isBuiltinTool({ kind: 'builtin', type: 'googleSearch' })).toBe(false);
    expect(isTool(undefined)).toBe(false);
    expect(isTool('googleSearch')).toBe(false);
  });
});
