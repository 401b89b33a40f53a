// README: Google Search next to function tools.
import { createAgent, createGemini, googleSearch } from '@gemloop/core';
import { createCalculatorTool } from '@gemloop/tools';

const agent = createAgent({
  gemini: createGemini(),
  model: 'gemini-3-flash-preview', // on gemini-2.5-*, search becomes a google_search function
  tools: [googleSearch(), createCalculatorTool()],
});

const result = await agent.run('How tall is the Eiffel Tower in feet? Search, then compute.');
for (const grounding of result.grounding) {
  for (const chunk of grounding.groundingChunks ?? [])
    console.log(chunk.web?.title, chunk.web?.uri);
}
console.log(result.text);
