import type { AgentEvent, AgentResult, AgentUsage } from '@gemloop/core';
import type { AgentToolCall } from '@gemloop/core/agent';
import type { GroundingMetadata } from '@gemloop/core/wire';
import type { Style } from './style.ts';

/** Options of {@link createTracePrinter}. */
export type TracePrinterOptions = {
  /** Where the text goes, e.g. `(text) => process.stdout.write(text)`. */
  write: (text: string) => void;
  style: Style;
  /** Print a heading per step and the usage and timing lines. @defaultValue true */
  verbose?: boolean | undefined;
  /** Longest tool argument or result text before it is cut. @defaultValue 200 */
  maxValueLength?: number | undefined;
};

/** Renders an agent run as it happens; feed it every event of `agent.stream()`. */
export type TracePrinter = {
  event(event: AgentEvent<unknown>): void;
  /** Ends a line the answer left open (before a prompt or an error message). */
  finishLine(): void;
};

/**
 * A readable live trace of `agent.stream()` events: each step, each tool call with its
 * arguments, then its result (or error) and duration, the answer as it streams, token usage per
 * step and for the run. Plain text when colour is off, so it greps well.
 */
export function createTracePrinter({
  write,
  style,
  verbose = true,
  maxValueLength = 200,
}: TracePrinterOptions): TracePrinter {
  let atLineStart = true;
  // Which text stream (step and kind) the open line belongs to.
  let openStream = '';

  const line = (text: string): void => {
    if (!atLineStart) write('\n');
    write(`${text}\n`);
    atLineStart = true;
    openStream = '';
  };
  const cut = (text: string): string =>
    text.length > maxValueLength ? `${text.slice(0, maxValueLength - 1)}…` : text;

  return {
    finishLine() {
      if (!atLineStart) write('\n');
      atLineStart = true;
    },
    event(event) {
      switch (event.type) {
        case 'step-start': {
          if (verbose) {
            if (event.stepNumber > 1) line('');
            const kind =
              event.kind === 'final-output'
                ? ' (structured answer)'
                : event.kind === 'resume'
                  ? ' (answering pending calls)'
                  : '';
            line(style.bold(style.blue(`Step ${event.stepNumber}${kind}`)));
          }
          return;
        }
        case 'thought-delta':
        case 'text-delta': {
          const stream = `${event.stepNumber}:${event.type}`;
          if (stream !== openStream && !atLineStart) {
            write('\n');
            atLineStart = true;
          }
          openStream = stream;
          const paint =
            event.type === 'thought-delta'
              ? (text: string) => style.dim(style.magenta(text))
              : (text: string) => text;
          event.text.split('\n').forEach((piece, index) => {
            if (index > 0) {
              write('\n');
              atLineStart = true;
            }
            if (piece === '') return;
            // Indent answer lines like the tool lines, without trailing spaces on empty lines.
            if (atLineStart) write('  ');
            write(paint(shownAnswer(piece)));
            atLineStart = false;
          });
          return;
        }
        case 'tool-call': {
          line(
            `  ${style.cyan('→')} ${style.bold(shownText(cut(event.toolName)))}(${cut(formatArgs(event.args))})`,
          );
          return;
        }
        case 'tool-result': {
          const call = event.toolCall;
          line(
            `  ${style.green('✓')} ${shownText(cut(call.toolName))} ${style.dim(`${call.durationMs} ms`)} ${cut(formatValue(call.output))}`,
          );
          if (call.grounding !== undefined) printGrounding(call.grounding, 'tool');
          return;
        }
        case 'tool-error': {
          const call = event.toolCall;
          line(
            `  ${style.red('✗')} ${shownText(cut(call.toolName))} ${style.dim(`${call.durationMs} ms`)} ${style.red(event.outcome)}: ${shownText(cut(call.error ?? ''))}`,
          );
          return;
        }
        case 'grounding': {
          printGrounding(event.grounding, event.source);
          return;
        }
        case 'step-end': {
          const { step } = event;
          if (step.reask !== undefined) {
            line(
              style.yellow(
                `  (answer not usable: ${shownText(cut(step.reask.reason))}; asking again)`,
              ),
            );
          }
          if (verbose) {
            const tools = step.toolCalls.length > 0 ? `, tools ${step.toolsMs} ms` : '';
            line(
              style.dim(
                `  step ${step.stepNumber}: model ${step.modelMs} ms${tools} · ${formatUsage(step.usage)}`,
              ),
            );
          }
          return;
        }
        case 'steer': {
          // A message typed while the agent worked (chat: steer/queue): when it joined the
          // history, or that the run ended without it.
          const what = event.mode === 'queue' ? 'queued message' : 'steer';
          if (event.status === 'applied')
            line(style.dim(`  ↳ ${what} read at step ${event.stepNumber}`));
          else if (event.status === 'dropped')
            line(style.yellow(`  (${what} dropped: the run ended before reading it)`));
          return;
        }
        case 'run-end':
          return;
      }
    },
  };

  function printGrounding(grounding: GroundingMetadata, source: 'model' | 'tool'): void {
    // The metadata is the model's or the gateway's bytes (attack42c): a list may be no list, a
    // title may hold terminal escapes or bidi overrides, and 100,000 chunks were 100,000 lines.
    const queries = listOf(grounding?.webSearchQueries).filter(
      (query): query is string => typeof query === 'string' && query !== '',
    );
    const chunks = listOf(grounding?.groundingChunks);
    if (queries.length === 0 && chunks.length === 0) return;
    const via = source === 'tool' ? ' (through the google_search function)' : '';
    if (queries.length > 0) {
      const shown = queries.slice(0, MAX_SOURCE_LINES).map((query) => `"${shownText(cut(query))}"`);
      const more =
        queries.length > MAX_SOURCE_LINES ? `, and ${queries.length - MAX_SOURCE_LINES} more` : '';
      line(`  ${style.magenta('⌕')} searched${via}: ${shown.join(', ')}${more}`);
    }
    let printed = 0;
    chunks.forEach((chunk, index) => {
      const web = typeof chunk === 'object' && chunk !== null ? chunk.web : undefined;
      const uri = typeof web?.uri === 'string' ? web.uri : undefined;
      if (uri === undefined) return;
      printed += 1;
      if (printed > MAX_SOURCE_LINES) return;
      const title = typeof web?.title === 'string' ? `${shownText(cut(web.title))} ` : '';
      line(style.dim(`    [${index + 1}] ${title}${shownText(cut(uri))}`));
    });
    if (printed > MAX_SOURCE_LINES) {
      line(style.dim(`    (and ${printed - MAX_SOURCE_LINES} more sources)`));
    }
  }
}

