import { type BaseEvent, EventType, type Message } from '@ag-ui/core';
import type { AgentEvent } from '@gemloop/core';
import {
  boundedArgs,
  boundedCallId,
  boundedToolName,
  cutText,
  shownToolOutput,
} from '@gemloop/core/internal';

/**
 * Turns a run's gemloop events into AG-UI events (https://docs.ag-ui.com/concepts/events), in
 * order: `STEP_STARTED`/`STEP_FINISHED` around each model call, `TEXT_MESSAGE_START`/
 * `CONTENT`/`END` around each step's answer text, `TOOL_CALL_START`/`ARGS`/`END` for each call
 * the model made (its arguments as the event's `redactedArgs`, the secret ones replaced, as the
 * browser protocol shows them: issue 52) and `TOOL_CALL_RESULT` when it ran on the server; with
 * `thoughts`, each step's thought summary as one reasoning span (`REASONING_START`,
 * `REASONING_MESSAGE_START`/`CONTENT`/`END`, `REASONING_END`: https://docs.ag-ui.com/concepts/reasoning).
 * Only the top-level run's events: a subagent's run is inside its parent's tool call.
 *
 * A `guardrail-retraction` (an output guardrail that blocked or rewrote a step's answer after its
 * text streamed) becomes a `MESSAGES_SNAPSHOT`: AG-UI's event that replaces the client's messages
 * (https://docs.ag-ui.com/concepts/messages; HttpAgent keeps only the messages a snapshot lists).
 * So the mapper keeps the messages this run sent as the client builds them, and the snapshot is
 * the client's own (`base`) and these, the retracted step's text replaced (dropped when blocked).
 * @internal
 */
