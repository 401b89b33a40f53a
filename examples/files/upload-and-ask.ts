// The Files API: media too large to send inline is uploaded (the resumable protocol, a chunk at a
// time, with progress), then referred to by a fileData part. `filePart` picks for you: inline up to
// 20 MB, uploaded above. Offline, a 1.5 MB "recording" stands in for the large file, with the
// inline limit lowered to 1 MB so that it is uploaded.
//
//   node scripts/run-example.mjs files

import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgent, type Part } from '@gemloop/core';
import { createFiles, filePart } from '@gemloop/core/http';
import { type FakeScriptFunction, turn } from '@gemloop/testing';
import { run } from '../lib/run.ts';
import { shownAnswer } from '../lib/trace-printer.ts';

// Offline, the fake cannot listen: it answers from a script, after checking what arrived.
const describeWhatArrived: FakeScriptFunction = (request) => {
  const file = request.body.contents
    .flatMap((content) => content.parts)
    .find((part) => part.fileData !== undefined)?.fileData;
  return turn.text(
    file === undefined
      ? 'I did not receive a file.'
      : `(scripted) I received ${file.mimeType} by reference (${file.fileUri.replace(/^.*\/files\//, 'files/')}). A real model would now summarise the recording.`,
  );
};

await run(
  async ({ gemini, model, offline }) => {
    // 1.5 MB of silence (zero bytes): large enough to go through the Files API offline.
    const path = join(tmpdir(), 'gemloop-recording.wav');
    writeFileSync(path, new Uint8Array(1_500_000));
    console.log(`file: ${path} (1500000 bytes)`);

    const part = await filePart(gemini, path, {
      mimeType: 'audio/wav',
      displayName: 'recording',
      // Offline only: the fake's chunks are 256 KiB, so the upload shows several.
      ...(offline ? { inlineLimitBytes: 1_000_000, chunkSize: 512 * 1024 } : {}),
      onProgress: ({ uploadedBytes, totalBytes }) =>
        console.log(`uploaded ${uploadedBytes}/${totalBytes} bytes`),
    });
    console.log(
      'fileData' in part ? `sent by reference: ${part.fileData.mimeType}` : 'sent inline',
    );

    const parts: Part[] = [part, { text: 'Summarise this recording in one sentence.' }];
    const agent = createAgent({ gemini, model });
    const result = await agent.run(parts);
    console.log(shownAnswer(result.text));

    if ('fileData' in part) {
      // Files expire after 48 hours anyway; delete what you no longer need.
      const name = `files/${part.fileData.fileUri.replace(/^.*\/files\//, '')}`;
      await createFiles(gemini).delete(name);
      console.log(`deleted ${name}`);
    }
  },
  { script: describeWhatArrived },
);