/** How many search queries and sources one grounding prints; the rest are counted. */
const MAX_SOURCE_LINES = 20;

/** `value` when it is an array, else an empty one. */
function listOf<T>(value: readonly T[] | undefined): readonly T[] {
  return Array.isArray(value) ? value : [];
}

/**
 * `text` with each control character (a terminal escape, a newline) and each bidi override, line
 * separator or direction mark shown as `\u{1b}`: text from the model, a tool or a gateway is never
 * a command to the terminal (OSC 52 clipboard writes, OSC 8 links, cursor moves that overwrite an
 * approval prompt), nor reorders the line. The same set as the CLI's `escapeControls`, which
 * examples may not import (a package's internals).
 */
export function shownText(text: string): string {
  return text.replace(UNSAFE, (char) => `\\u{${char.codePointAt(0)?.toString(16)}}`);
}

/**
 * An answer as the terminal shows it: its line breaks and tabs kept (an answer is paragraphs and
 * lists), every other control character escaped as {@link shownText} does.
 */
export function shownAnswer(text: string): string {
  return text.replace(UNSAFE_IN_ANSWER, (char) => `\\u{${char.codePointAt(0)?.toString(16)}}`);
}

// C0 controls, DEL, C1 controls (U+009B is CSI on its own), the Arabic letter mark, LRM and RLM,
// the line and paragraph separators, bidi embeddings, overrides and isolates (CVE-2021-42574).
const UNSAFE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** `shownText`'s set without the newline and the tab. */
const UNSAFE_IN_ANSWER =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * `{ city: 'Paris', days: 2 }` → `city: "Paris", days: 2`. The model's arguments, so shown as
 * {@link shownText} shows text: JSON escapes C0 controls but leaves DEL, C1 (U+009B is CSI) and
 * bidi overrides as they are, and the keys are not JSON.
 */
