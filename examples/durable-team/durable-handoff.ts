// A handoff inside a durable run, surviving a crash: Postgres (embedded, or DATABASE_URL), two
// worker processes, and a run of the triage agent, which looks the order up and hands the run to
// the returns desk (`handoff()`). The worker running it is killed (SIGKILL) while the desk waits
// on the warehouse; the other worker takes the run over and goes on with the desk: triage's calls,
// the transfer and the desk's first model call are not made again.
//
//   node scripts/run-example.mjs durable-handoff

import { run } from '../lib/run.ts';
import { shownAnswer, shownText } from '../lib/trace-printer.ts';
import { instructionsOf, TEAM_SCRIPT } from './agents.ts';
import { startTeamCluster } from './team-cluster.ts';

await run(
  async ({ gemini, model, offline, fake, style }) => {
    const { runs, startWorker, workers, log, close } = await startTeamCluster({
      name: 'handoff',
      model,
      offline,
      baseUrl: gemini.baseUrl,
    });
    try {
      await Promise.all([startWorker('worker-a'), startWorker('worker-b')]);
      const { runId } = await runs.start('triage', {
        runId: 'returns-7',
        input: 'The kettle of order 7 came damaged; I sent it back. Refund?',
      });
      console.log(style.bold(`Started run ${runId} on two workers.`));
      while (!log().some((line) => line.startsWith('check_warehouse 7 started')))
        await new Promise((resolve) => setTimeout(resolve, 50));
      const owner = (await runs.status(runId))?.executorId ?? '';
      workers.get(owner)?.kill('SIGKILL');
      console.log(style.bold(`${owner} killed (SIGKILL) while the returns desk waited.`));
      const result = await runs.result(runId);
      const status = await runs.status(runId);
      console.log(`\nAnswer: ${shownAnswer(result.text)}`);
      console.log(`Handed to: ${(result.handoffs ?? []).join(', ')}`);
      console.log(`Run ${runId}: ${status?.status}, finished by ${status?.executorId}`);
      console.log(style.bold('\nEvents of the run:'));
      for await (const { event } of runs.events(runId)) {
        if (event.type === 'tool-call') console.log(`  tool-call ${shownText(event.toolName)}`);
        if (event.type === 'handoff') console.log(`  handoff ${event.from} -> ${event.to}`);
      }
      console.log(style.bold('\nTool executions:'));
      for (const line of log()) console.log(`  ${line}`);
      if (fake !== undefined) {
        const requests = fake.modelRequests.map(
          (request) => instructionsOf(request.body).split(':')[0] ?? '',
        );
        const desk = requests.filter((text) => text.startsWith('You handle returns')).length;
        console.log(
          `Model requests: triage ${requests.length - desk}, returns desk ${desk} (none repeated)`,
        );
      }
    } finally {
      await close();
    }
  },
  {
    description:
      'A handoff inside a durable run: a worker killed in the receiving agent, the run goes on with it.',
    script: TEAM_SCRIPT,
  },
);
