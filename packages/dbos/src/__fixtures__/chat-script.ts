import type { Content } from '@gemloop/core';
import { turn } from '@gemloop/testing';
import type { startHoldingFleet } from './holding-fleet.ts';

/** How a message of the by-reference tests asks for a long (~1.1 KB) answer. */
export const GROW = 'Grow ';

/**
 * The fake of the by-reference tests (a chat turn's, an A2A context's), by what the last content
 * says, for the fixture worker's agents: `Grow` answers ~1.1 KB of text (longdecode,
 * no tools); `Hello` a greeting; `Refund` calls refund (approver, which asks for approval); else
 * lookup → slow → answer (support).
 */
export function chatScript(): NonNullable<Parameters<typeof startHoldingFleet>[1]> {
  return {
    script: (request) => {
      const last = (request.body as { contents?: Content[] }).contents?.at(-1);
      const said = last?.parts?.[0]?.text ?? '';
      const answered = last?.parts?.find((part) => part.functionResponse)?.functionResponse?.name;
      if (said.startsWith(GROW))
        return turn.text(`${said}: ${'Order 7 shipped on Monday. '.repeat(40)}`);
      if (said.startsWith('Hello')) return turn.text('Hello! How can I help?');
      if (answered === 'refund') return turn.text('Refunded order 7.');
      if (said.startsWith('Refund')) return turn.call('refund', { order: '7', amount: 5 });
      if (answered === 'slow') return turn.text('Order 7 shipped; no refund needed.');
      if (answered === 'lookup') return turn.call('slow', { order: '7' });
      return turn.call('lookup', { order: '7' });
    },
  };
}
