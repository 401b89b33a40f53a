import { describe, expect, it } from 'vitest';
import { REDIRECT_MODE, redirectModeFor } from './redirect-mode.ts';

describe('redirectModeFor', () => {
  it("is 'manual' in Cloudflare Workers, which reject 'error'", () => {
    expect(redirectModeFor('Cloudflare-Workers')).toBe('manual');
  });

  it("is 'error' elsewhere (Node, Bun, Deno, browsers, unknown)", () => {
    expect(redirectModeFor(undefined)).toBe('error');
    expect(redirectModeFor('Node.js/20')).toBe('error');
    expect(redirectModeFor('Mozilla/5.0 Chrome/140.0')).toBe('error');
    expect(REDIRECT_MODE).toBe('error');
  });
});
