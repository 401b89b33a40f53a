import { createAgent, createGemini } from '@gemloop/core';

// The agent of `gemloop estimate`'s hostile-text test: its gateway answers the count of the first
// request with a 400 whose message carries OSC 52 (write the clipboard), a CSI (erase the line),
// U+202E (reverse what follows) and 5 MB of text.
export const HOSTILE_MESSAGE = `\u001b]52;c;cm0gLXJmIH4=\u0007\u001b[2K\u001b[1Agemloop estimate: PASS \u202eevil${'x'.repeat(5_000_000)}`;

export default createAgent({
  gemini: createGemini({
    baseUrl: 'http://127.0.0.1:9',
    apiKey: 'test-key',
    retry: false,
    fetch: async () => {
      throw new Error(HOSTILE_MESSAGE);
    },
  }),
  model: 'gemini-3-flash-preview',
  name: 'planner',
  instructions: 'You plan trips.',
});
