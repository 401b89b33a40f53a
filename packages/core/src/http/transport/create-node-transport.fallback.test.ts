import { describe, expect, it, vi } from 'vitest';
import { loadUndici } from './create-node-transport.ts';

// An undici release that moved its request API to another file: the package root is loaded.
vi.mock('undici/lib/api/api-request.js', () => {
  throw new Error("Cannot find module 'undici/lib/api/api-request.js'");
});

describe('loadUndici when undici moved its files', () => {
  it("falls back to undici's package root, with parts that still work", async () => {
    const undici = await import('undici');
    const parts = await loadUndici();
    expect(parts.from).toBe('package root');
    expect(parts.Agent).toBe(undici.Agent);
    expect(parts.request).toBe(undici.Dispatcher.prototype.request);
  });
});
