// packages/dbos README: driving durable runs from another process (typechecked only: Postgres).
import { createDurableRuns } from '@gemloop/dbos';

const runs = await createDurableRuns({ databaseUrl: process.env.DATABASE_URL! });
const { runId } = await runs.start('support', { runId: 'ticket-4711', input: 'Refund order 7' });
let lastOffset = -1;
for await (const { offset, event } of runs.events(runId, { offset: 0 })) {
  lastOffset = offset; // after a disconnect, read on from { offset: lastOffset + 1 }
  // the same events as agent.stream(): step-start, text-delta, tool-call, tool-result, run-end, ...
  if (event.type === 'tool-call') {
    const [pending] = await runs.pendingApprovals(runId);
    if (pending) await runs.approve(runId, pending.toolCallId, { type: 'approve' });
  }
}
const result = await runs.result(runId); // an AgentResult, as JSON
console.log(lastOffset, result);
