import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { createGemini } from '../../http/create-gemini.ts';
import type { Logger } from '../../logging/logger.ts';
import { createFakeGemini, type FakeGemini } from '@gemloop/testing';
import { defineTool } from '../../tools/define/define-tool.ts';
import type { Content } from '../../wire/content.ts';
import type { GenerateContentBody } from '../../wire/request.ts';

/** Fakes and temporary directories made by a test, closed and removed by `cleanUp()`. */
const fakes: FakeGemini[] = [];
const directories: string[] = [];

export async function cleanUp(): Promise<void> {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
  await Promise.all(
    directories.splice(0).map((directory) => rm(directory, { recursive: true, force: true })),
  );
}

/** A fake Gemini on 127.0.0.1 and a client for it with retries off. */
export async function serve(options: Parameters<typeof createFakeGemini>[0] = {}) {
  const fake = createFakeGemini(options);
  fakes.push(fake);
  const { url } = await fake.listen();
  return { fake, gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }) };
}

export async function temporaryDirectory(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'gemloop-chat-'));
  directories.push(directory);
  return directory;
}

/** The contents of the `index`th model request the fake received. */
export function sentContents(fake: FakeGemini, index: number): Content[] {
  const request = fake.modelRequests[index];
  if (request === undefined) throw new Error(`the fake received no model request ${index}`);
  return (request.body as GenerateContentBody).contents;
}

export type LogLine = { level: string; fields: Record<string, unknown>; message: string };

/** A logger that keeps every line, with its bindings merged in. */
export function recordingLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const make = (bindings: Record<string, unknown>): Logger => {
    const method =
      (level: string) =>
      (fields: Record<string, unknown>, message = '') => {
        lines.push({ level, fields: { ...bindings, ...fields }, message });
      };
    return {
      child: (more) => make({ ...bindings, ...more }),
      trace: method('trace'),
      debug: method('debug'),
      info: method('info'),
      warn: method('warn'),
      error: method('error'),
    };
  };
  return Object.assign(make({}), { lines });
}

export const weather = defineTool({
  name: 'get_weather',
  description: 'Current weather for a city.',
  parameters: z.object({ city: z.string() }),
  execute: ({ city }) => ({ city, forecast: city === 'Paris' ? 'sunny' : 'snow' }),
});

/** A one-pixel PNG, as an image-only user message (no text: the active loop reaches back). */
export const pixel: Content['parts'] = [
  {
    inlineData: {
      mimeType: 'image/png',
      data: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
    },
  },
];

/** Every thought signature in `contents`, in order. */
export function signaturesOf(contents: readonly Content[]): string[] {
  return contents.flatMap((content) =>
    content.parts.flatMap((part) =>
      part.thoughtSignature === undefined ? [] : [part.thoughtSignature],
    ),
  );
}

/** What `run` throws, or `undefined`. */
export function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}
