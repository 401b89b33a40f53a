import { turn } from '@gemloop/testing';

/** What the fake Gemini answers for the guide's server and client, offline (example and test). */
export const supportAgUiScript = [
  turn.call('lookup_order', { order: 'A-7' }),
  turn.text('Order A-7 has shipped.'),
  turn.call('refund_order', { order: 'A-7' }),
  turn.text('Order A-7 is refunded.'),
];
