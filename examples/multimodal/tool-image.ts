// A tool that returns an image: `toolResult({ output, parts })` sends the JSON output and the
// picture together. On Gemini 3 the image travels inside the functionResponse (its `parts`);
// older models do not accept that, so gemloop moves it into the same user turn beside the
// response. Either way the model looks at the chart it asked for.
//
//   node scripts/run-example.mjs multimodal:tool-image
//   node scripts/run-example.mjs multimodal:tool-image --model gemini-2.5-flash

import { createAgent, defineTool, type Part, toolResult } from '@gemloop/core';
import { type FakeScriptFunction, turn } from '@gemloop/testing';
import { z } from 'zod';
import { createPixels, encodePng, fill, type Rgb } from '../lib/encode-png.ts';
import { run } from '../lib/run.ts';
import { shownAnswer } from '../lib/trace-printer.ts';

const BAR_COLORS: readonly Rgb[] = [
  [66, 133, 244],
  [219, 68, 55],
  [244, 180, 0],
  [15, 157, 88],
];

/** A bar chart as a PNG: one bar per value, scaled to the largest. */
function drawBarChart(values: readonly number[]): Uint8Array {
  const width = 40 + values.length * 50;
  const pixels = createPixels(width, 140, [255, 255, 255]);
  const top = Math.max(...values, 1);
  values.forEach((value, index) => {
    const left = 30 + index * 50;
    const height = Math.round((Math.max(value, 0) / top) * 110);
    fill(
      pixels,
      BAR_COLORS[index % BAR_COLORS.length] as Rgb,
      (x, y) => x >= left && x < left + 36 && y >= 125 - height && y < 125,
    );
  });
  fill(pixels, [40, 40, 40], (x, y) => y >= 125 && y < 127 && x >= 20 && x < width - 10);
  return encodePng(pixels);
}

const renderChart = defineTool({
  name: 'render_bar_chart',
  description: 'Draws a bar chart of the values and returns it as a PNG image you can look at.',
  parameters: z.object({
    title: z.string(),
    labels: z.array(z.string()).describe('One label per bar'),
    values: z.array(z.number()).min(1).max(12),
  }),
  execute: ({ title, labels, values }) => {
    const png = drawBarChart(values);
    return toolResult({
      output: { title, bars: labels.length, bytes: png.length },
      parts: [{ mimeType: 'image/png', data: png }],
    });
  },
});

// Offline: the fake calls the tool, then says where the image arrived (it cannot see it).
const SCRIPT: FakeScriptFunction = (request) => {
  const { contents } = request.body;
  const lastModelTurn = contents.findLastIndex((content) => content.role === 'model');
  const since =
    lastModelTurn < 0 ? [] : contents.slice(lastModelTurn + 1).flatMap((content) => content.parts);
  if (!since.some((part) => part.functionResponse !== undefined)) {
    return turn.call('render_bar_chart', {
      title: 'Sales, January to April',
      labels: ['Jan', 'Feb', 'Mar', 'Apr'],
      values: [12, 19, 7, 15],
    });
  }
  const where = since.some((part) =>
    part.functionResponse?.parts?.some((media) => media.inlineData),
  )
    ? 'inside the functionResponse (Gemini 3)'
    : since.some((part: Part) => part.inlineData !== undefined)
      ? 'as an image part in a user turn after the functionResponse (older models)'
      : 'without an image';
  return turn.text(
    `(scripted) The chart arrived ${where}. A real model would now read it: March has the shortest bar, so it is the weakest month.`,
  );
};

await run(
  async ({ gemini, model }) => {
    const agent = createAgent({ gemini, model, tools: [renderChart] });
    const result = await agent.run(
      'Chart these monthly sales as bars: Jan 12, Feb 19, Mar 7, Apr 15. Then look at the chart and tell me which month looks weakest.',
    );
    for (const call of result.steps.flatMap((step) => step.toolCalls)) {
      console.log(
        `${call.toolName} -> ${JSON.stringify(call.response.response)} + ${call.response.parts?.length ?? 0} image part(s)`,
      );
    }
    console.log(shownAnswer(result.text));
  },
  { script: SCRIPT },
);
