// README: Google Search next to function tools.
import { createAgent, createGemini, googleSearch } from '@gemloop/core';
import { createCalculatorTool } from '@gemloop/tools';

const agent = createAgent({
  gemini: createGemini(),
  model: 'gemini-3-flash-preview', // on gemini-2.5-*, search becomes a google_search function
  tools: [googleSearch(), createCalculatorTool()],
});

const result = await agent.run('How tall is the Eiffel Tower in feet? Search, then compute.');
// Titles and answers are the web's and the model's text: a control character in them (an escape
// sequence, a bidi override) is shown as text, never sent to the terminal as a command.
const shown = (text = '') =>
  text.replace(
    /(?![\n\t])[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu,
    (c) => `\\u{${c.charCodeAt(0).toString(16)}}`,
  );
for (const grounding of result.grounding) {
  for (const chunk of grounding.groundingChunks ?? [])
    console.log(shown(chunk.web?.title), shown(chunk.web?.uri));
}
console.log(shown(result.text));
