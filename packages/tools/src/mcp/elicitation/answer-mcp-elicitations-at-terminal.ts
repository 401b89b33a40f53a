import { InvalidArgumentError } from '@gemloop/core';
import { checkElicitationContent } from './check-elicitation-content.ts';
import { createLineReader } from './create-line-reader.ts';
import type {
  McpElicitationBroker,
  PendingMcpElicitation,
} from './create-mcp-elicitation-broker.ts';
import type {
  McpElicitationAnswer,
  McpElicitationRequest,
  McpElicitationValue,
} from './mcp-elicitation.ts';
import { choicesOf, hintOf, parseField } from './parse-field.ts';
import { shown } from './shown.ts';

/** Options of {@link answerMcpElicitationsAtTerminal}. */
export type McpTerminalAnswerOptions = {
  /**
   * Where the user types (`process.stdin`): one answer a line. Give this or `readLine`.
   */
  input?: NodeJS.ReadableStream | undefined;
  /**
   * Instead of `input`: the next line the user typed, asked for each answer when it is needed
   * (`undefined` at the end of input, or when `signal` aborts), for a program that reads the
   * terminal itself and shares it (a chat's prompt, `gemloop chat`): no line is read before it
   * is asked for, so none meant for the program is taken.
   */
  readLine?: ((signal: AbortSignal) => Promise<string | undefined>) | undefined;
  /**
   * Writes each answer after its prompt, for input a terminal does not echo.
   * @defaultValue `true` when `input` is not a terminal (piped); `false` with `readLine`
   */
  echo?: boolean | undefined;
  /** Where the questions go (`process.stderr` keeps them out of a piped answer). */
  output: { write(text: string): unknown };
  /** Stops answering (as the returned function does). */
  signal?: AbortSignal | undefined;
};

type FormRequest = Extract<McpElicitationRequest, { mode: 'form' }>;

/** Typed at any field's prompt: refuses the whole form. */
const DECLINE = ':decline';
const CANCEL = ':cancel';
const MAX_MESSAGE_CHARS = 2000;
const MAX_LABEL_CHARS = 200;
const MAX_LISTED_CHOICES = 50;

/**
 * Answers a broker's elicitation requests at a terminal, one at a time, oldest first: a form's
 * fields are asked one by one (the first 50 choices numbered, a default taken on Enter, each answer checked
 * against the server's schema and asked again with the reason when it does not fit; `:decline` or
 * `:cancel` at any field refuses the form), and a URL request shows the page (its full address
 * and its host) and waits for `y` (opened), `n` (declined) or `c` (cancelled). Nothing is opened
 * for the user. A request answered elsewhere (a page, its time limit) stops being asked; the end
 * of `input` (`readLine` resolving `undefined`) cancels the request being asked.
 *
 * The server's text is shown without control characters: a hostile server cannot move the
 * cursor, recolour the terminal or hide text.
 *
 * @returns A function that stops answering (what waits then waits for a page or its time limit).
 * @throws {@link InvalidArgumentError} unless exactly one of `input` and `readLine` is given.
 * @example
 * ```ts
 * const elicitations = createMcpElicitationBroker();
 * const stop = answerMcpElicitationsAtTerminal(elicitations, {
 *   input: process.stdin,
 *   output: process.stderr,
 * });
 * ```
 */
