// README: "File Search stores". A store built from a file, then an agent that answers from it
// with citations; run against the fake, which serves the stores and retrieves by shared words.
import { createAgent, createGemini, fileSearch } from '@gemloop/core';
import { createFileSearchStores } from '@gemloop/core/http';

const gemini = createGemini();
const stores = createFileSearchStores(gemini); // Gemini API only (Vertex: the RAG Engine)
const store = await stores.create({ displayName: 'handbook' });
const leave = new Blob(['Every employee gets 25 days of paid leave a year.'], {
  type: 'text/plain',
});
const operation = await stores.upload(store.name, leave, {
  displayName: 'leave.txt',
  customMetadata: [{ key: 'team', stringValue: 'hr' }],
  chunkingConfig: { whiteSpaceConfig: { maxTokensPerChunk: 200, maxOverlapTokens: 20 } },
});
await stores.waitForOperation(operation); // chunked and embedded: searchable now

const agent = createAgent({
  gemini,
  model: 'gemini-3-flash-preview',
  tools: [fileSearch({ fileSearchStoreNames: [store.name], metadataFilter: 'team = "hr"' })],
});
const result = await agent.run('How many days of paid leave do I get?');
// Titles, excerpts and answers are the documents' and the model's text: a control character in
// them (an escape sequence, a bidi override) is shown as text, never sent to the terminal.
const shown = (text = '') =>
  text.replace(
    /(?![\n\t])[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu,
    (c) => `\\u{${c.charCodeAt(0).toString(16)}}`,
  );
console.log(shown(result.text));
for (const chunk of result.grounding.flatMap((grounding) => grounding.groundingChunks ?? [])) {
  console.log(
    `cited: ${shown(chunk.retrievedContext?.title)}: ${shown(chunk.retrievedContext?.text)}`,
  );
}
await stores.delete(store.name, { force: true });
