// An output guardrail that redacts personal data from the answer: the caller (and the stream)
// get the redacted text, while the model's own turn stays verbatim in result.contents (it is sent
// back to Gemini as it was written). Streamed twice: once with `holdBack` (only the redacted text
// is ever sent), once without (the text flows, then a `guardrail-retraction` event replaces it).
//
//   node scripts/run-example.mjs guardrails-pii

import { createAgent } from '@gemloop/core';
import type { OutputGuardrail } from '@gemloop/core/guardrails';
import { guardrails } from '@gemloop/core/guardrails';
import { turn } from '@gemloop/testing';
import { run } from '../lib/run.ts';
import { shownAnswer } from '../lib/trace-printer.ts';

const EMAIL = /[\w.+-]+@[\w-]+(\.[\w-]+)+/g;
const PHONE = /\+?\d[\d ()-]{7,}\d/g;

const redactPii: OutputGuardrail = {
  name: 'redact-pii',
  check: ({ text }) => {
    const redacted = text.replace(EMAIL, '[email]').replace(PHONE, '[phone]');
    return redacted === text ? { type: 'pass' } : { type: 'rewrite', text: redacted };
  },
};

const ANSWER = 'You can reach Dana Smith at dana.smith@example.com or +1 415 555 0134.';
// Offline, the fake answers with the contact details a real model might quote from a CRM.
const SCRIPT = [turn.text(ANSWER), turn.text(ANSWER), turn.text(ANSWER)];

await run(
  async ({ gemini, model }) => {
    const agent = createAgent({ gemini, model, guardrails: guardrails({ output: [redactPii] }) });
    const question = 'How do I reach our account manager?';

    const result = await agent.run(question);
    console.log(`run(): ${shownAnswer(result.text)}`);
    const modelTurn = result.contents.at(-1)?.parts?.[0]?.text ?? '';
    console.log(`history keeps the model's words: ${modelTurn === result.text ? 'no' : 'yes'}`);

    for (const holdBack of [true, false]) {
      const shown: string[] = [];
      for await (const event of agent.stream(question, { guardrails: guardrails({ holdBack }) })) {
        if (event.type === 'text-delta') shown.push(event.text);
        if (event.type === 'guardrail-retraction') shown.splice(0, shown.length, event.text);
      }
      console.log(`stream(holdBack: ${holdBack}): ${shown.join('')}`);
    }
  },
  { script: SCRIPT },
);
