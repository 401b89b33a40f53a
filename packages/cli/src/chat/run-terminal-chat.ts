import { createInterface } from 'node:readline';
import type { Agent, AgentEvent } from '@gemloop/core';
import { createChatSession } from '@gemloop/core';
import type { ReaskReason } from '@gemloop/core/agent';
import {
  agentKeysReader,
  createSecretRedactor,
  keylessFilter,
  MIN_KEY_LENGTH,
  secretForms,
} from '@gemloop/core/internal';
import type { CliIo } from '../cli-io.ts';
import { escapeControls } from '../probe/create-probe-sanitizer.ts';
import { terminalSecrets } from '../terminal-secrets.ts';
import { boundInputLines } from './bound-input-lines.ts';

/** The part of `@gemloop/tools`' elicitation broker the chat reads (duck-typed: no import). */
export type TerminalElicitations = {
  readonly pending: readonly unknown[];
  subscribe(listener: (event: { type: string }) => void): () => void;
};

/**
 * Starts answering a broker's requests at the terminal, each answer read with `readLine` when it
 * is needed (tools' `answerMcpElicitationsAtTerminal`); returns the stop.
 */
export type AnswerAtTerminal = (
  readLine: (signal: AbortSignal) => Promise<string | undefined>,
  echo: boolean,
) => () => void;

/** Options of {@link runTerminalChat}. */
export type TerminalChatOptions = {
  agent: Agent<unknown>;
  /** What the first line names the chat with (`the agent of src/agent.ts`), control-free. */
  title: string;
  /** Where the user types: one message (or one answer) a line. */
  input: NodeJS.ReadableStream;
  io: CliIo;
  /** The chat session's id (default: a new one). */
  id?: string | undefined;
  /**
   * Whether a person types (a terminal): then a line typed while the agent works steers it. Piped
   * input is a script instead: each line is the next message, or the answer to the MCP request
   * that waits when it is read, in order. @defaultValue `input.isTTY === true`
   */
  interactive?: boolean | undefined;
  /**
   * The module's MCP elicitation broker and its terminal answerer: while a request waits, the
   * lines typed answer it.
   */
  elicitations?: { broker: TerminalElicitations; answerAtTerminal: AnswerAtTerminal } | undefined;
  /**
   * Calls `handler` on each interrupt (Ctrl-C); returns the unsubscribe. An interrupt stops the
   * answer being written (nothing of it is saved); between answers it ends the chat.
   */
  onInterrupt?: ((handler: () => void) => () => void) | undefined;
  /**
   * Calls `handler` when the process is told to end (SIGTERM from `docker stop`, `timeout` or a
   * service manager; SIGHUP when the terminal goes), with the exit code that signal gives
   * (143, 129); returns the unsubscribe. The answer being written is stopped and the chat ends
   * at once, lines still queued unread: the caller's cleanup (the module's `close`) then runs.
   */
  onTerminate?: ((handler: (exitCode: number) => void) => () => void) | undefined;
};

/** What a line typed while the agent works is given to. */
type Running = { steer(text: string): void };

const MAX_SHOWN_ARGS = 200;
/** A tool name as the tool-call line shows it: a declared one is at most 128 characters. */
const MAX_SHOWN_NAME = 128;
const PROMPT = 'you> ';
/**
 * Lines read ahead of the chat before the input is paused: piped input (`yes | gemloop chat`)
 * is read faster than a model answers, and every line waited in memory.
 */
const MAX_QUEUED_LINES = 1000;

/**
 * A chat with `agent` at a terminal (`gemloop chat`): each line is a turn of one chat session
 * (`createChatSession`, history in memory), its answer streamed to stdout and its tool calls,
 * steers and errors to stderr. A line answers the MCP server request that waits, if one does;
 * else, typed at a terminal while the agent works, it steers the run (it joins the history at the
 * next step); piped, it is the next message. `/exit` or the end of the input ends the chat.
 *
 * @returns The exit code: 0, 1 when a line of the input passed its bound (1 MiB) and ended the
 * chat, or the terminating signal's (`onTerminate`: 143 for SIGTERM).
 */
