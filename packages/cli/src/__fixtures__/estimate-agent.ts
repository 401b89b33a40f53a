import { createAgent, createGemini } from '@gemloop/core';

// The agent `gemloop estimate` tests load: its requests go to the fake Gemini whose URL the test
// file puts in the environment, read at each request, not once at import: the CLI's test
// files share one module graph per worker, so this module is imported once for every file that
// loads it (estimate.test.ts and estimate.attacks.test.ts each start a fake of their own, and
// the first file's fake is closed when the second one's requests are sent).
const current = (): string => process.env['GEMLOOP_ESTIMATE_TEST_URL'] ?? 'http://127.0.0.1:9';

export default createAgent({
  gemini: createGemini({
    baseUrl: 'http://127.0.0.1:9',
    apiKey: 'test-key',
    retry: false,
    fetch: (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const base = new URL(current());
      url.protocol = base.protocol;
      url.host = base.host;
      return globalThis.fetch(input instanceof Request ? new Request(url, input) : url, init);
    },
  }),
  model: 'gemini-3-flash-preview',
  name: 'planner',
  instructions: 'You plan trips.',
});
