import { resolve } from 'node:path';
import type { Agent } from '@gemloop/core';
import { INSTALL_TOOLS, loadTools } from '../chat/load-tools.ts';
import {
  type AnswerAtTerminal,
  runTerminalChat,
  type TerminalElicitations,
} from '../chat/run-terminal-chat.ts';
import type { CliCommand, CliIo } from '../cli-io.ts';
import { COMMAND_SUMMARIES } from '../command-summaries.ts';
import { describeImportFailure } from '../describe-import-failure.ts';
import { importUserModule } from '../import-user-module.ts';
import { asksForHelp, leadingOperands, parseCommandArgs } from '../parse-command-args.ts';
import { preloadAgentRun } from '../preload-agent-run.ts';
import { escapeControls } from '../probe/create-probe-sanitizer.ts';

const USAGE = `Usage: gemloop chat FILE [--id ID]

Chats with an agent at the terminal: FILE is a .ts, .js or .mjs module whose default export (or
export \`agent\`) is an agent made by createAgent. Each line you type is a turn of one chat
session (its history kept in memory while the chat lasts); the answer is written to stdout as it
comes, the tool calls and notes to stderr. While the agent works, a line you type steers it (it
joins the history at the next step). When FILE also exports \`elicitations\` (an MCP elicitation
broker, createMcpElicitationBroker of @gemloop/tools, installed beside gemloop), what its MCP
servers ask in the middle of a tool call is asked here: a form's fields one by one (\`:decline\`
or \`:cancel\` at any field), a page to open (y, n or c). /exit or the end of the input ends the
chat; Ctrl-C stops the answer being written, and, between answers, ends the chat; SIGTERM or
SIGHUP stop the answer and end the chat (exit 143, 129). Then FILE's export \`close\`, when it
has one, is called (to stop what it started: an MCP server, a recorder).

Options:
  --id ID     the chat session's id (default: a new one)
`;

/**
 * Makes the `chat` command: `cwd` is where FILE is looked for, `input` where lines are read,
 * `onInterrupt` and `onTerminate` the process's SIGINT and SIGTERM/SIGHUP by default.
 */
export function createChatCommand(
  cwd: string = process.cwd(),
  input: NodeJS.ReadableStream = process.stdin,
  onInterrupt: (handler: () => void) => () => void = onSigint,
  onTerminate: (handler: (exitCode: number) => void) => () => void = onTermination,
): CliCommand {
  return {
    summary: COMMAND_SUMMARIES.chat,
    run: (args, io) => runChat(args, io, { cwd, input, onInterrupt, onTerminate }),
  };
}

/** The `chat` command, on stdin, in the current folder. */
export const chatCommand: CliCommand = createChatCommand();

function onSigint(handler: () => void): () => void {
  process.on('SIGINT', handler);
  return () => {
    process.off('SIGINT', handler);
  };
}

/**
 * SIGTERM (`docker stop`, `timeout`, a service manager) and SIGHUP (the terminal closed), each with
 * the exit code the shell gives it. While the chat listens, Node no longer ends the process on
 * them; once it stops listening (before the module's `close` runs), a second one is Node's own.
 */
function onTermination(handler: (exitCode: number) => void): () => void {
  const terminate = (): void => handler(143);
  const hangUp = (): void => handler(129);
  process.on('SIGTERM', terminate);
  process.on('SIGHUP', hangUp);
  return () => {
    process.off('SIGTERM', terminate);
    process.off('SIGHUP', hangUp);
  };
}

async function runChat(
  args: readonly string[],
  io: CliIo,
  context: {
    cwd: string;
    input: NodeJS.ReadableStream;
    onInterrupt: (handler: () => void) => () => void;
    onTerminate: (handler: (exitCode: number) => void) => () => void;
  },
): Promise<number> {
  if (asksForHelp(args)) {
    io.stdout(USAGE);
    return 0;
  }
  const leading = leadingOperands(args, 1);
  if (leading === undefined) {
    io.stderr(USAGE);
    return 2;
  }
  const {
    operands: [file = ''],
    rest,
  } = leading;
  const values = parseCommandArgs(rest, { id: { type: 'string' } }, USAGE, io);
  if (typeof values === 'number') return values;
  const id = values['id'];
  if (id === '') {
    io.stderr(`gemloop chat: --id must not be empty.\n\n${USAGE}`);
    return 2;
  }
  let loaded: Record<string, unknown>;
  try {
    loaded = await importUserModule(resolve(context.cwd, file), preloadAgentRun);
  } catch (error) {
    // Told as one escaped line without the keys it quotes, never Node's report of an uncaught
    // error (its stack, the error's fields, the module's raw text on the terminal).
    io.stderr(
      `gemloop chat: ${escapeControls(file)}: importing it failed: ${describeImportFailure(error, io.env)}\n`,
    );
    return 2;
  }
  const agent = (loaded['default'] ?? loaded['agent']) as Partial<Agent<unknown>> | undefined;
  if (typeof agent?.stream !== 'function' || typeof agent.run !== 'function') {
    io.stderr(
      `gemloop chat: ${escapeControls(file)} has no agent as its default export (or export \`agent\`).\n`,
    );
    return 2;
  }
  const broker = loaded['elicitations'];
  let elicitations: Parameters<typeof runTerminalChat>[0]['elicitations'];
  if (broker !== undefined) {
    if (!isBroker(broker)) {
      io.stderr(
        `gemloop chat: the export \`elicitations\` of ${escapeControls(file)} is not an MCP elicitation broker (createMcpElicitationBroker of @gemloop/tools).\n`,
      );
      return 2;
    }
    const tools = await loadTools();
    if (tools === undefined) {
      io.stderr(`gemloop chat: ${INSTALL_TOOLS}\n`);
      return 2;
    }
    const answerAtTerminal: AnswerAtTerminal = (readLine, echo) =>
      tools.answerMcpElicitationsAtTerminal(broker as never, {
        readLine,
        echo,
        output: { write: (text: string) => io.stderr(text) },
      });
    elicitations = { broker, answerAtTerminal };
  }
  const code = await runTerminalChat({
    title: `the agent of ${escapeControls(file)}`,
    agent: agent as Agent<unknown>,
    input: context.input,
    io,
    ...(typeof id === 'string' ? { id } : {}),
    ...(elicitations === undefined ? {} : { elicitations }),
    onInterrupt: context.onInterrupt,
    onTerminate: context.onTerminate,
  });
  // What the module holds open (its MCP connections, a server it started) would keep the process
  // alive after the chat: the module's `close` lets it go. The agent is the module's: it may
  // serve more than this chat (a test's, a program's), so the chat does not close it.
  const close = loaded['close'];
  if (typeof close === 'function') {
    try {
      await (close as () => unknown)();
    } catch (error) {
      // Told as an import failure is (one escaped line, the keys it quotes redacted): uncaught, it
      // was Node's report, the stack and the module's raw message, a DATABASE_URL password or an
      // OSC 52 included, after a chat that had gone well.
      io.stderr(
        `gemloop chat: the export \`close\` of ${escapeControls(file)} failed: ${describeImportFailure(error, io.env)}\n`,
      );
      return 1;
    }
  }
  return code;
}

function isBroker(value: unknown): value is TerminalElicitations {
  const broker = value as { pending?: unknown; subscribe?: unknown; answer?: unknown } | null;
  return (
    typeof broker === 'object' &&
    broker !== null &&
    Array.isArray(broker.pending) &&
    typeof broker.subscribe === 'function' &&
    typeof broker.answer === 'function'
  );
}
