// Human approval of tool calls: `beforeToolCall` sees every call (with parsed arguments) before
// it runs, and approves it, denies it (the model gets your reason as the call's error), or runs it
// with other arguments. In a terminal you decide ([e]dit takes a JSON object of the fields to change,
// merged into the call's arguments); with --auto (or when piped, as in CI) a small
// policy decides: deleting drafts is fine, deleting anything else is not, and email goes to you
// for review first.
//
//   node scripts/run-example.mjs approval
//   node scripts/run-example.mjs approval --auto

import { createInterface } from 'node:readline/promises';
import { createAgent, defineTool } from '@gemloop/core';
import type { BeforeToolCallContext, BeforeToolCallDecision } from '@gemloop/core/agent';
import { turn } from '@gemloop/testing';
import { demoModel } from '@gemloop/testing/dev-model';
import { z } from 'zod';
import { run } from '../lib/run.ts';
import { formatArgs, shownAnswer, shownText } from '../lib/trace-printer.ts';
import { approvalQuestion, describeCall } from './approval-question.ts';
import { mergeEditedArgs } from './merge-edited-args.ts';

const REVIEWER = 'me@example.com';
const REQUEST = `Tidy up the workspace: delete drafts/old-intro.md and .env, then email team@example.com that the workspace is clean.`;

// Offline, the fake makes the three calls a real model would, then the simulator sums up the
// results it got back (including the denial).
const SCRIPT = [
  turn.calls([
    { name: 'delete_file', args: { path: 'drafts/old-intro.md' } },
    { name: 'delete_file', args: { path: '.env' } },
    {
      name: 'send_email',
      args: {
        to: 'team@example.com',
        subject: 'Workspace cleaned',
        body: 'Old drafts and secrets are gone.',
      },
    },
  ]),
  demoModel(),
];

await run(
  async ({ gemini, model, flags, style }) => {
    // An in-memory workspace and outbox, so the example changes nothing on your machine.
    const files = new Map([
      ['drafts/old-intro.md', '# Intro (old)'],
      ['drafts/plan.md', '# Plan'],
      ['.env', 'API_TOKEN=...'],
    ]);
    const outbox: { to: string; subject: string; body: string }[] = [];

    const deleteFile = defineTool({
      name: 'delete_file',
      description: 'Deletes a file of the workspace.',
      parameters: z.object({ path: z.string().describe('Path relative to the workspace root') }),
      execute: ({ path }) => {
        if (!files.delete(path)) throw new Error(`No file ${path}.`);
        return { deleted: path };
      },
    });
    const sendEmail = defineTool({
      name: 'send_email',
      description: 'Sends an email.',
      parameters: z.object({ to: z.email(), subject: z.string(), body: z.string() }),
      execute: (email) => {
        outbox.push(email);
        return { sent: true, to: email.to };
      },
    });

    const interactive = flags.auto !== true && process.stdin.isTTY === true && process.stdout.isTTY;
    const decide = interactive ? askInTerminal() : policy;
    // Calls of one turn run in parallel: one decision at a time keeps the prompts readable.
    let queue: Promise<unknown> = Promise.resolve();
    const agent = createAgent({
      gemini,
      model,
      tools: [deleteFile, sendEmail],
      beforeToolCall: (call) => {
        const decision = queue.then(async () => {
          const made = await decide(call);
          console.log(`  ${describeDecision(call, made)}`);
          return made;
        });
        queue = decision.catch(() => {});
        return decision;
      },
    });

    console.log(style.bold(`Request: ${REQUEST}`));
    console.log(
      interactive ? 'You decide each call.' : 'Decisions by policy (--auto, or not a terminal):',
    );
    const result = await agent.run(REQUEST);

    console.log(`\n${shownAnswer(result.text)}\n`);
    for (const call of result.steps.flatMap((step) => step.toolCalls)) {
      console.log(`${describeCall(call)}: ${call.outcome}`);
    }
    console.log(`files left: ${[...files.keys()].join(', ')}`);
    console.log(
      `outbox: ${outbox.map((email) => `"${email.subject}" to ${email.to}`).join('; ') || 'empty'}`,
    );
  },
  {
    script: SCRIPT,
    flags: {
      auto: { type: 'boolean', description: 'Decide by the built-in policy instead of asking.' },
    },
  },
);

/** The CI policy: one approval, one denial, one changed call. */
function policy(call: BeforeToolCallContext): BeforeToolCallDecision {
  if (call.toolName === 'delete_file') {
    const { path } = call.args as { path: string };
    return path.startsWith('drafts/')
      ? { type: 'approve' }
      : {
          type: 'deny',
          message: `Deleting ${path} needs a human: only files in drafts/ may be deleted.`,
        };
  }
  if (call.toolName === 'send_email') {
    const email = call.args as { to: string; subject: string; body: string };
    if (email.to !== REVIEWER) {
      return {
        type: 'modify',
        args: {
          ...email,
          to: REVIEWER,
          subject: `[for review, meant for ${email.to}] ${email.subject}`,
        },
      };
    }
  }
  return { type: 'approve' };
}

/**
 * Asks on the terminal: approve, deny (with a reason), or edit: a JSON object of the fields to
 * change, merged into the call's arguments (the fields it does not name are kept).
 */
function askInTerminal(): (call: BeforeToolCallContext) => Promise<BeforeToolCallDecision> {
  return async (call) => {
    const prompt = createInterface({ input: process.stdin, output: process.stdout });
    try {
      for (;;) {
        const answer = (await prompt.question(approvalQuestion(call))).trim().toLowerCase();
        if (answer === 'a' || answer === 'approve' || answer === 'y') return { type: 'approve' };
        if (answer === 'd' || answer === 'deny' || answer === 'n') {
          const reason = (
            await prompt.question('  reason for the model (Enter for none): ')
          ).trim();
          return { type: 'deny', message: reason || 'The user declined this call.' };
        }
        if (answer === 'e' || answer === 'edit') {
          const text = await prompt.question(
            `  fields to change as JSON, merged into ${shownText(JSON.stringify(call.args))} (Enter keeps it as it is): `,
          );
          if (text.trim() === '') return { type: 'approve' };
          const edited = mergeEditedArgs(call.args, text);
          if (edited.ok) return { type: 'modify', args: edited.args };
          console.log(`  ${edited.message}`);
        }
      }
    } finally {
      prompt.close();
    }
  };
}

function describeDecision(call: BeforeToolCallContext, decision: BeforeToolCallDecision): string {
  const what = describeCall(call);
  if (decision === undefined || decision.type === 'approve') return `approved ${what}`;
  if (decision.type === 'deny') return `denied   ${what}: ${shownText(decision.message ?? '')}`;
  return `modified ${what} -> (${formatArgs(decision.args as Record<string, unknown>)})`;
}
