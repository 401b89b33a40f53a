import { turn } from '@gemloop/testing';

/**
 * What the fake Gemini answers for the guide's server, client and delegating agent, offline
 * (example and test), in the order they ask: the SDK client's two messages, then the concierge,
 * whose call of `support` runs the served agent in between; then the refund that waits for its
 * approval (approve-over-a2a.ts).
 */
export const supportA2AScript = [
  turn.call('lookup_order', { order: 'A-7' }),
  turn.text('Order A-7 has shipped.'),
  turn.text('It arrives on Thursday.'),
  turn.call('support', { task: 'Has order A-7 shipped?' }),
  turn.call('lookup_order', { order: 'A-7' }),
  turn.text('Yes, A-7 has shipped.'),
  turn.text('Good news: your order A-7 has shipped.'),
  turn.call('refund_order', { order: 'A-7' }),
  turn.text('Order A-7 is refunded.'),
];
