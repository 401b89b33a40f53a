// Guide "Streaming a run to a browser": a page that shows the answer as it is written
// (typechecked with the DOM types; bundle it with your front end).
import { streamAgent } from '@gemloop/client';

const form = document.querySelector<HTMLFormElement>('#chat')!;
const input = form.querySelector<HTMLInputElement>('input')!;
const answer = document.querySelector<HTMLElement>('#answer')!;
const status = document.querySelector<HTMLElement>('#status')!;
let running: AbortController | undefined;

form.addEventListener('submit', async (submit) => {
  submit.preventDefault();
  running?.abort(); // a new question cancels the previous run on the server too
  running = new AbortController();
  answer.textContent = '';
  await streamAgent('/chat', {
    body: { message: input.value },
    signal: running.signal,
    onEvent: (event) => {
      if (event.type === 'text-delta') answer.append(event.text);
      if (event.type === 'tool-call') status.textContent = `${event.toolName}...`;
      if (event.type === 'tool-result') status.textContent = `${event.toolName}: ${event.outcome}`;
      if (event.type === 'finish') status.textContent = `${event.usage?.totalTokens ?? 0} tokens`;
      if (event.type === 'error') status.textContent = event.error.message;
    },
  }).catch((error: unknown) => {
    if (!running?.signal.aborted) status.textContent = String(error);
  });
});
