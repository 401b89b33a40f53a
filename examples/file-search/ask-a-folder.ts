// File Search: Google chunks, embeds and indexes your files in a File Search store, and the
// fileSearch tool retrieves from it, answering with citations. This builds a store from the
// handbook folder beside this file (an upload per file, each a long-running operation awaited),
// asks a question, prints the answer and the passages it cites, then deletes the store.
// Gemini API only (Vertex AI uses its RAG Engine). Offline, gemloop's fake serves the store and
// retrieves by shared words (no embeddings), so the citations are the fake's choice.
//
//   node scripts/run-example.mjs file-search [-- "How many days of leave do I get?"]

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAgent, fileSearch } from '@gemloop/core';
import { createFileSearchStores } from '@gemloop/core/http';
import { type FakeScriptFunction, turn } from '@gemloop/testing';
import { run } from '../lib/run.ts';
import { shownAnswer, shownText } from '../lib/trace-printer.ts';

const HANDBOOK = fileURLToPath(new URL('./handbook/', import.meta.url));

// Offline, the fake retrieves from the store and hands the chunks to the script, which answers
// from the best one; the fake adds the citations (groundingMetadata) to the answer.
const answerFromTheStore: FakeScriptFunction = (_request, context) => {
  const best = context.fileSearchResults?.[0];
  return turn.text(
    best === undefined
      ? 'The handbook does not say.'
      : `(scripted from the retrieved passage) ${best.text.replace(/^#.*\n+/, '').split('\n')[0]}`,
  );
};

await run(
  async ({ gemini, model, positionals }) => {
    const question = positionals.join(' ') || 'How many days of paid leave do I get a year?';
    const stores = createFileSearchStores(gemini);
    const store = await stores.create({ displayName: 'gemloop handbook example' });
    console.log(`store: ${store.name}`);
    try {
      for (const file of readdirSync(HANDBOOK).sort()) {
        const operation = await stores.upload(store.name, join(HANDBOOK, file), {
          mimeType: 'text/markdown',
          displayName: file,
          customMetadata: [{ key: 'source', stringValue: 'handbook' }],
        });
        const done = await stores.waitForOperation(operation, { pollIntervalMs: 500 });
        console.log(`indexed ${file} -> ${done.response?.documentName ?? '(no document name)'}`);
      }

      const agent = createAgent({
        gemini,
        model,
        instructions: 'Answer from the handbook only, in one or two sentences.',
        tools: [
          fileSearch({ fileSearchStoreNames: [store.name], metadataFilter: 'source = "handbook"' }),
        ],
      });
      console.log(`\nQ: ${question}`);
      const result = await agent.run(question);
      console.log(`A: ${shownAnswer(result.text)}\n`);

      // Citations are the model's bytes: a list may be none, a title may hold terminal escapes.
      const chunks = result.grounding.flatMap((grounding) =>
        Array.isArray(grounding?.groundingChunks) ? grounding.groundingChunks : [],
      );
      if (chunks.length === 0) console.log('(no citations)');
      for (const [index, chunk] of chunks.slice(0, 20).entries()) {
        const context = chunk?.retrievedContext;
        const text = typeof context?.text === 'string' ? context.text : '';
        const title = typeof context?.title === 'string' ? context.title.slice(0, 200) : '?';
        const excerpt = text.slice(0, 400).replace(/\s+/g, ' ').slice(0, 100);
        console.log(`[${index + 1}] ${shownText(title)}: "${shownText(excerpt)}"`);
      }
      if (chunks.length > 20) console.log(`(and ${chunks.length - 20} more)`);
    } finally {
      await stores.delete(store.name, { force: true });
      console.log(`\ndeleted ${store.name}`);
    }
  },
  {
    description: 'Builds a File Search store from a folder and answers from it with citations.',
    positionals: { name: 'question', description: 'What to ask the handbook.' },
    script: answerFromTheStore,
    fakeOptions: { filesApi: { fileSearchPolls: 1 } },
  },
);
