// README: streaming events.
import { createAgent, createGemini } from '@gemloop/core';
import { createCalculatorTool } from '@gemloop/tools';

const agent = createAgent({
  gemini: createGemini(),
  model: 'gemini-3-flash-preview',
  tools: [createCalculatorTool()],
});

const stream = agent.stream('What is 23 * 19?');
for await (const event of stream) {
  if (event.type === 'tool-call') console.log(`→ ${event.toolName}`, event.args);
  if (event.type === 'tool-result')
    console.log(`✓ ${event.toolCall.toolName}`, event.toolCall.output);
  if (event.type === 'text-delta') process.stdout.write(event.text);
}
const { usage, steps } = await stream.result;
console.log(`\n${steps.length} steps, ${usage.totalTokenCount} tokens`);
