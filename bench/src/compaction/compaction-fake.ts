/**
 * The fake Gemini of the compaction bench, in its own process (so the client's CPU is the
 * bench's alone): a scripted researcher that reads TURNS pages, one tool call a turn, then
 * answers the end-of-script question with the facts it finds in the request it received, and
 * nothing else (so a fact a compaction lost shows). As the summarizer (the compaction's default
 * prompt as system instruction) it lists the facts its transcript holds. Implicit caching is on.
 */
import { DEFAULT_SUMMARY_PROMPT } from '@gemloop/core/compaction';
import { createFakeGemini, type FakeScriptFunction, turn } from '@gemloop/testing';

const TURNS = Number(process.argv[2] ?? 300);

const FACT = /FACT-\d+: [a-z]+\d+/g;

const researcher: FakeScriptFunction = (request) => {
  const body = request.body;
  const text = JSON.stringify(body.contents);
  const facts = [...new Set(text.match(FACT) ?? [])].sort();
  if (body.systemInstruction?.parts?.[0]?.text === DEFAULT_SUMMARY_PROMPT) {
    return turn.text(`Facts so far: ${facts.join('; ')}`);
  }
  // Where it is comes from the request alone: the last page it asked for.
  let last = 0;
  for (const content of body.contents) {
    for (const part of content.parts) {
      const n = Number(part.functionCall?.args?.['n'] ?? 0);
      if (n > last) last = n;
    }
  }
  if (last >= TURNS) return turn.text(`Facts: ${facts.join('; ')}`);
  return turn.call('fetch_page', { n: last + 1 });
};

const fake = createFakeGemini({ script: researcher, implicitCaching: true });
const { url } = await fake.listen();
process.send?.({ url });
process.on('message', async () => {
  await fake.close();
  process.exit(0);
});
