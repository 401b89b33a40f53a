import { type createAgent, createGemini, defineTool } from '@gemloop/core';
import { createFakeGemini, type FakeGemini } from '@gemloop/testing';
import { afterEach } from 'vitest';
import { z } from 'zod';

// What the outside attacks on the plugin seam share (seam-outside.attacks.test.ts,
// run-generate.attacks.test.ts): a keyed client over the fake Gemini on 127.0.0.1, closed after
// each test, a run or stream's outcome, and everything a caller can read of an error.

export const MODEL = 'gemini-2.5-flash';
export const KEY = 'AIzaOutsideAttack-0123456789abcdef';
const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

/** A fake Gemini serving `script`, and a client with {@link KEY} over it. */
export async function serve(script: NonNullable<Parameters<typeof createFakeGemini>[0]>['script']) {
  const fake = createFakeGemini({ script });
  fakes.push(fake);
  const { url } = await fake.listen();
  return { fake, gemini: createGemini({ baseUrl: url, apiKey: KEY, retry: false }) };
}

export type Mode = 'run' | 'stream';
type Agent = ReturnType<typeof createAgent>;

/** How a run (`run`) or a stream (`stream`) of `agent` ended. */
export async function outcome(
  agent: Agent,
  mode: Mode,
  input: string,
  options?: Parameters<Agent['run']>[1],
): Promise<{ result?: Awaited<ReturnType<Agent['run']>>; error?: unknown }> {
  try {
    if (mode === 'run') return { result: await agent.run(input, options) };
    const stream = agent.stream(input, options);
    for await (const _event of stream);
    return { result: await stream.result };
  } catch (error) {
    return { error };
  }
}

/** Everything a caller can read of an error: message, stack, own fields and causes, as text. */
export function everything(error: unknown, depth = 0): string {
  if (depth > 4 || error === null || error === undefined) return '';
  if (typeof error !== 'object') return String(error);
  const record = error as Record<string, unknown>;
  let text = `${String(record['message'])}\n${String(record['stack'])}\n`;
  try {
    text += JSON.stringify(error);
  } catch {
    // A cycle: the fields are read one by one below.
  }
  for (const key of Object.getOwnPropertyNames(error)) {
    if (key === 'run') continue;
    const value = record[key];
    text += `\n${key}=${typeof value === 'object' ? everything(value, depth + 1) : String(value)}`;
  }
  return text;
}

/** Everything a span exporter would send of `spans` (names, attributes, events, status), as text. */
export function spansAsText(
  spans: readonly { name: string; attributes: unknown; events: unknown; status: unknown }[],
): string {
  return JSON.stringify(
    spans.map(({ name, attributes, events, status }) => ({ name, attributes, events, status })),
  );
}

/** Both ways to run an agent. */
export const MODES = ['run', 'stream'] as const;

/** A tool that answers with what it was asked. */
export const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a word up.',
  parameters: z.object({ q: z.string() }),
  execute: ({ q }) => ({ found: q }),
});

/** An object whose every read throws an error holding {@link KEY}: what a hook must not pass on. */
export function trappedProxy(): object {
  return new Proxy(
    {},
    {
      get() {
        throw new Error(`trap ${KEY}`);
      },
    },
  );
}
