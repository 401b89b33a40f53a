// An interactive terminal chat on an agent with the ready-made tools of @gemloop/tools, kept as a
// chat session: every message continues the stored conversation.
//
//   npm run chat
//   npm run chat -- --store ./chats --session me   # keep the conversation in JSON-lines files
//
// Commands: /help /reset /history /usage /model <name> /exit. Ctrl-C cancels the answer being
// written (nothing of it is saved); at the prompt, Ctrl-C twice quits. Typing while the agent
// works steers it (the message joins at its next step); `/queue <text>` asks after the answer.

import { createInterface } from 'node:readline';
import { type AgentUsage, createAgent, createChatSession } from '@gemloop/core';
import type { HistoryStore } from '@gemloop/core/chat';
import { createFileHistoryStore, createMemoryHistoryStore } from '@gemloop/core/chat';
import { AgentAbortedError } from '@gemloop/core/errors';
import { addCosts, type Cost } from '@gemloop/core/models';
import { createExampleRecorder } from '../lib/create-example-recorder.ts';
import { formatError } from '../lib/format-error.ts';
import { run } from '../lib/run.ts';
import { createStyle } from '../lib/style.ts';
import { createTracePrinter, formatCount, formatUsage } from '../lib/trace-printer.ts';
import { createChatTools, DEFAULT_FILES_ROOT } from './chat-tools.ts';
import { formatHistory } from './format-history.ts';
import { createWaitingIndicator } from './waiting-indicator.ts';

const INSTRUCTIONS =
  'You are a helpful assistant in a terminal chat. Answer briefly. Use the tools for arithmetic, dates and times, web pages and the files of the sandbox folder; never guess what a tool can tell you.';

const HELP = `Commands:
  /help           this list
  /reset          forget the conversation (start over)
  /history        show the stored conversation
  /usage          tokens and dollars used by this chat and by the last answer
  /model [name]   show the model, or switch to another one (the conversation is kept)
  /exit           quit (also Ctrl-D, or Ctrl-C twice at the prompt)
Ctrl-C while an answer is being written cancels it; nothing of it is saved.
While the agent works:
  <text>          steer it: your message joins the conversation at its next step
  /queue <text>   ask this once it has answered (the same turn goes on)`;

