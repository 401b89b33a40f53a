import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { countOptionReads } from '@gemloop/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createCalculatorTool } from './calculator/create-calculator-tool.ts';
import { createDateTimeTools } from './date-time/create-date-time-tools.ts';
import { createFileTools } from './files/create-file-tools.ts';
import { createMcpElicitationBroker } from './mcp/elicitation/create-mcp-elicitation-broker.ts';
import { createWebFetchTool } from './web-fetch/create-web-fetch-tool.ts';

// attack20: a factory that checks an option and then reads it again can be handed one value by
// the check and another by the code that uses it (a getter, a Proxy). attack17 made the
// calculator, the file tools and web fetch read theirs once; this holds every ready-made tool's
// factory to it: each option is a getter that counts its reads.

const root = mkdtempSync(join(tmpdir(), 'gemloop-tools-read-once-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const factories: [name: string, values: object, make: (options: never) => unknown][] = [
  [
    'createDateTimeTools',
    { defaultTimeZone: 'Europe/Paris', locale: 'fr-FR', now: Date.now, namePrefix: 'clock_' },
    createDateTimeTools,
  ],
  [
    'createCalculatorTool',
    { name: 'calc', maxLength: 100, maxTokens: 50, maxDepth: 8, significantDigits: 10 },
    createCalculatorTool,
  ],
  [
    'createFileTools',
    { root, allowWrite: true, maxReadBytes: 1000, namePrefix: 'fs_' },
    createFileTools,
  ],
  [
    'createWebFetchTool',
    { name: 'fetch_page', maxBytes: 10_000, timeoutMs: 1000 },
    createWebFetchTool,
  ],
  ['createMcpElicitationBroker', { timeoutMs: 1000, maxPending: 4 }, createMcpElicitationBroker],
];

describe("the ready-made tools' factories read each option once", () => {
  for (const [name, values, make] of factories) {
    it(`${name} reads each of its options once`, () => {
      const { options, reads } = countOptionReads(values);
      make(options as never);
      expect(Object.entries(reads).filter(([, count]) => count > 1)).toEqual([]);
    });
  }
});
