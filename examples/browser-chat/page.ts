// The page of the browser-chat example: a chat UI on @gemloop/client, no framework. It shows the
// answer as it is written, each tool call and its result, approve/deny buttons for a call that
// waits, and a stop button that aborts the run on the server too. Every event it got is kept in
// `window.chatEvents` (the Chromium test reads it).

import { answerApproval, type BrowserEvent, streamAgent, toPageMessage } from '@gemloop/client';
import { showArgs } from './show-args.ts';

const $ = <T extends Element>(selector: string): T => {
  const element = document.querySelector<T>(selector);
  if (element === null) throw new Error(`The page needs ${selector}`);
  return element;
};

const form = $<HTMLFormElement>('form#ask');
const input = $<HTMLInputElement>('input[name=q]');
const stop = $<HTMLButtonElement>('button#stop');
const answer = $<HTMLElement>('#answer');
const tools = $<HTMLUListElement>('#tools');
const approvals = $<HTMLElement>('#approvals');
const status = $<HTMLElement>('#status');

const received: { id: number; event: BrowserEvent }[] = [];
(globalThis as { chatEvents?: unknown }).chatEvents = received;
let running: AbortController | undefined;

form.addEventListener('submit', (submit) => {
  submit.preventDefault();
  running?.abort(); // a new question stops the one before, on the server too
  const controller = new AbortController();
  running = controller;
  answer.textContent = '';
  tools.textContent = '';
  approvals.textContent = '';
  status.textContent = 'running';
  streamAgent('/chat', {
    body: { message: input.value },
    signal: controller.signal,
    onEvent: (event) => {
      received.push({ id: received.length, event });
      show(event);
    },
  }).then(
    (result) => {
      status.textContent = `${result.finish?.outcome ?? 'ended'}: ${result.finish?.usage?.totalTokens ?? 0} tokens`;
    },
    (error: unknown) => {
      if (controller.signal.aborted) {
        status.textContent = 'stopped';
        return;
      }
      // Fixed words by the error's code: its message is the developer's, and quotes what the
      // server sent (an error body with a stack trace or a key, a proxy's page), attack45b.
      status.textContent = toPageMessage(error);
      console.error(error);
    },
  );
});

stop.addEventListener('click', () => running?.abort());

function show(event: BrowserEvent): void {
  switch (event.type) {
    case 'text-delta':
      // A text node per delta: `textContent +=` copied the whole answer on each one.
      answer.append(event.text);
      break;
    case 'tool-call':
      tools.append(
        item(`tool-${event.toolCallId}`, `${event.toolName}(${showArgs(event.args)}) ...`),
      );
      break;
    case 'tool-result': {
      const line = document.getElementById(`tool-${event.toolCallId}`);
      if (line !== null) {
        line.textContent = `${event.toolName}: ${event.outcome === 'success' ? (event.preview ?? 'done') : `${event.outcome} (${event.error ?? ''})`}`;
      }
      break;
    }
    case 'approval-pending': {
      const box = item(
        `approval-${event.approvalId}`,
        `${event.toolName} wants to run with ${showArgs(event.args)} `,
      );
      for (const decision of ['approve', 'deny'] as const) {
        const button = document.createElement('button');
        button.textContent = decision;
        button.className = decision;
        button.addEventListener('click', () => {
          // A refused answer (a 500, a redirect) is said on the page, not left unhandled.
          answerApproval('/approvals', { approvalId: event.approvalId, decision }).catch(
            (error: unknown) => {
              status.textContent = toPageMessage(error);
              console.error(error);
            },
          );
        });
        box.append(button);
      }
      approvals.append(box);
      break;
    }
    case 'approval-resolved':
      document.getElementById(`approval-${event.approvalId}`)?.remove();
      break;
    case 'error':
      status.textContent = `${event.error.name}: ${event.error.message}`;
      break;
    default:
      break;
  }
}

function item(id: string, text: string): HTMLElement {
  const element = document.createElement('li');
  element.id = id;
  element.textContent = text;
  return element;
}
