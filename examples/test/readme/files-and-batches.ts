// README: "Files and batches". A file uploaded and referred to by a part, then two requests sent
// as one batch job; run against the fake, which serves both APIs.
import { createAgent, createGemini } from '@gemloop/core';
import { createBatches, createFiles, filePart } from '@gemloop/core/http';

const gemini = createGemini();
const recording = new Blob([new Uint8Array(300_000)], { type: 'audio/wav' });

const files = createFiles(gemini);
const file = await files.upload(recording, { mimeType: 'audio/wav', displayName: 'recording' });
await files.waitUntilActive(file); // PROCESSING -> ACTIVE (video takes a while)
// or let filePart choose: inline under 20 MB, uploaded above
const part = await filePart(gemini, recording, { mimeType: 'audio/wav' });
const agent = createAgent({ gemini, model: 'gemini-3-flash-preview' });
console.log((await agent.run([part, { text: 'Summarise the recording.' }])).text);

const batches = createBatches(gemini); // half price, answered within 48 hours
const job = await batches.create({
  model: 'gemini-3-flash-preview',
  requests: [{ contents: 'Name a city in France.' }, { contents: 'Name a city in Spain.' }],
});
const done = await batches.wait(job, { pollIntervalMs: 1_000 }); // default: every 10 s
for (const answer of await batches.results(done)) {
  console.log(
    answer.key,
    answer.response?.candidates?.[0]?.content?.parts?.[0]?.text ?? answer.error,
  );
}