export async function runTerminalChat(options: TerminalChatOptions): Promise<number> {
  const { agent, io } = options;
  const chat = createChatSession({
    agent,
    ...(options.id === undefined ? {} : { id: options.id }),
  });
  const interactive = options.interactive ?? (options.input as { isTTY?: boolean }).isTTY === true;
  // What a failed turn prints is the module's error, which quotes what it read: the credentials of
  // the environment, the command line and `.env` are taken out, as from an import failure
  // (describe-import-failure.ts); before, a tool's driver error printed the database password.
  const shellSecrets = terminalSecrets(io.env, process.argv.slice(2), process.cwd());
  const redact = createSecretRedactor(shellSecrets);
  const messageOf = (error: unknown): string => describeError(error, redact);
  const answerKeys = answerKeysReader(agent, shellSecrets);
  io.stderr(
    `Chatting with ${options.title}. /exit or the end of input ends the chat${interactive ? '; a line typed while it works steers it' : ''}.\n`,
  );
  const broker = options.elicitations?.broker;
  const input = boundInputLines(options.input);
  const lines = createInterface({ input: input.stream, crlfDelay: Number.POSITIVE_INFINITY });
  let refused: Error | undefined;
  let paused = false;
  let running: Running | undefined;
  let turn: AbortController | undefined;
  let ended = false;
  /** The exit code of the signal that ended the chat (SIGTERM: 143), if one did. */
  let terminated: number | undefined;
  // Lines read and not taken yet, oldest first. Each goes to the first that asks for it: the
  // terminal answerer of an MCP request (it asks line by line, so it takes no line meant for the
  // chat), the prompt for the next message, or, typed at a terminal while the agent works with no
  // request waiting, a steer. Piped lines wait for a request or the prompt, in order.
  const queue: string[] = [];
  let wake: (() => void) | undefined;
  let answerWaiter: ((line: string | undefined) => void) | undefined;
  const take = (): string | undefined => {
    const line = queue.shift();
    if (paused && queue.length < MAX_QUEUED_LINES / 2) {
      paused = false;
      lines.resume();
    }
    return line;
  };
  const pump = (): void => {
    while (queue.length > 0) {
      if (answerWaiter !== undefined) {
        const waiter = answerWaiter;
        answerWaiter = undefined;
        waiter(take());
      } else if (running === undefined) {
        wake?.();
        return;
      } else if (interactive && (broker?.pending.length ?? 0) === 0) {
        const line = take() as string;
        if (line.trim() !== '') running.steer(line);
      } else {
        return;
      }
    }
  };
  const readAnswer = (signal: AbortSignal): Promise<string | undefined> => {
    if (queue.length > 0) return Promise.resolve(take());
    if (ended || signal.aborted) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const onAbort = () => {
        answerWaiter = undefined;
        resolve(undefined);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      answerWaiter = (line) => {
        signal.removeEventListener('abort', onAbort);
        resolve(line);
      };
    });
  };
  // Piped input is not echoed by a terminal: tools' answerer writes each answer after its prompt.
  const stopAnswering = options.elicitations?.answerAtTerminal(readAnswer, !interactive);

  lines.on('line', (line) => {
    queue.push(line);
    if (!paused && queue.length >= MAX_QUEUED_LINES) {
      paused = true;
      lines.pause();
    }
    pump();
  });
  // A line past the bound (or the input's own failure): the chat ends, saying so. Readline
  // passes its input's error on as its own (unhandled, it would end the process).
  lines.on('error', (error) => {
    refused = error;
    lines.close();
  });
  lines.on('close', () => {
    ended = true;
    // The end of the input cancels the request being asked (tools' terminal answerer).
    if (queue.length === 0) answerWaiter?.(undefined);
    wake?.();
  });
  const stopInterrupts = options.onInterrupt?.(() => {
    if (turn !== undefined) {
      io.stderr('\n(stopped)\n');
      turn.abort(new Error('Interrupted at the terminal.'));
    } else {
      ended = true;
      lines.close();
    }
  });

  // stdout's reader gone (`gemloop chat < questions | head -1`): the answers are the chat's
  // output, so the turn being answered is stopped and the chat ends. Before, every question
  // left went to the model, its answer written to no one (attack49b).
  let unread = false;
  const stdoutGone = (): void => {
    io.stderr('\n(stdout closed: the chat ends)\n');
    unread = true;
    turn?.abort(new Error('stdout closed.'));
    lines.close();
  };
  if (io.stdoutGone?.aborted === true) stdoutGone();
  else io.stdoutGone?.addEventListener('abort', stdoutGone, { once: true });

  // why (terminate): before, SIGTERM killed the chat where it stood: the module's `close` never
  // ran (an MCP server, a recorder's last record, a database pool left to the exit).
  const stopTerminations = options.onTerminate?.((exitCode) => {
    terminated ??= exitCode;
    ended = true;
    turn?.abort(new Error('The chat was ended by a signal.'));
    lines.close();
    wake?.();
  });

  const nextLine = async (): Promise<string | undefined> => {
    for (;;) {
      // Lines read ahead are questions too: none is asked once no one reads the answers, or
      // once a signal ended the chat.
      if (unread || terminated !== undefined) return undefined;
      const line = take();
      if (line !== undefined) {
        // Piped input is not echoed by a terminal: the transcript shows each message.
        if (!interactive) io.stderr(`${shown(line)}\n`);
        return line;
      }
      if (ended) return undefined;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
    }
  };

  try {
    while (terminated === undefined) {
      io.stderr(PROMPT);
      const line = await nextLine();
      if (line === undefined || line.trim() === '/exit') break;
      if (line.trim() === '') continue;
      turn = new AbortController();
      const stream = chat.sendStream(line, { signal: turn.signal });
      running = {
        steer(text) {
          try {
            chat.steer(text);
            io.stderr(`  (steer: ${shown(text)})\n`);
          } catch (error) {
            io.stderr(`  (not steered: ${messageOf(error)})\n`);
          }
        },
      };
      await printTurn(stream, io, messageOf, answerKeys);
      running = undefined;
      turn = undefined;
    }
  } finally {
    io.stdoutGone?.removeEventListener('abort', stdoutGone);
    stopInterrupts?.();
    stopTerminations?.();
    stopAnswering?.();
    lines.close();
    input.stop();
  }
  io.stderr('\n');
  if (terminated !== undefined) {
    io.stderr('gemloop chat: ended by a signal.\n');
    return terminated;
  }
  if (refused !== undefined) {
    io.stderr(`gemloop chat: ${shown(refused.message)}\n`);
    return 1;
  }
  return 0;
}

