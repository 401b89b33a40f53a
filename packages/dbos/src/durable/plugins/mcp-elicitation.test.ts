import { toDurableEventStreamResponse } from '@gemloop/core/web';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  crashWorker,
  createCounter,
  startWorker,
  stopWorker,
  type WorkerProcess,
  waitFor,
  workerDatabase,
} from '../../__fixtures__/fleet.ts';
import { createDurableRuns, type DurableRuns } from '../../index.ts';

// MCP elicitation in a durable run (issue 56, item 5): the agent's tool is an MCP server's (the
// official SDK's McpServer, in the worker), and it asks the user a form in the middle of its call.
// The request shows in the durable run's event stream (the `mcp-requests` plugin's events, served
// with toDurableEventStreamResponse), a page posts the answer to the broker of the worker that
// runs the call, the server gets it and the run goes on. A worker killed while the request waits
// loses the request with it: the run's tool step runs again on the worker that takes the run
// over, the server asks again, and the run finishes once that request is answered.

const workerScript = new URL('../../__fixtures__/mcp-worker.ts', import.meta.url).pathname;

type Frame = {
  id: number;
  data: {
    type: string;
    plugin?: string;
    kind?: string;
    data?: { id?: string; mode?: string; message?: string; fields?: unknown };
    outcome?: string;
    toolName?: string;
    result?: unknown;
  };
};

/**
 * A page reading a durable run's events: collects frames until the stream ends, and lets a test
 * wait for a frame that matches.
 */
function openPage(response: Response) {
  const frames: Frame[] = [];
  const done = (async () => {
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return frames;
      text += decoder.decode(value, { stream: true });
      let end = text.indexOf('\n\n');
      while (end !== -1) {
        const block = text.slice(0, end);
        text = text.slice(end + 2);
        const id = /^id: (-?\d+)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (id !== undefined && data !== undefined) {
          frames.push({ id: Number(id), data: JSON.parse(data) });
        }
        end = text.indexOf('\n\n');
      }
    }
  })();
  return { frames, done };
}

const pendingFrames = (frames: Frame[]) =>
  frames.filter(
    (frame) =>
      frame.data.type === 'plugin' &&
      frame.data.plugin === 'mcp-requests' &&
      frame.data.kind === 'elicitation-pending',
  );

