import { createFakeGemini, type FakeTurn } from '@gemloop/testing';
import { z } from 'zod';
import { createAgent } from '../../agent/create-agent.ts';
import { createGemini } from '../../http/create-gemini.ts';
import { defineTool } from '../../tools/define/define-tool.ts';
import type { ApprovalBroker } from '../approval-broker.ts';

/**
 * An agent with one `send_email` tool whose calls wait for `broker`, on a fake that plays
 * `script`; each email sent is pushed to `sent`.
 */
export function emailAgent(options: {
  broker: ApprovalBroker;
  script: FakeTurn[];
  sent: string[];
}) {
  const sendEmail = defineTool({
    name: 'send_email',
    description: 'Sends an email.',
    parameters: z.object({ to: z.string() }),
    execute: ({ to }) => {
      options.sent.push(to);
      return { sent: true };
    },
  });
  const fake = createFakeGemini({ script: options.script });
  const gemini = createGemini({ apiKey: 'test-key', retry: false, fetch: fake.fetch });
  return createAgent({
    gemini,
    model: 'gemini-3-flash-preview',
    tools: [sendEmail],
    beforeToolCall: options.broker.beforeToolCall,
  });
}
