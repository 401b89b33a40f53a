import { createDurableRuns } from '@gemloop/dbos';
import { createMcpElicitationBroker, createMcpRunLink } from '@gemloop/tools';

// docs/serving-mcp.md, durable runs: a worker's broker serves every user's runs, so it asks whose
// run each request is and answers only that owner. Typechecked here; the behaviour is tested in
// packages/dbos/src/durable/plugins/mcp-elicitation.test.ts (a worker's route, two owners) and
// packages/tools/src/mcp/elicitation/create-mcp-elicitation-broker.owner.test.ts.

export async function ownerCheckedAnswers(options: {
  databaseUrl: string;
  request: Request;
  session: { userId: string };
}) {
  const { databaseUrl, request, session } = options;
  const runs = await createDurableRuns({ databaseUrl });
  const link = createMcpRunLink();
  // Whose run a request is: its durable run's owner (a subagent's run answers its top run's).
  const elicitations = createMcpElicitationBroker({
    link,
    ownerOfRun: (runId) => runs.ownerOf(runId),
  });
  // POST /elicitations, behind your session check:
  const answered = await elicitations.handleAnswer(request, { owner: session.userId });
  return { answered, elicitations, link, runs };
}
