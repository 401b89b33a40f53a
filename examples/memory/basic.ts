// Long-term memory: one agent serves two users, each with their own memories in a JSON-lines
// file. Ana tells the agent a preference and the model saves it with the `remember` tool (its
// call answered by the run's memoryPlugin, in Ana's scope); in a later run the memory comes back
// as a note before the history (never into it), sent as data rather than instructions (a stored
// "ignore previous instructions" stays a quoted memory), and a `recalled` event shows its id.
// Bruno, asking the same question, gets nothing of Ana's. Then Ana sees what is remembered about
// her, and forgets it all.
//
//   node scripts/run-example.mjs memory
//
// With GEMINI_API_KEY set it asks Gemini (and embeds with gemini-embedding-2); without, gemloop's
// fake answers offline, with a small bag-of-words embedding so that texts sharing words are close.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgent } from '@gemloop/core';
import {
  createFileMemoryStore,
  createMemory,
  geminiEmbed,
  memoryPlugin,
  memoryTools,
} from '@gemloop/core/memory';
import type { GenerateContentBody } from '@gemloop/core/wire';
import { turn } from '@gemloop/testing';
import { run } from '../lib/run.ts';
import { shownAnswer, shownText } from '../lib/trace-printer.ts';

const WORDS = ['train', 'travel', 'plane', 'porto', 'lisbon', 'window', 'seat'];

/** Offline only: one dimension per known word (plurals folded), so shared words mean a close meaning. */
function wordEmbedding({ text, dimensions }: { text: string; dimensions: number }): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const word of text.toLowerCase().match(/[a-z]+/g) ?? []) {
    const index = WORDS.indexOf(word.replace(/s$/, ''));
    if (index >= 0) vector[index] = (vector[index] ?? 0) + 1;
  }
  return vector;
}

await run(
  async ({ gemini, model, fake }) => {
    const folder = await mkdtemp(join(tmpdir(), 'gemloop-memory-example-'));
    try {
      const memory = createMemory({
        store: createFileMemoryStore({ path: join(folder, 'memories.jsonl') }),
        embed: geminiEmbed({ gemini, dimensions: 128 }),
      });
      const agent = createAgent({
        gemini,
        model,
        instructions:
          'You are a travel assistant. When the user tells you a lasting preference, save it with the remember tool.',
        tools: [...memoryTools()],
      });
      const asUser = (scope: string) => ({ plugins: [memoryPlugin({ memory, scope })] });

      const told = await agent.run('I always travel by train, never by plane.', asUser('ana'));
      console.log(`ana: ${shownAnswer(told.text)}`);

      const stream = agent.stream('How should I travel to Porto?', asUser('ana'));
      for await (const event of stream) {
        if (event.type === 'plugin' && event.kind === 'recalled') {
          console.log(`recalled for ana: ${shownText(String(JSON.stringify(event.data)))}`);
        }
      }
      console.log(`ana: ${(await stream.result).text}`);
      // Offline, the fake kept what was sent: the note goes first, its memories as data (one JSON
      // line each, in a block no stored text can close), never as the prompt's own words.
      const sent = fake?.modelRequests.at(-1)?.body as GenerateContentBody | undefined;
      const note = sent?.contents?.[0]?.parts?.[0]?.text;
      if (note !== undefined) console.log(`the note the model got:\n${note}`);

      const other = await agent.run('How should I travel to Porto?', asUser('bruno'));
      console.log(`bruno: ${shownAnswer(other.text)}`);

      for (const remembered of await memory.list('ana')) {
        console.log(`remembered about ana: [${remembered.kind}] ${shownAnswer(remembered.text)}`);
      }
      console.log(`remembered about bruno: ${(await memory.list('bruno')).length} memories`);
      console.log(`ana forgets everything: ${await memory.forgetAll('ana')} deleted`);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  },
  {
    description: 'Long-term memory per user: remember, recall by meaning, list and forget.',
    script: [
      turn.call('remember', { text: 'Ana always travels by train, never by plane.' }),
      turn.text('Noted: trains it is.'),
      turn.text('Take the train to Porto, as you like.'),
      turn.text('By train or by plane, both work.'),
    ],
    fakeOptions: { embed: wordEmbedding },
  },
);
