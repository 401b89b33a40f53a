import { createRequire } from 'node:module';
import { describe, expect, it, vi } from 'vitest';

const loaded = vi.hoisted(() => ({ luxon: false, turndown: false }));

vi.mock('luxon', async (importOriginal) => {
  loaded.luxon = true;
  return importOriginal();
});
vi.mock('turndown', async (importOriginal) => {
  loaded.turndown = true;
  return importOriginal();
});

describe('@gemloop/tools', () => {
  it('exports the factories and error classes by name', async () => {
    const tools = await import('./index.ts');
    expect(
      Object.keys(tools)
        .filter((name) => !name.toLowerCase().includes('mcp'))
        .sort(),
    ).toEqual([
      'CalculatorError',
      'DEFAULT_ALLOWED_CONTENT_TYPES',
      'DateTimeError',
      'FileToolError',
      'SkillError',
      'WebFetchError',
      'createCalculatorTool',
      'createDateTimeTools',
      'createFileTools',
      'createWebFetchTool',
      'loadSkills',
      'skills',
    ]);
  });

  it('loads luxon, turndown and ipaddr.js only when a tool needs them', async () => {
    const requireHere = createRequire(import.meta.url);
    const ipaddrLoaded = (): boolean =>
      Object.keys(requireHere.cache).some((path) => path.includes('ipaddr.js'));
    const { createDateTimeTools, createWebFetchTool, createCalculatorTool, createFileTools } =
      await import('./index.ts');
    createCalculatorTool();
    createFileTools({ root: '.' });
    const dateTime = createDateTimeTools({ now: () => 0 });
    createWebFetchTool();
    expect(loaded).toEqual({ luxon: false, turndown: false });
    expect(ipaddrLoaded()).toBe(false);

    const context = {
      signal: new AbortController().signal,
      toolCallId: 'c',
      step: 1,
      logger: (await import('@gemloop/core/logging')).silentLogger,
      contents: [],
    };
    await dateTime.currentTime.execute({}, context);
    expect(loaded.luxon).toBe(true);
    const webFetch = createWebFetchTool({ lookup: async () => [] });
    await expect(webFetch.execute({ url: 'http://127.0.0.1/' }, context)).rejects.toThrow(
      /loopback/,
    );
    expect(ipaddrLoaded()).toBe(true);
    // turndown only ever runs inside the HTML worker thread, never in this one.
    expect(loaded.turndown).toBe(false);
  });
});