/**
 * The keys what the model writes is shown without (cli68): the shell's credentials (what a failed
 * turn's message is redacted of, {@link terminalSecrets}) of a key's length or more, in the forms a
 * text may quote them in, and the keys of the agent's clients (its subagents' and hand-off
 * receivers' too, as a door hides them). A model that repeats the `GEMINI_API_KEY` it was never
 * meant to see (a tool read `.env`, the user pasted it earlier) printed it on stdout, while a
 * text that only looks like a key (a docs sample) is the answer and stays. Shorter credentials
 * are hidden from error messages only: in an answer they are as likely words.
 */
function answerKeysReader(
  agent: Agent<unknown>,
  shellSecrets: readonly string[],
): () => readonly string[] {
  const shell = shellSecrets
    .filter((secret) => secret.length >= MIN_KEY_LENGTH)
    .flatMap(secretForms);
  const clientKeys = agentKeysReader(agent);
  // Longest first: a key that starts another is matched whole (KeyHold takes the first match).
  return () => [...new Set([...shell, ...clientKeys()])].sort((a, b) => b.length - a.length);
}

/**
 * Prints one turn's events as they come; an error ends the turn, not the chat. The events go
 * through core's `keylessFilter` (what every door sends through): a key of `keys()` is
 * `[redacted]` however the stream splits it, in the answer, a call's arguments and a retraction.
 */