await run(
  async ({ gemini, model, offline, flags, style, logger }) => {
    const errorStyle = createStyle({ stream: process.stderr });
    const chatTools = createChatTools({ offline, filesRoot: flags.files ?? DEFAULT_FILES_ROOT });
    const store: HistoryStore =
      flags.store === undefined
        ? createMemoryHistoryStore()
        : createFileHistoryStore({ directory: flags.store });
    const id = flags.session ?? 'default';
    // Every turn is recorded for `npx gemloop view` unless --no-record.
    const recorder = flags['no-record'] === true ? undefined : createExampleRecorder();
    // One agent per model; the session (store + id) is what carries the conversation across them.
    const startSession = (name: string) =>
      createChatSession({
        agent: createAgent({
          gemini,
          model: name,
          instructions: INSTRUCTIONS,
          tools: chatTools.tools,
          logger,
          name: 'gemloop-chat',
          ...(recorder === undefined ? {} : { recorder }),
        }),
        store,
        id,
        logger,
      });

    let currentModel = model;
    let session = startSession(model);
    // Usage of the sessions replaced by /model, so /usage covers the whole chat.
    const earlierUsage: AgentUsage[] = [];
    const earlierCost: Cost[] = [];
    let lastUsage: AgentUsage | undefined;
    let lastCost: Cost | undefined;
    let answered = 0;
    // Cancelled answers were billed for what the model had sent: their tokens are in the totals.
    let cancelled = 0;

    const say = (text: string) => process.stdout.write(`${text}\n`);
    say(`Chat with ${style.bold(currentModel)}. Tools: ${chatTools.description}.`);
    if (flags.store !== undefined) {
      const stored = await session.turns();
      say(`History: session "${id}" in ${flags.store} (${stored.length} earlier turn(s)).`);
    }
    say(
      style.dim(
        'Type a message, or /help. Ctrl-C cancels an answer; Ctrl-C twice at the prompt quits.',
      ),
    );

    const terminal = process.stdin.isTTY === true && process.stdout.isTTY === true;
    const readline = createInterface({ input: process.stdin, output: process.stdout, terminal });
    readline.setPrompt(style.bold(style.cyan('you> ')));

    let answering: AbortController | undefined;
    // The answer being written, which a line typed meanwhile steers (see `steerAnswer`).
    let answeringStream: ReturnType<typeof session.sendStream> | undefined;
    let inFlight: Promise<void> | undefined;
    // On a terminal (or with --steer), a line typed during an answer steers it; a piped script
    // without --steer keeps its lines in order, each a message of its own.
    const steerWhileAnswering = terminal || flags.steer === true;
    let exitArmed = false;
    const onInterrupt = () => {
      if (answering !== undefined) {
        answering.abort();
        return;
      }
      if (exitArmed) {
        readline.close();
        return;
      }
      exitArmed = true;
      process.stdout.write(`\n${style.dim('(Press Ctrl-C again, or type /exit, to quit.)')}\n`);
      readline.prompt();
    };
    // In a terminal readline turns Ctrl-C into this event; otherwise it arrives as a signal.
    readline.on('SIGINT', onInterrupt);
    process.on('SIGINT', onInterrupt);

    const answer = async (message: string): Promise<void> => {
      const controller = new AbortController();
      answering = controller;
      // On a terminal, a spinner until the model says something (text or a tool call), and again
      // while it works on the next step; nothing on a pipe, so transcripts and logs stay clean.
      const waiting = createWaitingIndicator({
        write: (text) => process.stdout.write(text),
        enabled: terminal,
        style,
      });
      const printer = createTracePrinter({
        write: (text) => {
          waiting.stop();
          process.stdout.write(text);
        },
        style,
        verbose: false,
        maxValueLength: process.stdout.isTTY ? Math.max(40, process.stdout.columns - 30) : 200,
      });
      const started = performance.now();
      waiting.start();
      try {
        const stream = session.sendStream(message, { signal: controller.signal });
        answeringStream = stream;
        for await (const event of stream) {
          printer.event(event);
          // Tool results are printed whole lines: the next step starts on an empty line.
          if (event.type === 'step-start' && event.stepNumber > 1) waiting.start();
        }
        const result = await stream.result;
        waiting.stop();
        printer.finishLine();
        lastUsage = result.usage;
        lastCost = result.cost;
        answered++;
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        say(
          style.dim(
            `  (${result.steps.length} step(s), ${formatCount(result.usage.totalTokenCount)} tokens, ${seconds} s)`,
          ),
        );
      } catch (error) {
        waiting.stop();
        printer.finishLine();
        if (controller.signal.aborted && AgentAbortedError.isInstance(error)) {
          cancelled++;
          say(style.yellow('  (cancelled; nothing of this answer was saved)'));
        } else {
          process.stderr.write(`${formatError(error, errorStyle)}\n`);
        }
      } finally {
        waiting.stop();
        answering = undefined;
        answeringStream = undefined;
      }
    };

    /** A line typed while the agent works: a steer, `/queue <text>`, or `/exit`. */
    const steerAnswer = (text: string): boolean => {
      const stream = answeringStream;
      if (text === '/exit' || text === '/quit') {
        answering?.abort();
        return false;
      }
      const queued = /^\/queue\s+(.+)$/i.exec(text)?.[1];
      if (text.startsWith('/') && queued === undefined) {
        say(style.dim('  (the agent is working: type to steer it, /queue <text>, or Ctrl-C)'));
        return true;
      }
      if (stream === undefined) return true;
      try {
        if (queued !== undefined) stream.queue(queued);
        else stream.steer(text);
        say(
          style.dim(
            queued !== undefined
              ? '  (queued for after this answer)'
              : '  (steering: read at the next step)',
          ),
        );
      } catch (error) {
        process.stderr.write(`${formatError(error, errorStyle)}\n`);
      }
      return true;
    };

    /** Runs a command; `false` ends the chat. */
    const command = async (line: string): Promise<boolean> => {
      const [name = '', ...rest] = line.slice(1).split(/\s+/);
      const argument = rest.join(' ').trim();
      switch (name.toLowerCase()) {
        case 'help':
        case '?':
          say(HELP);
          return true;
        case 'exit':
        case 'quit':
          return false;
        case 'reset':
          // The conversation goes; what it cost stays in /usage (the tokens were spent).
          await session.reset();
          say('History cleared: the next message starts a new conversation.');
          return true;
        case 'history':
          say(formatHistory(await session.turns(), style));
          return true;
        case 'usage': {
          const total = sumUsage([...earlierUsage, session.usage]);
          const turns = (await session.turns()).length;
          if (total.totalTokenCount === 0 && answered === 0 && cancelled === 0) {
            say('This chat: no tokens used yet.');
          } else {
            const counts = `${answered} answer(s)${cancelled > 0 ? `, ${cancelled} cancelled` : ''}`;
            say(`This chat: ${formatUsage(total)} over ${counts}.`);
            if (lastUsage !== undefined) say(`Last answer: ${formatUsage(lastUsage)}.`);
            const cost = [...earlierCost, session.cost].reduce(addCosts);
            say(
              `Cost: ${formatCost(cost)} this chat${lastCost === undefined ? '' : `, ${formatCost(lastCost)} the last answer`}.`,
            );
          }
          say(`Stored: ${turns} turn(s) in session "${id}".`);
          return true;
        }
        case 'model':
          if (argument === '') {
            say(`Model: ${currentModel}`);
            return true;
          }
          earlierUsage.push(session.usage);
          earlierCost.push(session.cost);
          session = startSession(argument);
          currentModel = argument;
          say(`Now chatting with ${style.bold(argument)}; the conversation is kept.`);
          return true;
        default:
          say(`Unknown command /${name}. Type /help for the list.`);
          return true;
      }
    };

    try {
      readline.prompt();
      for await (const line of readline) {
        exitArmed = false;
        // Piped input is not echoed; writing it keeps a transcript readable.
        if (!terminal) process.stdout.write(`${line}\n`);
        const text = line.trim();
        if (inFlight !== undefined) {
          // Not awaited below: the lines typed meanwhile arrive here and steer the answer.
          if (text !== '' && !steerAnswer(text)) break;
          continue;
        }
        if (text.startsWith('/')) {
          if (!(await command(text))) break;
        } else if (text !== '') {
          if (!steerWhileAnswering) {
            // A piped script: each line waits for the answer before it, in order.
            await answer(text);
          } else {
            inFlight = answer(text).finally(() => {
              inFlight = undefined;
              readline.prompt();
            });
            continue;
          }
        }
        readline.prompt();
      }
    } finally {
      // Input ended (or /exit) during an answer: it finishes (or stops, when aborted) first.
      await inFlight;
      readline.close();
      process.off('SIGINT', onInterrupt);
      // A file store holds a lock on the conversation's file until the session is closed.
      await session.close();
      await chatTools.close();
      await recorder?.flush();
      say('\nBye.');
    }
  },
  {
    description:
      'A terminal chat with tools (calculator, date/time, web fetch, files) and a stored conversation.',
    flags: {
      store: {
        type: 'string',
        description:
          'Keep the conversation in JSON-lines files in this folder (default: in memory).',
      },
      steer: {
        type: 'boolean',
        description:
          'With piped input, a line that arrives while the agent works steers it (always on in a terminal).',
      },
      'no-record': {
        type: 'boolean',
        description: 'Do not record the turns in .gemloop/runs (for npx gemloop view).',
      },
      session: {
        type: 'string',
        description: 'The conversation id in the store (default: "default").',
      },
      files: {
        type: 'string',
        description: 'The folder the file tools may read (default: examples/chat/sandbox).',
      },
    },
  },
);

/** `$0.00123`, or why it is unknown (a model without a price: see the agent's `prices`). */
function formatCost(cost: Cost): string {
  return cost.total === null ? `unknown (${cost.unknown ?? 'no price'})` : `$${cost.total}`;
}

function sumUsage(usages: readonly AgentUsage[]): AgentUsage {
  const total: AgentUsage = {
    promptTokenCount: 0,
    candidatesTokenCount: 0,
    thoughtsTokenCount: 0,
    toolUsePromptTokenCount: 0,
    cachedContentTokenCount: 0,
    totalTokenCount: 0,
  };
  for (const usage of usages) {
    for (const key of Object.keys(total) as (keyof AgentUsage)[]) total[key] += usage[key];
  }
  return total;
}
