/**
 * The local scripted server of the Interactions bench, in its own process so the parent's CPU time
 * is the client's alone: the fake Gemini answering both APIs from one script (a tool call per
 * step until `steps`, then a text answer), its URL sent back over IPC.
 */
import { createFakeGemini, turn } from '@gemloop/testing';

const steps = Number(process.argv[2] ?? '20');
const fake = createFakeGemini({
  script: (_request, { functionResponses, turnIndex }) =>
    functionResponses.length > 0 && turnIndex % steps === steps - 1
      ? turn.text('done')
      : turn.call('lookup', { page: turnIndex }),
  prettyJson: false,
});
const { url } = await fake.listen();
process.send?.({ url });
process.on('disconnect', () => {
  void fake.close().then(() => process.exit(0));
});