export function createAgUiEventMapper(options: {
  maxToolResultChars: number;
  /** Send thought summaries as reasoning events (off: a page does not get them unless asked). */
  thoughts: boolean;
  /** Makes a run's call ids unique in the thread (see {@link toAgUiCallId}). */
  runId: string;
}): {
  map(event: AgentEvent): BaseEvent[];
  /** The AG-UI id given to the call whose arguments object is `rawArgs` (an approval's call). */
  callIdOf(rawArgs: object, toolCallId: string): string;
  close(): BaseEvent[];
  reopen(): BaseEvent[];
  /** The messages the client sent with the AG-UI run now streaming (a snapshot keeps them). */
  base(messages: readonly Message[]): void;
} {
  let openMessage: string | undefined;
  let clientMessages: readonly Message[] = [];
  // The messages this run sent, by id, as the client holds them; the text messages of each step.
  const sent = new Map<string, Message>();
  const textOfStep = new Map<number, string[]>();
  let currentStep = 0;
  // The reasoning span open now: one span and one reasoning message per run of thought text.
  let openReasoning: { span: string; message: string } | undefined;
  // Each call's AG-UI id, unique in the run, by its arguments object: the model may repeat an id
  // in a turn or a later step, and HttpAgent files calls of one id as one (attack27).
  const callIds = new WeakMap<object, string>();
  const issued = new Set<string>();
  const callIdOf = (rawArgs: object, toolCallId: string): string =>
    callIds.get(rawArgs) ?? toAgUiCallId(options.runId, toolCallId);
  const newCallId = (rawArgs: object, toolCallId: string): string => {
    const base = toAgUiCallId(options.runId, toolCallId);
    let id = base;
    for (let count = 2; issued.has(id); count++) id = `${base}#${count}`;
    issued.add(id);
    callIds.set(rawArgs, id);
    return id;
  };
  // The model call in progress, and one an interrupt closed: AG-UI finishes a run only with its
  // steps closed, and the run that resumes opens it again.
  let openStep: number | undefined;
  let closedStep: number | undefined;
  const closeMessage = (): BaseEvent[] => {
    if (openMessage === undefined) return [];
    const messageId = openMessage;
    openMessage = undefined;
    return [{ type: EventType.TEXT_MESSAGE_END, messageId } as BaseEvent];
  };
  const closeReasoning = (): BaseEvent[] => {
    if (openReasoning === undefined) return [];
    const { span, message } = openReasoning;
    openReasoning = undefined;
    return [
      { type: EventType.REASONING_MESSAGE_END, messageId: message } as BaseEvent,
      { type: EventType.REASONING_END, messageId: span } as BaseEvent,
    ];
  };
  // Whatever text or reasoning is open: a new kind of output closes the other.
  const closeOpen = (): BaseEvent[] => [...closeReasoning(), ...closeMessage()];
  /** The step's text becomes `text` (its first message holds it; none when blocked). */
  const retract = (stepNumber: number, text: string): BaseEvent => {
    const [first, ...rest] = textOfStep.get(stepNumber) ?? [];
    for (const id of rest) sent.delete(id);
    if (first !== undefined) {
      if (text === '') sent.delete(first);
      else sent.set(first, { id: first, role: 'assistant', content: text });
    }
    textOfStep.set(stepNumber, first === undefined || text === '' ? [] : [first]);
    const gone = new Set([...rest, ...(text === '' && first !== undefined ? [first] : [])]);
    const messages = [
      ...clientMessages.filter((message) => !sent.has(message.id) && !gone.has(message.id)),
      ...sent.values(),
    ];
    return { type: EventType.MESSAGES_SNAPSHOT, messages } as BaseEvent;
  };
  return {
    /** The AG-UI events for one gemloop event (none for most). */
    map(event: AgentEvent): BaseEvent[] {
      if (event.path.length > 0) return [];
      switch (event.type) {
        case 'step-start':
          openStep = event.stepNumber;
          currentStep = event.stepNumber;
          return [stepEvent(EventType.STEP_STARTED, event.stepNumber)];
        case 'thought-delta': {
          if (!options.thoughts || event.text.length === 0) return [];
          const events: BaseEvent[] = closeMessage();
          if (openReasoning === undefined) {
            openReasoning = { span: crypto.randomUUID(), message: crypto.randomUUID() };
            events.push(
              { type: EventType.REASONING_START, messageId: openReasoning.span } as BaseEvent,
              {
                type: EventType.REASONING_MESSAGE_START,
                messageId: openReasoning.message,
                role: 'reasoning',
              } as BaseEvent,
            );
          }
          events.push({
            type: EventType.REASONING_MESSAGE_CONTENT,
            messageId: openReasoning.message,
            delta: event.text,
          } as BaseEvent);
          return events;
        }
        case 'text-delta': {
          if (event.text.length === 0) return [];
          const events: BaseEvent[] = closeReasoning();
          if (openMessage === undefined) {
            openMessage = crypto.randomUUID();
            sent.set(openMessage, { id: openMessage, role: 'assistant', content: '' });
            textOfStep.set(currentStep, [...(textOfStep.get(currentStep) ?? []), openMessage]);
            events.push({
              type: EventType.TEXT_MESSAGE_START,
              messageId: openMessage,
              role: 'assistant',
            } as BaseEvent);
          }
          events.push({
            type: EventType.TEXT_MESSAGE_CONTENT,
            messageId: openMessage,
            delta: event.text,
          } as BaseEvent);
          const message = sent.get(openMessage) as { content: string };
          message.content += event.text;
          return events;
        }
        case 'tool-call': {
          const toolCallId = newCallId(event.args, event.toolCallId);
          // The model's arguments, bounded as a page gets them (attack27): past 100,000 characters
          // of JSON, or not JSON at all, the call is shown with none (AG-UI has no `argsOmitted`).
          const shown = boundedArgs(event.redactedArgs ?? event.args);
          const args = shown === undefined ? '{}' : JSON.stringify(shown);
          // A name the model made up, past a declared one's 128 characters, cut as a page is shown
          // it: whole, a 2 MB name was a 2 MB event (doors-bounds41).
          const toolCallName = boundedToolName(event.toolName);
          // HttpAgent files a call with no parent message as an assistant message of the call's id.
          sent.set(toolCallId, {
            id: toolCallId,
            role: 'assistant',
            toolCalls: [
              {
                id: toolCallId,
                type: 'function',
                function: { name: toolCallName, arguments: args },
              },
            ],
          });
          return [
            ...closeOpen(),
            {
              type: EventType.TOOL_CALL_START,
              toolCallId,
              toolCallName,
            } as BaseEvent,
            {
              type: EventType.TOOL_CALL_ARGS,
              toolCallId,
              delta: args,
            } as BaseEvent,
            { type: EventType.TOOL_CALL_END, toolCallId } as BaseEvent,
          ];
        }
        case 'tool-result':
        case 'tool-error': {
          const call = event.toolCall;
          const content =
            event.type === 'tool-error'
              ? JSON.stringify({ error: `The call ended: ${event.outcome}.` })
              : event.outputHeld === true
                ? ''
                : cut(previewOf(shownToolOutput(call)), options.maxToolResultChars);
          const result = {
            id: crypto.randomUUID(),
            role: 'tool' as const,
            toolCallId: callIdOf(call.rawArgs, call.toolCallId),
            content,
          };
          sent.set(result.id, result);
          return [
            {
              type: EventType.TOOL_CALL_RESULT,
              messageId: result.id,
              toolCallId: result.toolCallId,
              role: 'tool',
              content,
            } as BaseEvent,
          ];
        }
        case 'guardrail-retraction':
          return [...closeOpen(), retract(event.stepNumber, event.text)];
        case 'step-end':
          openStep = undefined;
          return [...closeOpen(), stepEvent(EventType.STEP_FINISHED, event.step.stepNumber)];
        default:
          return [];
      }
    },
    callIdOf,
    /** Closes the message and the step an AG-UI run that ends early leaves open. */
    close() {
      const events = closeOpen();
      if (openStep !== undefined) {
        events.push(stepEvent(EventType.STEP_FINISHED, openStep));
        closedStep = openStep;
        openStep = undefined;
      }
      return events;
    },
    base(messages) {
      clientMessages = messages;
    },
    /** Opens again, in the AG-UI run that resumes, the step `close` closed. */
    reopen() {
      if (closedStep === undefined) return [];
      openStep = closedStep;
      closedStep = undefined;
      return [stepEvent(EventType.STEP_STARTED, openStep)];
    },
  };
}

/**
 * A call's id as AG-UI sees it: gemloop's id (the model's, or `call_<step>_<index>` when the
 * model gave none) repeats from one run of a thread to the next, and an AG-UI client keeps one
 * tool call per id over the whole thread (HttpAgent renamed the first run's call otherwise), so
 * it is prefixed with the id of the AG-UI run that started the gemloop run (and, within the run,
 * followed by `#2`, `#3`... for an id the model already gave another call). The model's id is
 * bounded as a page gets it (`boundedCallId`: cut past 256 characters, with a hash of the
 * whole, so the events of one call agree; attack27). @internal
 */
export function toAgUiCallId(runId: string, toolCallId: string): string {
  return `${runId}.${boundedCallId(toolCallId)}`;
}

function stepEvent(type: EventType, stepNumber: number): BaseEvent {
  return { type, stepName: `step-${stepNumber}` } as BaseEvent;
}

/** A tool's output as one line of JSON (a string as itself); never throws. */
function previewOf(output: unknown): string {
  if (typeof output === 'string') return output;
  try {
    return JSON.stringify(output) ?? String(output);
  } catch {
    return '[output that is not JSON]';
  }
}

function cut(text: string, max: number): string {
  return cutText(text, max);
}