async function printTurn(
  events: AsyncIterable<AgentEvent<unknown>>,
  io: CliIo,
  messageOf: (error: unknown) => string,
  keys: () => readonly string[],
): Promise<void> {
  // The run's end is not printed: its result (the whole thread) is not walked for keys at each turn.
  const filter = keylessFilter(keys, undefined, () => undefined);
  let midLine = false;
  const print = (event: AgentEvent<unknown>): void => {
    // A subagent's own text and calls stay out: the top agent's answer is the chat's.
    if (event.path.length > 0) return;
    if (event.type === 'text-delta') {
      if (event.text === '') return;
      io.stdout(answerText(event.text));
      midLine = !event.text.endsWith('\n');
    } else if (event.type === 'tool-call') {
      if (midLine) io.stdout('\n');
      midLine = false;
      const args = JSON.stringify(event.redactedArgs ?? event.args);
      io.stderr(`  → ${shownName(event.toolName)}(${shown(args)})\n`);
    } else if (event.type === 'tool-error') {
      io.stderr(`  ✗ ${shownName(event.toolCall.toolName)}: ${event.outcome}\n`);
    } else if (event.type === 'handoff') {
      // The answer comes from the receiver now: what the agent handing over printed (text
      // beside its transfer call) read as the start of an `output` receiver's JSON (doors53).
      if (midLine) io.stdout('\n');
      midLine = false;
      io.stderr(
        `  (${shownName(event.from)} handed the chat to ${shownName(event.to)}: the text above is not its answer)\n`,
      );
    } else if (event.type === 'guardrail-retraction') {
      // An output guardrail (or a plugin's checkAnswer) took back the text streamed for this
      // step: the terminal cannot unprint it, so it says so and prints what the answer is
      // instead; dropped, the withdrawn text read as the answer (attack21).
      if (midLine) io.stdout('\n');
      const name = escapeControls(event.name);
      io.stderr(
        isReasked(event)
          ? `  (${name}: the model is asked again; the text above is not the answer)\n`
          : `  (${name} withdrew the text above${event.text === '' ? ': no answer)' : '; the answer is:)'}\n`,
      );
      io.stdout(answerText(event.text));
      midLine = event.text !== '' && !event.text.endsWith('\n');
    }
  };
  // What the hold-back keeps of a key's possible start leaves at the turn's end, also a failed
  // or stopped one (a key's start of 8 characters or more as `[redacted]`).
  const printHeld = (): void => {
    for (const event of filter.end()) print(event);
  };
  try {
    for await (const event of events) {
      const out = filter.take(event);
      if (out === event) print(event);
      else for (const each of out as AgentEvent<unknown>[]) print(each);
    }
    printHeld();
    if (midLine) io.stdout('\n');
  } catch (error) {
    printHeld();
    if (midLine) io.stdout('\n');
    io.stderr(`  error: ${messageOf(error)}\n`);
  }
}

/**
 * The model's text as the terminal shows it: its line breaks and tabs kept, every other control
 * character escaped (a model or gateway cannot recolour, clear or move the terminal).
 */
function answerText(text: string): string {
  return text
    .split(/(\n|\t)/)
    .map((piece) => (piece === '\n' || piece === '\t' ? piece : escapeControls(piece)))
    .join('');
}

function shown(text: string | undefined): string {
  const safe = escapeControls(text ?? '');
  return safe.length > MAX_SHOWN_ARGS ? `${safe.slice(0, MAX_SHOWN_ARGS)}…` : safe;
}

/** A model's tool name, control-free and cut: one calling a tool it was never given names any. */
function shownName(name: string): string {
  const safe = escapeControls(name);
  return safe.length > MAX_SHOWN_NAME ? `${safe.slice(0, MAX_SHOWN_NAME)}…` : safe;
}

function describeError(error: unknown, redact: (text: string) => string): string {
  const named = error as { name?: unknown; message?: unknown } | null;
  const name = typeof named?.name === 'string' ? named.name : 'Error';
  const message = typeof named?.message === 'string' ? named.message : String(error);
  return escapeControls(redact(`${name}: ${message}`));
}

/**
 * The reasons a step's answer is asked for again (`ReaskReason`), each listed so that a new one
 * fails the type check here: a retraction under one of these names, its text empty, is a re-ask
 * (run/reask-retraction.ts), and the answer follows, where "no answer" read as the end (attack51).
 */
const REASK_REASONS: Readonly<Record<ReaskReason, true>> = {
  'malformed-function-call': true,
  'unexpected-tool-call': true,
  'too-many-tool-calls': true,
  'malformed-response': true,
  'empty-response': true,
  'invalid-output': true,
};

/** Whether a retraction is a re-ask's (see {@link REASK_REASONS}) rather than a guardrail's block. */
function isReasked(event: { name: string; text: string }): boolean {
  return event.text === '' && Object.hasOwn(REASK_REASONS, event.name);
}
