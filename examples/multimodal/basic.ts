// Multimodal input: the user turn carries an image next to the text, as an inlineData part. The
// picture (three shapes) is drawn in code and saved to a temporary file so you can look at it.
//
//   node scripts/run-example.mjs multimodal

import { Buffer } from 'node:buffer';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgent, type Part } from '@gemloop/core';
import { type FakeScriptFunction, turn } from '@gemloop/testing';
import { createPixels, encodePng, fill } from '../lib/encode-png.ts';
import { run } from '../lib/run.ts';
import { shownAnswer } from '../lib/trace-printer.ts';

/** A red circle, a blue square and a green triangle, left to right, on white. */
function drawShapes(): Uint8Array {
  const pixels = createPixels(192, 64, [255, 255, 255]);
  fill(pixels, [220, 30, 30], (x, y) => (x - 32) ** 2 + (y - 32) ** 2 <= 22 ** 2);
  fill(pixels, [30, 60, 220], (x, y) => x >= 76 && x <= 116 && y >= 12 && y <= 52);
  fill(pixels, [30, 160, 60], (x, y) => y >= 12 && y <= 52 && Math.abs(x - 160) <= (y - 12) / 2);
  return encodePng(pixels);
}

// Offline, the fake cannot see: it answers from a script, after checking that the image arrived.
const describeWhatArrived: FakeScriptFunction = (request) => {
  const image = request.body.contents
    .flatMap((content) => content.parts)
    .find((part) => part.inlineData !== undefined)?.inlineData;
  return turn.text(
    image === undefined
      ? 'I did not receive an image.'
      : `(scripted) I received an image (${image.mimeType}, ${Buffer.from(image.data, 'base64').length} bytes). A real model would now describe it: a red circle, a blue square and a green triangle.`,
  );
};

await run(
  async ({ gemini, model }) => {
    const png = drawShapes();
    const file = join(tmpdir(), 'gemloop-shapes.png');
    writeFileSync(file, png);
    console.log(`image: ${file} (${png.length} bytes)`);

    const parts: Part[] = [
      {
        text: 'What shapes and colours are in this picture, from left to right? One short sentence.',
      },
      { inlineData: { mimeType: 'image/png', data: Buffer.from(png).toString('base64') } },
    ];
    const agent = createAgent({ gemini, model });
    const result = await agent.run(parts);

    console.log(shownAnswer(result.text));
  },
  { script: describeWhatArrived },
);
