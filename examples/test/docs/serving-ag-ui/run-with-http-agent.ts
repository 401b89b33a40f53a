import { buildResumeArray, HttpAgent } from '@ag-ui/client';

// docs/serving-ag-ui.md: AG-UI's own client runs the agent, and approves the refund it asks for.

export async function askAndApprove(url: string, key: string) {
  const agent = new HttpAgent({ url, headers: { authorization: `Bearer ${key}` } });

  agent.addMessage({ id: crypto.randomUUID(), role: 'user', content: 'Where is order A-7?' });
  const { result: status } = await agent.runAgent();

  agent.addMessage({ id: crypto.randomUUID(), role: 'user', content: 'Refund order A-7.' });
  await agent.runAgent();
  // The run ended with an interrupt: the refund waits for a person's answer.
  const asked = agent.pendingInterrupts.map((interrupt) => interrupt.message);
  const answers = Object.fromEntries(
    agent.pendingInterrupts.map((interrupt) => [
      interrupt.id,
      { status: 'resolved' as const, payload: { approved: true } },
    ]),
  );
  const { result: refund } = await agent.runAgent({
    resume: buildResumeArray(agent.pendingInterrupts, answers),
  });
  // The shared state the server sent (STATE_SNAPSHOT, STATE_DELTA), as HttpAgent applied it.
  return { status, asked, refund, state: agent.state };
}
