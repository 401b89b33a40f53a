// packages/client/README.md: a page that reads a run with @gemloop/client (typechecked with the
// DOM types; a page runs it, so the README tests do not).
import { answerApproval, streamAgent } from '@gemloop/client';

const answer = document.querySelector<HTMLElement>('#answer')!;
const status = document.querySelector<HTMLElement>('#status')!;

const controller = new AbortController(); // stop.onclick = () => controller.abort();
const result = await streamAgent('/chat', {
  body: { message: 'What is the weather in Paris?' },
  signal: controller.signal, // aborting stops the run on the server too, at once
  onEvent: (event) => {
    if (event.type === 'text-delta') answer.append(event.text);
    if (event.type === 'tool-call') status.textContent = `${event.toolName}...`;
    if (event.type === 'approval-pending') {
      // Show buttons; on a click:
      void answerApproval('/approvals', { approvalId: event.approvalId, decision: 'approve' });
    }
    if (event.type === 'error') status.textContent = event.error.message;
  },
});
console.log(result.finish?.outcome, result.finish?.usage?.totalTokens);