export function formatArgs(args: Record<string, unknown>): string {
  return shownText(
    Object.entries(args)
      .map(([key, value]) => `${key}: ${JSON.stringify(value)}`)
      .join(', '),
  );
}

/** A tool result on one line: JSON, or the text itself, control characters escaped. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return shownText(JSON.stringify(value));
  if (value === undefined) return '(no output)';
  try {
    return shownText(JSON.stringify(value) ?? String(value));
  } catch {
    return shownText(String(value));
  }
}

/**
 * A count with its thousands grouped, the same everywhere (`5224` → `5,224`): every token count the
 * examples print goes through here. A fixed locale, so output and tests do not change with the
 * machine's.
 */
export function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}

/** `1,571 tokens (1,523 in, 24 out, 24 thinking)`. */
export function formatUsage(usage: AgentUsage): string {
  const parts = [
    `${formatCount(usage.promptTokenCount)} in`,
    `${formatCount(usage.candidatesTokenCount)} out`,
  ];
  if (usage.thoughtsTokenCount > 0) parts.push(`${formatCount(usage.thoughtsTokenCount)} thinking`);
  if (usage.toolUsePromptTokenCount > 0) {
    parts.push(`${formatCount(usage.toolUsePromptTokenCount)} tool-use prompt`);
  }
  if (usage.cachedContentTokenCount > 0) {
    parts.push(`${formatCount(usage.cachedContentTokenCount)} cached`);
  }
  return `${formatCount(usage.totalTokenCount)} tokens (${parts.join(', ')})`;
}

/**
 * The events `agent.stream()` would have given, rebuilt from a finished result, so a run made
 * with `agent.run()` prints the same trace (all at once instead of live).
 */
export function eventsOfResult<Output>(result: AgentResult<Output>): AgentEvent<unknown>[] {
  const events: AgentEvent<unknown>[] = [];
  for (const step of result.steps) {
    const { stepNumber } = step;
    events.push({ type: 'step-start', path: [], stepNumber, kind: step.kind });
    if (step.thoughts !== '')
      events.push({ type: 'thought-delta', path: [], stepNumber, text: step.thoughts });
    if (step.text !== '')
      events.push({ type: 'text-delta', path: [], stepNumber, text: step.text });
    for (const call of step.toolCalls) {
      events.push({
        type: 'tool-call',
        path: [],
        stepNumber,
        toolCallId: call.toolCallId,
        toolName: call.toolName,
        args: call.rawArgs,
      });
    }
    for (const call of step.toolCalls) events.push(toolOutcomeEvent(stepNumber, call));
    if (step.grounding !== undefined) {
      events.push({
        type: 'grounding',
        path: [],
        stepNumber,
        source: 'model',
        grounding: step.grounding,
      });
    }
    events.push({ type: 'step-end', path: [], step });
  }
  return events;
}

function toolOutcomeEvent(stepNumber: number, toolCall: AgentToolCall): AgentEvent<unknown> {
  return toolCall.outcome === 'success'
    ? { type: 'tool-result', path: [], stepNumber, toolCall }
    : { type: 'tool-error', path: [], stepNumber, outcome: toolCall.outcome, toolCall };
}
