// A program whose run fails, run as a child process by `unawaited-run.test.ts`. `argv[2]`:
// `forgotten` starts the run without awaiting it (the bug: the failure must still surface);
// `caught` attaches a handler (the control: nothing is unhandled, the process exits 0).
import { createAgent, createGemini } from '../../index.ts';

const gemini = createGemini({
  apiKey: 'test-key',
  retry: false,
  fetch: async () =>
    new Response(
      JSON.stringify({ error: { code: 400, message: 'bad request', status: 'INVALID_ARGUMENT' } }),
      { status: 400, headers: { 'content-type': 'application/json' } },
    ),
});
const agent = createAgent({ gemini, model: 'gemini-2.5-flash' });

if (process.argv[2] === 'caught') {
  agent.run('Hi').catch((error: unknown) => {
    process.stdout.write(`caught ${(error as Error).name}\n`);
  });
} else {
  // No await, no catch: the mistake this fixture reproduces.
  void agent.run('Hi');
}