export function answerMcpElicitationsAtTerminal(
  broker: McpElicitationBroker,
  options: McpTerminalAnswerOptions,
): () => void {
  const { output } = options;
  const write = (text: string): void => {
    output.write(text);
  };
  const { input, readLine } = options;
  if ((input === undefined) === (readLine === undefined)) {
    throw new InvalidArgumentError({
      argument: 'options',
      message:
        'answerMcpElicitationsAtTerminal: give either input (a stream such as process.stdin) or readLine (a function returning the next line), not both or neither.',
    });
  }
  const reader =
    readLine === undefined
      ? createLineReader(input as NodeJS.ReadableStream)
      : { next: readLine, close: () => {} };
  // Piped input is not echoed by a terminal: the transcript shows each answer after its prompt.
  const echo =
    options.echo ?? (readLine === undefined && (input as { isTTY?: boolean }).isTTY !== true);
  const lines = {
    async next(signal: AbortSignal): Promise<string | undefined> {
      const line = await reader.next(signal);
      if (echo && line !== undefined && !signal.aborted)
        write(`${shown(line, MAX_MESSAGE_CHARS)}\n`);
      return line;
    },
    close: () => reader.close(),
  };
  const queue: PendingMcpElicitation[] = [...broker.pending];
  let current: { id: string; controller: AbortController } | undefined;
  let running = false;
  let stopped = false;

  const unsubscribe = broker.subscribe((event) => {
    if (event.type === 'elicitation-pending') {
      queue.push(event.elicitation);
      // A throwing `output` ends this round; what waits is answered by its time limit.
      drain().catch(() => {});
      return;
    }
    const at = queue.findIndex((each) => each.id === event.id);
    if (at >= 0) queue.splice(at, 1);
    if (current?.id === event.id) current.controller.abort();
  });

  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    unsubscribe();
    current?.controller.abort();
    lines.close();
    options.signal?.removeEventListener('abort', stop);
  };
  if (options.signal?.aborted) stop();
  else options.signal?.addEventListener('abort', stop, { once: true });

  async function drain(): Promise<void> {
    if (running) return;
    running = true;
    try {
      while (!stopped) {
        const next = queue.shift();
        if (next === undefined) break;
        const controller = new AbortController();
        current = { id: next.id, controller };
        let answer: McpElicitationAnswer | undefined;
        try {
          answer = await ask(next, controller.signal);
        } catch {
          // A request this terminal cannot ask (the broker's handler takes any caller's): the
          // server gets an answer all the same, and the other requests are still asked.
          write('  (this request cannot be answered here: cancelled)\n');
          answer = controller.signal.aborted ? undefined : { action: 'cancel' };
        }
        current = undefined;
        if (answer === undefined) {
          if (!stopped) write('  (answered elsewhere)\n');
          continue;
        }
        try {
          if (!broker.answer(next.id, answer)) write('  (answered elsewhere)\n');
        } catch (error) {
          // Each field was checked as it was typed: a form that still does not fit is malformed
          // (a required field it does not list). Asking again could never end; it is cancelled.
          write(
            `  ${InvalidArgumentError.isInstance(error) ? error.message : 'Not accepted.'} The request is cancelled.\n`,
          );
          broker.answer(next.id, { action: 'cancel' });
        }
      }
    } finally {
      running = false;
    }
  }

  /** The user's answer, or `undefined` when the request stopped waiting first. */
  async function ask(
    pending: PendingMcpElicitation,
    signal: AbortSignal,
  ): Promise<McpElicitationAnswer | undefined> {
    const { request, toolCalls } = pending;
    const during =
      toolCalls.length === 0
        ? ''
        : ` (during ${toolCalls.map((call) => call.toolName).join(', ')})`;
    write(`\n${shown(request.server, MAX_LABEL_CHARS)} asks${shown(during, MAX_LABEL_CHARS)}:\n`);
    write(`  ${shown(request.message, MAX_MESSAGE_CHARS)}\n`);
    if (request.mode === 'url') return askUrl(request.url, signal);
    return askForm(request, signal);
  }

  async function askUrl(
    url: string,
    signal: AbortSignal,
  ): Promise<McpElicitationAnswer | undefined> {
    let host: string;
    try {
      host = new URL(url).host;
    } catch {
      host = '(not a valid address)';
    }
    write(
      `  Page to open: ${shown(url, MAX_MESSAGE_CHARS)}\n  Its host: ${shown(host, MAX_LABEL_CHARS)}\n`,
    );
    for (;;) {
      write('  Open it? [y]es (I opened it) / [n]o / [c]ancel: ');
      const line = await lines.next(signal);
      if (signal.aborted) return undefined;
      if (line === undefined) return { action: 'cancel' };
      const said = line.trim().toLowerCase();
      if (said === 'y' || said === 'yes') return { action: 'accept' };
      if (said === 'n' || said === 'no') return { action: 'decline' };
      if (said === 'c' || said === 'cancel') return { action: 'cancel' };
      write('  Type y, n or c.\n');
    }
  }

  async function askForm(
    request: FormRequest,
    signal: AbortSignal,
  ): Promise<McpElicitationAnswer | undefined> {
    const properties = request.requestedSchema?.properties ?? {};
    const listed = request.requestedSchema?.required;
    const required = new Set(Array.isArray(listed) ? listed : []);
    write(`  (type ${DECLINE} or ${CANCEL} at any field to refuse the form)\n`);
    const content: { [name: string]: McpElicitationValue } = {};
    for (const [name, field] of Object.entries(properties)) {
      if (typeof field !== 'object' || field === null) {
        write(`  The form's field "${shown(name, MAX_LABEL_CHARS)}" cannot be filled in here.\n`);
        return { action: 'decline' };
      }
      const options = choicesOf(field.type === 'array' ? (field.items ?? {}) : field);
      const label = shown(typeof field.title === 'string' ? field.title : name, MAX_LABEL_CHARS);
      if (typeof field.description === 'string') {
        write(`  ${label}: ${shown(field.description, MAX_MESSAGE_CHARS)}\n`);
      }
      // A server may list 100,000 choices: the first few are numbered, the rest can be typed.
      options?.slice(0, MAX_LISTED_CHOICES).forEach((choice, index) => {
        write(`    ${index + 1}) ${shown(choice.title, MAX_LABEL_CHARS)}\n`);
      });
      if (options !== undefined && options.length > MAX_LISTED_CHOICES) {
        const more = (options.length - MAX_LISTED_CHOICES).toLocaleString('en-US');
        write(`    ... and ${more} more (type the value)\n`);
      }
      const hints = [
        hintOf(field, options !== undefined),
        required.has(name) ? 'required' : 'Enter to skip',
        ...(field.default === undefined
          ? []
          : [`Enter for ${shown(JSON.stringify(field.default), MAX_LABEL_CHARS)}`]),
      ];
      for (;;) {
        write(`  ${label} (${hints.join(', ')}): `);
        const line = await lines.next(signal);
        if (signal.aborted) return undefined;
        if (line === undefined) return { action: 'cancel' };
        const typed = line.trim();
        if (typed === DECLINE) return { action: 'decline' };
        if (typed === CANCEL) return { action: 'cancel' };
        if (typed === '') {
          if (field.default !== undefined) {
            content[name] = field.default as McpElicitationValue;
            break;
          }
          if (!required.has(name)) break;
          write('  This field is required.\n');
          continue;
        }
        const parsed = parseField(field, typed, options);
        if ('problem' in parsed) {
          write(`  ${parsed.problem}\n`);
          continue;
        }
        try {
          checkElicitationContent(
            { type: 'object', properties: { [name]: field } },
            { [name]: parsed.value },
          );
        } catch (error) {
          // The message names the server's field (and choices): escape sequences made visible.
          write(
            `  ${InvalidArgumentError.isInstance(error) ? shown(error.message, MAX_MESSAGE_CHARS) : 'Not accepted.'}\n`,
          );
          continue;
        }
        content[name] = parsed.value;
        break;
      }
    }
    return { action: 'accept', content };
  }

  return stop;
}
