// Guide "Streaming a run to a browser": a page that shows the answer as it is written
// (typechecked with the DOM types; bundle it with your front end).
import { streamChat } from './browser-client.ts';

const form = document.querySelector<HTMLFormElement>('#chat')!;
const input = form.querySelector<HTMLInputElement>('input')!;
const answer = document.querySelector<HTMLElement>('#answer')!;
const status = document.querySelector<HTMLElement>('#status')!;
let running: AbortController | undefined;

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  running?.abort(); // a new question cancels the previous run on the server too
  running = new AbortController();
  answer.textContent = '';
  await streamChat(
    input.value,
    (chatEvent) => {
      if (chatEvent.type === 'text') answer.textContent += chatEvent.text;
      if (chatEvent.type === 'tool') status.textContent = `${chatEvent.name}: ${chatEvent.status}`;
      if (chatEvent.type === 'done') status.textContent = `${chatEvent.totalTokens} tokens`;
      if (chatEvent.type === 'error') status.textContent = chatEvent.message;
    },
    { signal: running.signal },
  ).catch((error: unknown) => {
    if (!running?.signal.aborted) status.textContent = String(error);
  });
});
