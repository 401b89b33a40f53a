// Guide "Agents made of agents": a team on one fake.
import { createFakeGemini, routeByAgent, turn } from '@gemloop/testing';

const fake = createFakeGemini({
  script: routeByAgent([
    { match: 'You route questions', script: [turn.call('transfer_to_billing')] },
    { match: 'Invoices, refunds', script: [turn.text('Refund issued.')] },
  ]),
});

export { fake };
