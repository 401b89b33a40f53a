// A third-party plugin on gemloop's seam: the CRM tool returns a customer's e-mail and phone, the
// model only ever sees `[EMAIL_1]` and `[PHONE_1]`, and the e-mail tool still gets the real
// address when the model asks to write to `[EMAIL_1]`. See pii-mask-plugin.ts.
//
//   node scripts/run-example.mjs plugins-pii-mask

import { createAgent, defineTool } from '@gemloop/core';
import { turn } from '@gemloop/testing';
import { z } from 'zod';
import { run } from '../lib/run.ts';
import { shownAnswer, shownText } from '../lib/trace-printer.ts';
import { piiMask } from './pii-mask-plugin.ts';

const sent: string[] = [];
const findCustomer = defineTool({
  name: 'find_customer',
  description: 'Finds a customer by name in the CRM.',
  parameters: z.object({ name: z.string() }),
  execute: ({ name }) => ({ name, email: 'dana.smith@example.com', phone: '+1 415 555 0134' }),
});
const sendEmail = defineTool({
  name: 'send_email',
  description: 'Sends an e-mail.',
  parameters: z.object({ to: z.string(), subject: z.string() }),
  execute: ({ to, subject }) => {
    sent.push(to);
    return { sent: true, to, subject };
  },
});

// Offline, the fake plays a model that looks the customer up, then writes to the token it saw.
const SCRIPT = [
  turn.call('find_customer', { name: 'Dana Smith' }),
  turn.call('send_email', { to: '[EMAIL_1]', subject: 'Your renewal' }),
  turn.text('I e-mailed Dana Smith at [EMAIL_1] about the renewal.'),
];

await run(
  async ({ gemini, model, fake }) => {
    const agent = createAgent({
      gemini,
      model,
      tools: [findCustomer, sendEmail],
      // Only the e-mail tool needs the real address back.
      plugins: [piiMask({ restoreInto: ['send_email'] })],
    });
    const stream = agent.stream('E-mail Dana Smith about her renewal.');
    for await (const event of stream) {
      if (event.type === 'plugin')
        console.log(
          `plugin ${event.plugin}: ${event.kind} ${shownText(String(JSON.stringify(event.data)))}`,
        );
    }
    const result = await stream.result;
    console.log(`answer: ${shownAnswer(result.text)}`);
    console.log(`the e-mail tool wrote to: ${sent.join(', ')}`);
    if (fake !== undefined) {
      const seen = JSON.stringify(fake.requests.map((request) => request.body));
      console.log(
        `the model saw the address: ${seen.includes('dana.smith@example.com') ? 'yes' : 'no'}`,
      );
    }
  },
  { script: SCRIPT },
);
