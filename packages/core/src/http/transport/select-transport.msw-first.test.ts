import dns from 'node:dns';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, describe, expect, it, vi } from 'vitest';

// A user's suite that starts msw before gemloop loads (a setup file's top level, or a test file
// that listens before it imports the code under test): gemloop's 'auto' transport must still send
// through the mock. It went to the real host with the user's key: msw's patched fetch names undici
// in a comment, which passed for Node's own fetch, so undici's request API went around msw.
const answer = {
  candidates: [{ content: { role: 'model', parts: [{ text: 'from msw' }] }, finishReason: 'STOP' }],
};
const server = setupServer(
  http.post('https://generativelanguage.googleapis.com/*', () => HttpResponse.json(answer)),
);
server.listen({ onUnhandledRequest: 'error' });

// The guard: any connection that goes around msw looks up a host name first; refused here, and
// recorded, so a leak fails the test instead of reaching the internet.
const lookups: string[] = [];
const guard = vi.spyOn(dns, 'lookup').mockImplementation(((host: string, ...rest: unknown[]) => {
  lookups.push(host);
  const callback = rest.at(-1) as (error: Error) => void;
  process.nextTick(() => callback(new Error(`test guard: no network (${host})`)));
}) as unknown as typeof dns.lookup);

// Loaded after msw, as the suite above loads it.
const { createGemini } = await import('../../index.ts');

afterAll(() => {
  server.close();
  guard.mockRestore();
});

describe('msw started before gemloop loads', () => {
  for (const transport of ['auto', 'fetch'] as const) {
    it(`answers from msw on transport '${transport}', nothing sent past it`, async () => {
      lookups.length = 0;
      const gemini = createGemini({ apiKey: 'users-real-key', transport, retry: false });
      const response = await gemini.generateContent({
        model: 'gemini-3-flash-preview',
        contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
      });
      expect(response.candidates?.[0]?.content?.parts?.[0]?.text).toBe('from msw');
      expect(lookups).toEqual([]);
    });
  }
});
