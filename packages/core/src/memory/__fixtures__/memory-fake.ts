import { createFakeGemini, type FakeGemini } from '@gemloop/testing';
import { afterEach } from 'vitest';
import { createGemini } from '../../http/create-gemini.ts';
import type { Gemini } from '../../http/gemini.ts';
import type { Content } from '../../wire/content.ts';
import { createInMemoryStore } from '../create-in-memory-store.ts';
import { createMemory, type Memory } from '../create-memory.ts';
import { geminiEmbed } from '../gemini-embed.ts';

/** The words the test embedding knows: one dimension each, so shared words mean similar meaning. */
const WORDS = ['lisbon', 'porto', 'train', 'trains', 'plane', 'cat', 'dog', 'coffee', 'tea', 'travel', 'pet', 'drink', 'vegetarian', 'food'];
/** The test's embedding size (the smallest gemini-embedding-2 takes). */
export const DIMENSIONS = 128;

/** A bag-of-words embedding: texts sharing words score high, others 0. */
export function wordEmbedding(text: string): number[] {
  const vector = new Array<number>(DIMENSIONS).fill(0);
  for (const word of text.toLowerCase().match(/[a-z]+/g) ?? []) {
    const index = WORDS.indexOf(word);
    if (index >= 0) vector[index] = (vector[index] as number) + 1;
  }
  return vector;
}

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

/** A fake Gemini with the word embedding, a client on it, and a memory in memory (ids m1, m2...). */
export async function memoryFake(
  script: NonNullable<Parameters<typeof createFakeGemini>[0]>['script'],
): Promise<{ fake: FakeGemini; gemini: Gemini; memory: Memory }> {
  const fake = createFakeGemini({ script, embed: ({ text }) => wordEmbedding(text) });
  fakes.push(fake);
  const { url } = await fake.listen();
  let count = 0;
  const gemini = createGemini({ baseUrl: url, apiKey: 'secret-test-key', retry: false });
  const memory = createMemory({
    store: createInMemoryStore({ generateId: () => `m${++count}` }),
    embed: geminiEmbed({ gemini, dimensions: DIMENSIONS }),
  });
  return { fake, gemini, memory };
}

/** The `contents` of each generateContent (or stream) request the fake got, in order. */
export function modelRequests(fake: FakeGemini): Content[][] {
  return fake.requests
    .filter(({ method }) => method === 'generateContent' || method === 'streamGenerateContent')
    .map(({ body }) => (body as { contents: Content[] }).contents);
}
