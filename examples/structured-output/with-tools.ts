// Structured output after tool calls: the agent calls tools, then answers in the `output` schema.
// Gemini 3 takes the schema and the tools in the same request; Gemini 2.x cannot, so gemloop makes
// one extra call without tools for the structured answer (a step of kind 'final-output').
//
//   node scripts/run-example.mjs structured-output:with-tools
//   node scripts/run-example.mjs structured-output:with-tools --model gemini-2.5-flash

import { createAgent } from '@gemloop/core';
import { getModelCapabilities } from '@gemloop/core/models';
import { z } from 'zod';
import { createWeatherTool } from '../demo/weather-tool.ts';
import { run } from '../lib/run.ts';

const Report = z.object({
  cities: z.array(
    z.object({
      city: z.string(),
      temperatureC: z.number(),
      conditions: z.string(),
    }),
  ),
  summary: z.string().describe('One sentence for a traveller.'),
});

await run(async ({ gemini, model, offline }) => {
  const agent = createAgent({
    gemini,
    model,
    tools: [createWeatherTool({ source: offline ? 'simulated' : 'live' })],
    output: Report,
  });

  const result = await agent.run("What's the weather in Paris, Tokyo and Lima?");

  const together = getModelCapabilities(model).structuredOutputWithTools;
  console.log(
    `${model}: ${together ? 'schema and tools in the same requests' : 'tools first, then one call without tools for the schema'}`,
  );
  console.log(`steps: ${result.steps.map((step) => `${step.stepNumber} ${step.kind}`).join(', ')}`);

  const report = result.output;
  if (report === undefined) throw new Error('The run ended without a structured answer.');
  for (const { city, temperatureC, conditions } of report.cities) {
    console.log(`  ${city.padEnd(10)} ${String(temperatureC).padStart(5)} °C  ${conditions}`);
  }
  const warmest = [...report.cities].sort((a, b) => b.temperatureC - a.temperatureC)[0];
  if (warmest !== undefined) console.log(`warmest: ${warmest.city}`);
  console.log(`summary: ${report.summary}`);
});