describe('MCP elicitation in a durable run', () => {
  let fake: FakeGemini;
  let runs: DurableRuns;
  let workers: WorkerProcess[] = [];
  let databaseUrl: string;
  const counter = createCounter();

  beforeAll(async () => {
    fake = createFakeGemini({
      script: (request, { functionResponses }) => {
        const body = JSON.stringify(request.body);
        // The sampling call the worker makes for the server, then the summarizing run's turns.
        if (body.includes('Summarize: private notes.')) return turn.text('Notes, in short.');
        if (body.includes('Summarize my notes.')) {
          return functionResponses.length === 0
            ? turn.call('summarize', {})
            : turn.text('Summarized.');
        }
        const booked = functionResponses.find((response) => response.name === 'book_table');
        return booked === undefined
          ? turn.call('book_table', {})
          : turn.text(`Booked: ${String((booked.response as { output?: unknown }).output)}`);
      },
    });
    await fake.listen();
    databaseUrl = await workerDatabase('mcp_elicit');
    const env = { DATABASE_URL: databaseUrl, FAKE_URL: fake.url, COUNTER_FILE: counter.file };
    workers = await Promise.all(
      [0, 1].map((index) =>
        startWorker({ ...env, EXECUTOR_ID: `mcp-elicit-worker-${index}` }, workerScript),
      ),
    );
    runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
  });

  afterAll(async () => {
    await runs?.close();
    for (const worker of workers) await stopWorker(worker, 'SIGKILL');
    await fake?.close();
  });

  /** The page's view of a run: its durable event stream with the MCP requests in it. */
  const watch = (runId: string) =>
    openPage(
      toDurableEventStreamResponse(
        { headers: new Headers() },
        {
          runId,
          events: (offset) => runs.events(runId, { offset }),
          pluginEvents: ['mcp-requests'],
          heartbeatMs: 0,
        },
      ),
    );

  /** The worker that runs `runId` now, and its broker's answer route. */
  const workerOf = async (runId: string) => {
    const executorId = (await runs.status(runId))?.executorId;
    const worker = workers.find((each) => each.executorId === executorId);
    if (worker === undefined) throw new Error(`no live worker runs ${runId} (${executorId})`);
    const url = /broker (\S+)/.exec(worker.output())?.[1] as string;
    return { worker, url };
  };

  const post = (url: string, body: unknown, owner?: string) =>
    fetch(url, {
      method: 'POST',
      body: JSON.stringify(body),
      ...(owner !== undefined && { headers: { 'x-owner': owner } }),
    });

  it("shows the request in the run's event stream, and the answer posted to the broker ends the run", async () => {
    const { runId } = await runs.start('booking', {
      runId: 'elicit-1',
      input: 'Book a table.',
      owner: 'alice',
    });
    const page = watch(runId);
    await waitFor(() => pendingFrames(page.frames).length === 1, 'the elicitation to show');
    const [pending] = pendingFrames(page.frames);
    expect(pending?.data.data).toMatchObject({
      mode: 'form',
      message: 'How many people?',
      fields: [{ name: 'people', type: 'integer', title: 'People', required: true }],
    });
    const id = pending?.data.data?.id as string;
    const { url } = await workerOf(runId);
    // The worker's broker serves every user's runs and asks whose run this is: another user's
    // answer (or one without a user) is refused as an unknown id, the form not even read.
    for (const owner of ['mallory', undefined]) {
      const stranger = await post(url, { id, action: 'accept', content: { people: 40 } }, owner);
      expect(stranger.status).toBe(404);
    }
    // The owner's answer that does not fit the form is refused, and the request still waits.
    const refused = await post(url, { id, action: 'accept', content: { people: 40 } }, 'alice');
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string }).error).toMatch(/people/);
    expect(
      (await post(url, { id, action: 'accept', content: { people: 3 } }, 'alice')).status,
    ).toBe(204);

    const result = await runs.result(runId);
    expect(result.text).toContain('"people":3');
    const frames = await page.done;
    expect(frames.at(-1)?.data).toMatchObject({ type: 'finish', outcome: 'completed' });
    expect(
      frames
        .filter((frame) => frame.data.type === 'plugin')
        .map((frame) => [frame.data.kind, frame.data.data]),
    ).toEqual([
      ['elicitation-pending', expect.objectContaining({ id })],
      ['elicitation-resolved', { id, action: 'accept' }],
    ]);
    // What the user typed reaches the server and the tool's result, never the plugin events.
    expect(JSON.stringify(frames.filter((frame) => frame.data.type === 'plugin'))).not.toContain(
      '"people":3',
    );
    expect(counter.lines().filter((line) => line.startsWith('answered accept'))).toHaveLength(1);
  });

  it("answers the server's sampling request in a durable run, shown in its event stream", async () => {
    const { runId } = await runs.start('booking', {
      runId: 'sample-1',
      input: 'Summarize my notes.',
    });
    const page = watch(runId);
    expect((await runs.result(runId)).text).toBe('Summarized.');
    const frames = await page.done;
    const plugin = frames.filter((frame) => frame.data.type === 'plugin');
    expect(plugin.map((frame) => frame.data.kind)).toEqual(['sampling']);
    expect(plugin[0]?.data.data).toMatchObject({
      server: 'server "bookings"',
      model: 'gemini-3-flash-preview',
    });
    // The prompt and the model's answer stay out of the event; the tool's result has the answer.
    expect(JSON.stringify(plugin)).not.toMatch(/private notes|Notes, in short/);
    const result = frames.find((frame) => frame.data.type === 'tool-result');
    expect(JSON.stringify(result)).toContain('Notes, in short.');
    // Made inside the tool's step, the event is kept with the step's record, so a worker that
    // takes the run over after the step and replays it emits it again (issue 53: a SIGKILL there
    // lost it; recorded-wrap-tool-call.test.ts kills a worker at that moment).
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ output: string }>(
        "SELECT output FROM dbos.operation_outputs WHERE workflow_uuid = $1 AND function_name LIKE 'gemloop.tool:summarize@%'",
        [runId],
      );
      expect(rows).toHaveLength(1);
      expect(rows[0]?.output).toMatch(/"emitted":\[\{"plugin":"mcp-requests","kind":"sampling"/);
    } finally {
      await client.end();
    }
  });

  it('asks again after the worker dies while the request waits, and finishes once answered', async () => {
    const before = counter.lines().length;
    const { runId } = await runs.start('booking', { runId: 'elicit-2', input: 'Book a table.' });
    const page = watch(runId);
    await waitFor(() => pendingFrames(page.frames).length === 1, 'the first request to show');
    const firstId = pendingFrames(page.frames)[0]?.data.data?.id as string;
    const { worker: victim } = await workerOf(runId);
    await crashWorker(victim);
    const survivor = workers.find((worker) => worker !== victim) as WorkerProcess;

    // The request is named after the call's durable key, so it keeps its id when asked again.
    expect(firstId).toMatch(new RegExp(`^${runId}:.*#1$`));

    // The worker that takes the run over runs the tool step again: the server asks again, under
    // the id the page was shown, and the answer the page posts (to the worker that runs the call
    // now) reaches it.
    await waitFor(
      () => counter.lines().slice(before).includes(`asked ${survivor.executorId}`),
      `the server to ask again:\n${survivor.output()}`,
    );
    expect((await runs.status(runId))?.executorId).toBe(survivor.executorId);
    const { url } = await workerOf(runId);
    await waitFor(
      async () => ((await (await fetch(url)).json()) as string[]).includes(firstId),
      'the request to wait at the broker of the worker that took the run over',
    );
    expect(
      (await post(url, { id: firstId, action: 'accept', content: { people: 5 } })).status,
    ).toBe(204);

    const result = await runs.result(runId);
    expect(result.text).toContain('"people":5');
    const frames = await page.done;
    expect(frames.at(-1)?.data).toMatchObject({ type: 'finish', outcome: 'completed' });
    // The page saw the request once and its answer once; one result of the call, the answered
    // one: the dead worker's call left none.
    expect(
      frames
        .filter((frame) => frame.data.type === 'plugin')
        .map((frame) => [frame.data.kind, frame.data.data?.id]),
    ).toEqual([
      ['elicitation-pending', firstId],
      ['elicitation-resolved', firstId],
    ]);
    const results = frames.filter((frame) => frame.data.type === 'tool-result');
    expect(results).toHaveLength(1);
    const lines = counter.lines().slice(before);
    expect(lines).toEqual([
      `asked ${victim.executorId}`,
      `asked ${survivor.executorId}`,
      `answered accept ${survivor.executorId}`,
    ]);
  });
});
