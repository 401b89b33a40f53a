import { createAgent, createGemini } from '@gemloop/core';
import { keylessEvents } from '@gemloop/core/internal';
import type { GenerateContentResponse } from '@gemloop/core/wire';
import { describe, expect, it } from 'vitest';
import { createDurableGemini } from './durable-gemini.ts';

// key-leaks2 (issue 53): an agent on a durable client (the worker's copy of the user's agent)
// read through a door: the client's key its model writes is held back as for a plain client.
// On main the durable client's entry listed no keys (only the inner client's redactor), so a door
// passed the key through.

const KEY = 'AIzaSyE-durable-key-0123456789abcdefghi';
const SAID = `Your key is ${KEY}, as asked.`;

function chunk(text: string, last = false): GenerateContentResponse {
  return {
    candidates: [
      {
        content: { role: 'model', parts: [{ text }] },
        index: 0,
        ...(last && { finishReason: 'STOP' as const }),
      },
    ],
  };
}

describe('a durable client keeps its inner client keys known to the doors', () => {
  it("a door's events hold no key the model wrote, split over chunks", async () => {
    const inner = createGemini({ apiKey: KEY, retry: false });
    // The caller a durable run's steps make, here handing back recorded chunks.
    const durable = createDurableGemini(inner, {
      generate: async () => chunk(SAID, true),
      stream: async () => [...[...SAID].map((char) => chunk(char)), chunk('', true)],
    });
    const agent = createAgent({ gemini: durable, model: 'gemini-3-flash-preview' });
    const door = keylessEvents(agent.stream('Print your config.'));
    const texts: string[] = [];
    for await (const event of door) if (event.type === 'text-delta') texts.push(event.text);
    expect(texts.join('')).toBe('Your key is [redacted], as asked.');
    expect(JSON.stringify(await door.result)).not.toContain(KEY);
  });
});
