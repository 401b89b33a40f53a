// A subagent inside a durable run, surviving a crash: Postgres (embedded, or DATABASE_URL), two
// worker processes, and a run of the coordinator whose researcher (a subagent) is a DBOS child
// workflow. The worker running it is killed (SIGKILL) while the researcher waits on the
// warehouse; the other worker takes the run and the child over and resumes the child where it
// was: its lookup and its first two model calls are not made again.
//
//   node scripts/run-example.mjs durable-team

import { run } from '../lib/run.ts';
import { shownAnswer, shownText } from '../lib/trace-printer.ts';
import { isResearcher, TEAM_SCRIPT } from './agents.ts';
import { startTeamCluster } from './team-cluster.ts';

await run(
  async ({ gemini, model, offline, fake, style }) => {
    const { runs, startWorker, workers, log, close } = await startTeamCluster({
      name: 'team',
      model,
      offline,
      baseUrl: gemini.baseUrl,
    });
    try {
      await Promise.all([startWorker('worker-a'), startWorker('worker-b')]);
      const { runId } = await runs.start('coordinator', {
        runId: 'team-7',
        input: 'Is the kettle of order 7 back at the warehouse?',
      });
      console.log(style.bold(`Started run ${runId} on two workers.`));
      while (!log().some((line) => line.startsWith('check_warehouse 7 started')))
        await new Promise((resolve) => setTimeout(resolve, 50));
      const owner = (await runs.status(runId))?.executorId ?? '';
      workers.get(owner)?.kill('SIGKILL');
      console.log(
        style.bold(`${owner} killed (SIGKILL) while the researcher (a child workflow) waited.`),
      );
      const result = await runs.result(runId);
      const status = await runs.status(runId);
      console.log(`\nAnswer: ${shownAnswer(result.text)}`);
      console.log(`Run ${runId}: ${status?.status}, finished by ${status?.executorId}`);
      console.log(style.bold('\nEvents of the run (the researcher under its path):'));
      for await (const { event } of runs.events(runId)) {
        const where = event.path.length === 0 ? 'coordinator' : event.path.join(' > ');
        if (event.type === 'tool-call')
          console.log(`  ${where}: tool-call ${shownText(event.toolName)}`);
        if (event.type === 'tool-result')
          console.log(`  ${where}: tool-result ${shownText(event.toolCall.toolName)}`);
      }
      console.log(style.bold('\nTool executions:'));
      for (const line of log()) console.log(`  ${line}`);
      if (fake !== undefined) {
        const researcher = fake.modelRequests.filter((request) => isResearcher(request.body));
        console.log(
          `Model requests: researcher ${researcher.length} (3 turns, none repeated), coordinator ${fake.modelRequests.length - researcher.length}`,
        );
      }
    } finally {
      await close();
    }
  },
  {
    description:
      'A subagent as a DBOS child workflow: a worker killed mid-child, the child resumed.',
    script: TEAM_SCRIPT,
  },
);
