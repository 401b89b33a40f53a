import { createFakeGemini, routeByAgent, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent.ts';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { parseSse } from '../web/__fixtures__/read-sse.ts';
import { createApprovalBroker } from '../web/approval-broker.ts';
import { toEventStreamResponse } from '../web/to-event-stream-response.ts';
import { subagent } from './subagent.ts';

describe('an approval a subagent needs', () => {
  it("waits on the top run's page (the approval broker of the top agent) and resumes the child once answered", async () => {
    const sent: string[] = [];
    const sendEmail = defineTool({
      name: 'send_email',
      description: 'Sends an email.',
      parameters: z.object({ to: z.string() }),
      execute: ({ to }) => {
        sent.push(to);
        return { sent: true };
      },
    });
    const fake = createFakeGemini({
      script: routeByAgent([
        {
          match: 'You coordinate',
          script: [turn.call('mailer', { task: 'Email the team' }), turn.text('The team knows.')],
        },
        {
          match: 'You send mail',
          script: [turn.call('send_email', { to: 'team@example.com' }), turn.text('Sent.')],
        },
      ]),
    });
    const gemini = createGemini({ apiKey: 'test-key', retry: false, fetch: fake.fetch });
    const model = 'gemini-3-flash-preview';
    // The child has no hook of its own; only the top agent's page can approve.
    const mailer = createAgent({
      gemini,
      model,
      instructions: 'You send mail.',
      tools: [sendEmail],
    });
    const broker = createApprovalBroker({
      needsApproval: ({ toolName }) => toolName === 'send_email',
    });
    const lead = createAgent({
      gemini,
      model,
      instructions: 'You coordinate.',
      tools: [subagent(mailer, { name: 'mailer', description: 'Sends mail.' })],
      beforeToolCall: broker.beforeToolCall,
    });
    const body = toEventStreamResponse(lead.stream('Tell the team'), { approvals: broker })
      .body as ReadableStream<Uint8Array>;
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const pending = async () => {
      for (;;) {
        const found = parseSse(text).events.find((event) => event.event === 'approval-pending');
        if (found !== undefined) return found;
        const { value, done } = await reader.read();
        if (done) throw new Error(`ended before approval-pending:\n${text}`);
        text += decoder.decode(value, { stream: true });
      }
    };
    const approval = await pending();
    expect(approval.data).toMatchObject({
      toolName: 'send_email',
      args: { to: 'team@example.com' },
    });
    expect(sent).toEqual([]);
    expect(broker.answer({ approvalId: approval.data.approvalId, decision: 'approve' })).toBe(true);
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    expect(sent).toEqual(['team@example.com']);
    const events = parseSse(text).events;
    expect(events.map((event) => event.event)).toContain('approval-resolved');
    expect(events.at(-1)?.data.outcome).toBe('completed');
  });
});
