import { mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFakeCommand } from 'gemloop';
import { describe, expect, it } from 'vitest';
import { sharedChromiumEndpoint } from '../../packages/cli/src/view/__fixtures__/shared-chromium.ts';
import { databaseEnv } from './__fixtures__/database-env.ts';
import {
  describeRun,
  type ExampleRun,
  HAS_SCRIPT,
  runExample,
  startInTerminal,
  startProcess,
} from './run-example-process.ts';

/** The built `gemloop` bin (`npm test` builds it first). */
const CLI_BIN = fileURLToPath(new URL('../../packages/cli/dist/bin.js', import.meta.url));

// Every example, run offline as a user runs it (its own process, no key), with its final output
// asserted. This is what proves in CI that the examples work. They run a few at a time: each is
// a separate node process with its own fake server.

const OFFLINE = /^Offline: no (GEMINI_API_KEY|COMETAPI_KEY) set/;

async function runOk(
  file: string,
  args: readonly string[] = [],
  env?: Record<string, string>,
): Promise<ExampleRun> {
  const run = await runExample(file, { args, env });
  expect(run.code, describeRun(run)).toBe(0);
  expect(run.stderr, describeRun(run)).toBe('');
  expect(run.stdout.split('\n')[0], describeRun(run)).toMatch(OFFLINE);
  return run;
}

/** The lines after the first one that contains `heading`. */
function section(stdout: string, heading: string, until?: string): string {
  const start = stdout.indexOf(heading);
  expect(start, `no "${heading}" in:\n${stdout}`).toBeGreaterThanOrEqual(0);
  const end = until === undefined ? -1 : stdout.indexOf(until, start + heading.length);
  return stdout.slice(start, end < 0 ? undefined : end);
}

describe.concurrent('the examples, offline', () => {
  it('durable-team: a worker killed mid-child, the other resumes the child where it was', async () => {
    const run = await runExample('durable-team/durable-team.ts', {
      env: await databaseEnv('team'),
    });
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.stderr, describeRun(run)).toBe('');
    const { stdout } = run;
    expect(stdout.split('\n')[0], describeRun(run)).toMatch(OFFLINE);
    const killed = /(worker-[ab]) killed \(SIGKILL\) while the researcher/.exec(stdout)?.[1];
    const finisher = /Run team-7: SUCCESS, finished by (worker-[ab])/.exec(stdout)?.[1];
    expect(killed, stdout).toBeDefined();
    expect(finisher).not.toBe(killed);
    // The child's lookup ran once and its three model turns were asked once each.
    expect(stdout.match(/^ {2}lookup_order 7/gm)?.length, stdout).toBe(1);
    expect(stdout, stdout).toContain('Model requests: researcher 3');
    expect(stdout).toContain('research#1: tool-call check_warehouse');
  });

  it('durable-team/durable-handoff: a worker killed in the receiving agent, the other goes on with it', async () => {
    const run = await runExample('durable-team/durable-handoff.ts', {
      env: await databaseEnv('handoff'),
    });
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.stderr, describeRun(run)).toBe('');
    const { stdout } = run;
    expect(stdout.split('\n')[0], describeRun(run)).toMatch(OFFLINE);
    const killed = /(worker-[ab]) killed \(SIGKILL\) while the returns desk/.exec(stdout)?.[1];
    const finisher = /Run returns-7: SUCCESS, finished by (worker-[ab])/.exec(stdout)?.[1];
    expect(killed, stdout).toBeDefined();
    expect(finisher).not.toBe(killed);
    expect(stdout).toContain('Handed to: returns');
    expect(stdout).toContain('handoff triage -> returns');
    // triage's lookup ran once, and no model request was made twice (two each).
    expect(stdout.match(/^ {2}lookup_order 7/gm)?.length, stdout).toBe(1);
    expect(stdout).toContain('Model requests: triage 2, returns desk 2 (none repeated)');
  });

  it('fleet --demo: a worker killed mid-run, the other finishes it; the refund waits for approval', async () => {
    // Postgres (DATABASE_URL: a database of its own on the run's server), two worker processes
    // and the HTTP server, in one command.
    const run = await runExample('fleet/fleet.ts', {
      args: ['--demo'],
      env: await databaseEnv('fleet'),
    });
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.stderr, describeRun(run)).toBe('');
    const { stdout } = run;
    expect(stdout.split('\n')[0], describeRun(run)).toMatch(OFFLINE);
    const killed = /(worker-[ab]) killed \(SIGKILL\) in the middle of check_warehouse/.exec(
      stdout,
    )?.[1];
    const finisher = /Run refund-7: SUCCESS, finished by (worker-[ab])/.exec(stdout)?.[1];
    expect(killed, stdout).toBeDefined();
    expect(finisher, stdout).toBeDefined();
    expect(finisher).not.toBe(killed);
    expect(stdout).toContain(
      'issue_refund waits for approval: {"order":"7","amount":49}; approving',
    );
    expect(stdout).toContain(
      'run-end: Order 7 (a kettle, delivered damaged) is back at the warehouse: I refunded 49.',
    );
    // Completed tools ran once; the one cut by the kill ran again, with the same idempotency key.
    const tools = section(stdout, 'Tool executions:');
    expect(tools.match(/lookup_order 7/g)).toHaveLength(1);
    expect(tools.match(/check_warehouse 7 finished/g)).toHaveLength(1);
    expect(tools.match(/issue_refund 7 49/g)).toHaveLength(1);
    const keys = [...tools.matchAll(/check_warehouse 7 started \((\S+)\)/g)].map(
      (match) => match[1],
    );
    expect(new Set(keys).size).toBe(1);
    // The kill cut check_warehouse (it ran at once with lookup_order, which was recorded first).
    expect(keys).toHaveLength(2);
  }, 180_000);

  it('long-decode: one step over 3 hops, a dropped stream resumed from its checkpoint', async () => {
    const { stdout } = await runOk('long-decode/basic.ts');
    // The default plugin is visible on the agent.
    expect(stdout).toContain('plugins: continuation');
    expect(stdout).toContain('[resume: hop 1]');
    expect(stdout).toContain('[continue: hop 3]');
    // Every chapter once: the deltas held back past the checkpoint were not shown twice.
    expect(stdout.match(/Chapter 1\./g)).toHaveLength(1);
    expect(stdout).toContain('the story ended.');
    expect(stdout).toContain('finishReason: stop, model turns: 1');
    expect(stdout).toContain('hops: 3, reconnects: 1, restarted: false');
    expect(stdout).toMatch(/hop 3: STOP, \d+ prompt/);
  });

  it('evals: recorded runs replay as passing cases; a changed prompt drifts and compares as regressions', async () => {
    const { stdout } = await runOk('evals/evals.ts');
    expect(stdout).toContain('Recorded 2 runs as cases.');
    expect(stdout).toContain('baseline (replay): 2/2 passed (100.0%)');
    expect(stdout).toContain('new-prompt (replay): 0/2 passed (0.0%), 0 failed, 2 drifted');
    expect(stdout).toContain('(the system prompt changed)');
    expect(stdout).toContain('2 regression(s), 0 improvement(s)');
  });

  it('change-safety: a recorded run forked onto another model, its dropped cancellation found by the diff', async () => {
    const { stdout } = await runOk('change-safety/fork.ts');
    expect(stdout).toContain('original: lookup_subscription → cancel_subscription');
    expect(stdout).toContain(
      'replayed 1 model call(s) from the recording, 1 on the other model; drift: none',
    );
    expect(stdout).toContain('  - cancel_subscription({"id":"sub_42"}) at step 2 (original only)');
    expect(stdout).toContain('REGRESSION: the fork never cancelled, and says it did.');
  });

  it('change-safety-durable: a durable run read back from Postgres forks as a new workflow, the original untouched', async () => {
    const { stdout } = await runOk('change-safety/durable-fork.ts', [], await databaseEnv('forks'));
    expect(stdout).toContain(
      'original (workflow cancel-ada): Your subscription sub_42 is cancelled.',
    );
    expect(stdout).toContain(
      'fork (workflow cancel-ada-fork, SUCCESS): Done: your subscription is cancelled.',
    );
    expect(stdout).toContain("replayed 1 model call(s) from Postgres's record, drift: none");
    expect(stdout).toContain('original untouched: true');
    expect(stdout).toContain('  - cancel_subscription({"id":"sub_42"}) at step 2 (original only)');
  });

  it('evals-durable: a fleet runs in Postgres become cases; replayed, a changed prompt drifts', async () => {
    const { stdout } = await runOk('evals/from-durable-runs.ts', [], await databaseEnv('evals'));
    expect(stdout).toContain('weather-paris: Paris: 18 °C.');
    expect(stdout).toContain('weather-lisbon: Lisbon: 24 °C.');
    expect(stdout).toContain('Read 2 durable runs as cases.');
    expect(stdout).toContain('fleet-baseline (replay): 2/2 passed (100.0%)');
    expect(stdout).toContain('fleet-new-prompt (replay): 0/2 passed (0.0%), 0 failed, 2 drifted');
    expect(stdout).toContain('(the system prompt changed)');
  });

  it('loop-guard: a looping model runs to maxSteps without it, is steered with it, and stopped when it goes on', async () => {
    const { stdout } = await runOk('loop-guard/loop-guard.ts');
    expect(stdout).toMatch(/^without the guard: max-steps after 12 steps, \$0\.\d+$/m);
    expect(stdout).toContain(
      'loop-guard steer at step 4: {"reason":"repeated-call","toolName":"search_orders","repeats":3,"steers":1}',
    );
    expect(stdout).toMatch(/^with the guard, a model that listens: stop after 5 steps, .*shipped/m);
    expect(stdout).toMatch(
      /^with the guard, a model that does not: plugin after 5 steps, \$0\.\d+ \(loop-guard: repeated-call\)$/m,
    );
  });

  it('tool-result-cache: a chat re-reading five documents runs the tool once per document, and again after an edit', async () => {
    const { stdout } = await runOk('tool-result-cache/tool-result-cache.ts');
    expect(stdout).toContain('without it: read_doc ran 15 times over 4 sends');
    expect(stdout).toContain('with the cache: read_doc ran 6 times over 4 sends (9 hits)');
  });

  it('fallback: an overloaded model hands its step to the next one, an estimate, a shared budget', async () => {
    const { stdout } = await runOk('fallback/fallback-and-estimate.ts');
    expect(stdout).toContain(
      'step 3: gemini-3-flash-preview failed (overloaded), sent to gemini-3-pro-preview',
    );
    // Steps 1-2 on the first model, 3-4 on the second (a history it accepted), each at its price.
    expect(stdout).toMatch(/^step 2: gemini-3-flash-preview, \$0\.\d+$/m);
    expect(stdout).toMatch(/^step 4: gemini-3-pro-preview, \$0\.\d+$/m);
    expect(stdout).toContain('answer: Paris, Oslo and Rome: 21 °C each.');
    expect(stdout).toMatch(/^estimate \(count-tokens\): p50 \$0\.\d+, p90 \$0\.\d+$/m);
    expect(stdout).toMatch(/^assumes: .*countTokens/m);
    expect(stdout).toMatch(
      /^budget: 2 of 3 runs started, spent \$0\.\d+, still held \$0\.000000$/m,
    );
  });

  it('cost: prints each step and the run in dollars, gateway prices, and both budgets stopping', async () => {
    const { stdout } = await runOk('cost/cost.ts');
    expect(stdout).toMatch(/gemini-3-flash-preview: \$0\.50 in \/ \$3\.00 out per 1M tokens/);
    const steps = [...stdout.matchAll(/^step \d: \d+ tokens, \$(\d+\.\d+)$/gm)].map((m) => m[1]);
    expect(steps.length, stdout).toBeGreaterThanOrEqual(2);
    // The run's cost is the exact sum of its steps' (decimal strings, no float drift).
    const total = /^run: \$(\d+\.\d+) /m.exec(stdout)?.[1];
    const toPicos = (dollars: string) => {
      const [whole, fraction = ''] = dollars.split('.');
      return BigInt(whole as string) * 10n ** 12n + BigInt(fraction.padEnd(12, '0'));
    };
    expect(toPicos(total as string)).toBe(
      steps.reduce((sum, step) => sum + toPicos(step as string), 0n),
    );
    expect(stdout).toMatch(/^at gateway prices: \$0\.\d+$/m);
    const flat = /^per-call pricer \(continuation, per-call\): (\d+) calls, \$(0\.\d+)$/m.exec(
      stdout,
    );
    expect(flat, stdout).not.toBeNull();
    expect(toPicos(flat?.[2] as string)).toBe(BigInt(flat?.[1] as string) * 100_000_000n);
    expect(stdout).toContain('budget $0.000001: stop-condition after 1 step(s)');
    expect(stdout).toMatch(
      /^chat turn 2 refused: The chat session .* has spent \$0\.\d+ of its \$0\.000001 budget/m,
    );
    // The subagent's first call is refused: the lead's call already spent the tree's budget.
    expect(stdout).toMatch(
      /^tree budget \$0\.000001: weather_desk#1 stopped \(cost\), tree spent \$0\.\d+$/m,
    );
    // A subagent stopped midway still counts what its model call cost, in the run's total.
    const stopped =
      /^stopped: the desk's call aborted, it had spent (\d+) tokens \(\$0\.\d+\), the run (\d+) tokens \(\$0\.\d+\)$/m.exec(
        stdout,
      );
    expect(stopped, stdout).not.toBeNull();
    const [, desk, whole] = stopped as RegExpExecArray;
    expect(Number(desk)).toBeGreaterThan(0);
    expect(Number(whole)).toBeGreaterThan(Number(desk));
  });

  it('long-runs postgres: a cut tool result kept in Postgres, read back by the model and by another store', async () => {
    const { stdout } = await runOk(
      'long-runs/postgres-artifacts.ts',
      [],
      await databaseEnv('artifacts'),
    );
    expect(stdout).toMatch(
      /^marker: \[gemloop: output of read_report truncated: kept 400 of 2395 characters; call read_tool_output with id "[0-9a-f-]{36}"/m,
    );
    expect(stdout).toContain('answer: (scripted) Last line: the lighthouse was repainted red.');
    expect(stdout).toContain('kept in Postgres: 2395 characters');
  });

  it('long-runs: tool output budgets and compaction keep every fact answerable from what is sent', async () => {
    const { stdout } = await runOk('long-runs/compaction.ts');
    expect(stdout).toMatch(
      /\[compaction before step \d+: \d+ -> \d+ tokens, \d+ contents summarized\]/,
    );
    expect(stdout).toContain('12 facts: FACT-1: ship11;');
    expect(stdout).toContain('FACT-12: ship132.');
    expect(stdout).toContain('tool results truncated to the budget: 12');
    expect(stdout).toMatch(/history kept: 26 contents; last sent: \d contents; compactions: [1-9]/);
  });

  it('quick-start: calls its one tool with the arguments the question implies and answers', async () => {
    const { stdout } = await runOk('quick-start/basic.ts');
    expect(stdout).toContain(
      'get_weather({"city":"Paris","unit":"celsius"}) -> {"city":"Paris","temperature":18,"unit":"celsius"',
    );
    expect(stdout).toContain('Paris: 18 °C (example data).');
    expect(stdout).toMatch(/\(2 model calls, \d+ tokens\)/);
  });

  it('openai-door: the openai client asks the agent through Responses and Chat Completions', async () => {
    const { stdout } = await runOk('openai-door/openai-door.ts');
    expect(stdout).toMatch(/Serving support-agent at http:\/\/127\.0\.0\.1:\d+\/v1/);
    expect(stdout).toContain('responses: Order A-7 has shipped.');
    expect(stdout).toContain('responses (previous_response_id): It arrives on Thursday.');
    expect(stdout).toContain('chat.completions (streamed): Order B-2 has shipped too.');
    expect(stdout).toContain('a wrong key: 401 invalid_api_key');
  });

  it('mcp-door: the MCP SDK client asks the agent over Streamable HTTP, with progress, in a session', async () => {
    const { stdout } = await runOk('mcp-door/mcp-door.ts');
    expect(stdout).toMatch(/Serving MCP at http:\/\/127\.0\.0\.1:\d+\/mcp/);
    expect(stdout).toContain('tools: ask_support, lookup_order');
    expect(stdout).toContain(
      'progress: step 1 | calling lookup_order | lookup_order done | step 2',
    );
    expect(stdout).toContain('ask_support: Order A-7 has shipped.');
    expect(stdout).toContain('ask_support (same sessionId): It arrives on Thursday.');
    expect(stdout).toContain('a wrong token: 401');
  });

  it('mcp-asks: an MCP server asks back; the terminal answers, the run shows it', async () => {
    const { stdout } = await runOk('mcp-asks/mcp-asks.ts');
    expect(stdout).toContain('server "bookings" asks (during book_table):');
    expect(stdout).toContain('People (a whole number, required): 4');
    expect(stdout).toContain('Page to open: https://calendar.example/authorize?client=bookings');
    expect(stdout).toContain('Open it? [y]es (I opened it) / [n]o / [c]ancel: y');
    expect(section(stdout, "The run's events:")).toMatch(
      /elicitation-pending \(form\)\n.*elicitation-resolved \(accept\)\n.*elicitation-pending \(url\)\n.*elicitation-resolved \(accept\)\n.*sampling \(\d+ tokens\)/,
    );
    expect(stdout).toContain('Your table for four is booked, your calendar is linked');
  });

  it('mcp-asks/chat-agent: `gemloop chat` chats with it, the MCP form answered at the terminal', async () => {
    // The built bin, as `npx gemloop chat mcp-asks/chat-agent.ts` runs, the lines piped in.
    const started = startProcess(
      process.execPath,
      [CLI_BIN, 'chat', 'mcp-asks/chat-agent.ts'],
      {},
      'gemloop chat mcp-asks/chat-agent.ts',
    );
    started.child.stdin?.end('hello\nbook a table\n4\n');
    const run = await started.done;
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.stdout, describeRun(run)).toBe(
      'Offline, I book tables: ask me to book one.\nThe restaurant says: Booked for 4 at 8 pm.\n',
    );
    expect(run.stderr).toContain('People (a whole number, required): 4');
  });

  it('ag-ui-door: HttpAgent asks the agent, and approves a refund through an AG-UI interrupt', async () => {
    const { stdout } = await runOk('ag-ui-door/ag-ui-door.ts');
    expect(stdout).toMatch(/Serving the agent to AG-UI at http:\/\/127\.0\.0\.1:\d+\/agent/);
    expect(stdout).toContain('status: Order A-7 has shipped.');
    expect(stdout).toContain('interrupt: Approve the call of refund_order? -> approved');
    expect(stdout).toContain('refund: Order A-7 is refunded.');
    expect(stdout).toContain('shared state: {"orders":{"A-7":"refunded"}}');
    expect(stdout).toContain('no key: 401');
  });

  it('a2a-door: the A2A SDK client asks the agent, and another agent delegates to it over A2A', async () => {
    const { stdout } = await runOk('a2a-door/a2a-door.ts');
    expect(stdout).toMatch(/Serving the agent over A2A at http:\/\/127\.0\.0\.1:\d+/);
    expect(stdout).toContain('SendMessage: Order A-7 has shipped.');
    expect(stdout).toContain('SendStreamingMessage (same contextId): It arrives on Thursday.');
    expect(stdout).toContain('a2aAgent (support#1): Yes, A-7 has shipped.');
    expect(stdout).toContain('concierge: Good news: your order A-7 has shipped.');
    expect(stdout).toContain('no key: 401');
    expect(stdout).toContain('input-required: Approve the call of refund_order?');
    expect(stdout).toContain('approved: Order A-7 is refunded.');
  });

  it('team: hands the triage run to billing, and nests three parallel searchers in the research stream', async () => {
    const { stdout } = await runOk('team/team.ts');
    const desk = section(stdout, 'Triage with two specialists', 'Research with three');
    expect(desk).toContain('[top] handoff: triage -> billing');
    expect(desk).toContain('[top] answered: I refunded 12 EUR on invoice INV-7.');
    expect(desk).toContain('handed to: billing; 3 steps in one run');
    const research = section(stdout, 'Research with three');
    for (const [path, city] of [
      ['search#1', 'Lyon'],
      ['search#2', 'Lille'],
      ['search#3', 'Nantes'],
    ]) {
      expect(research).toMatch(new RegExp(`\\[${path}\\] answered: ${city} has about`));
      expect(research).toMatch(new RegExp(`tokens of ${path}: \\d+`));
    }
    expect(research).toContain('[top] answered: Lyon is the largest of the three');
    // The step that sent the searchers reports its tokens with theirs.
    const step = /step 1: (\d+) tokens of its own, (\d+) with its 3 searchers/.exec(research);
    expect(step, research).not.toBeNull();
    expect(Number(step?.[2])).toBeGreaterThan(Number(step?.[1]));
  });

  it('team --record: records both runs and their subagents, each child naming its parent call', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gemloop-team-runs-'));
    try {
      const { stdout } = await runOk('team/team.ts', ['--record', dir]);
      expect(stdout).toContain(`recorded in ${dir}`);
      const starts = await Promise.all(
        (await readdir(dir)).map(async (name) => {
          const first = (await readFile(join(dir, name), 'utf8')).split('\n')[0] ?? '';
          return JSON.parse(first) as {
            agentName?: string;
            path?: string[];
            parentToolCallId?: string;
          };
        }),
      );
      // triage (billing continues its run), research, three searchers.
      expect(starts.map((start) => start.agentName).sort()).toEqual([
        'research',
        'searcher',
        'searcher',
        'searcher',
        'triage',
      ]);
      const children = starts.filter((start) => start.agentName === 'searcher');
      expect(children.map((start) => start.path?.join('/')).sort()).toEqual([
        'search#1',
        'search#2',
        'search#3',
      ]);
      for (const child of children) expect(typeof child.parentToolCallId).toBe('string');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('parallel-tools: runs the three calls of one turn at once, and one by one with toolConcurrency 1', async () => {
    const { stdout } = await runOk('parallel-tools/basic.ts');
    const parallel = section(stdout, 'In parallel', 'One at a time');
    const serial = section(stdout, 'One at a time');
    const timing = (text: string) => {
      const match =
        /3 calls in one model turn: tools took (\d+) ms \(the calls add up to (\d+) ms\)/.exec(
          text,
        );
      expect(match, text).not.toBeNull();
      return { wall: Number(match?.[1]), sum: Number(match?.[2]) };
    };
    // In parallel every lookup starts before the first one finishes.
    expect(parallel.indexOf('Lima: lookup started')).toBeLessThan(
      parallel.indexOf('Paris: lookup finished'),
    );
    expect(timing(parallel).wall).toBeLessThan(timing(parallel).sum * 0.7);
    expect(serial.indexOf('Paris: lookup finished')).toBeLessThan(
      serial.indexOf('Tokyo: lookup started'),
    );
    expect(timing(serial).wall).toBeGreaterThanOrEqual(timing(serial).sum * 0.95);
    expect(serial).toContain('Lima, Peru');
  });

  it('structured-output: prints the parsed, typed object and checks its total', async () => {
    const { stdout } = await runOk('structured-output/basic.ts');
    const json = stdout.slice(stdout.indexOf('\n{') + 1, stdout.indexOf('\n}\n') + 2);
    expect(JSON.parse(json)).toEqual({
      vendor: 'Brewline Coffee Supplies',
      invoiceNumber: 'INV-2024-0117',
      issuedOn: '2024-05-17',
      currency: 'EUR',
      lineItems: [
        { description: 'Espresso beans 1kg', quantity: 3, unitPrice: 24.5 },
        { description: 'Descaling kit', quantity: 1, unitPrice: 12 },
      ],
      total: 85.5,
    });
    expect(stdout).toContain(
      '2 line items adding up to 85.50 EUR: matches the stated total of 85.50.',
    );
  });

  it('structured-output:with-tools: fills the schema from the tool results on Gemini 3', async () => {
    const { stdout } = await runOk('structured-output/with-tools.ts');
    expect(stdout).toContain('gemini-3-flash-preview: schema and tools in the same requests');
    expect(stdout).toContain('steps: 1 tools, 2 tools');
    expect(stdout).toMatch(/Paris\s+18 °C\s+partly cloudy/);
    expect(stdout).toMatch(/Tokyo\s+24 °C\s+clear sky/);
    expect(stdout).toMatch(/Lima\s+19 °C\s+overcast/);
    expect(stdout).toContain('warmest: Tokyo');
  });

  it('grounding: searches inside the turn on Gemini 3 and through the google_search function on 2.5, with sources', async () => {
    const { stdout } = await runOk('grounding/basic.ts');
    const gemini3 = section(stdout, 'gemini-3-flash-preview', 'gemini-2.5-flash');
    const gemini25 = section(stdout, 'gemini-2.5-flash');
    expect(gemini3).toContain('[Google ran GOOGLE_SEARCH_WEB] ["2028 Summer Olympics host city"]');
    expect(gemini3).toContain(
      'wire: tools [googleSearch, functionDeclarations[get_weather]], toolConfig {"includeServerSideToolInvocations":true}',
    );
    expect(gemini25).toContain(
      '[gemloop ran google_search] {"query":"2028 Summer Olympics host city"}',
    );
    expect(gemini25).toContain('wire: tools [functionDeclarations[get_weather, google_search]]');
    for (const text of [gemini3, gemini25]) {
      expect(text).toContain('[gemloop ran get_weather] {"city":"Los Angeles"}');
      expect(text).toContain('Right now it is 22 °C there, clear sky');
      expect(text).toContain('searched: "2028 Summer Olympics host city"');
      expect(text).toContain(
        '[1] olympics.com https://www.olympics.com/en/olympic-games/los-angeles-2028',
      );
      expect(text).toContain('[2] la28.org https://la28.org/');
    }
  });

  it('guardrails: PII redacted for the caller and the stream, the history verbatim', async () => {
    const { stdout } = await runOk('guardrails/pii-redaction.ts');
    expect(stdout).toContain('run(): You can reach Dana Smith at [email] or [phone].');
    expect(stdout).toContain("history keeps the model's words: yes");
    expect(stdout).toContain(
      'stream(holdBack: true): You can reach Dana Smith at [email] or [phone].',
    );
    expect(stdout).toContain(
      'stream(holdBack: false): You can reach Dana Smith at [email] or [phone].',
    );
    expect(stdout).not.toContain('dana.smith@example.com');
  });

  it('plugins: a third-party plugin masks PII in tool results and restores it in tool arguments', async () => {
    const { stdout } = await runOk('plugins/pii-mask.ts');
    expect(stdout).toContain('plugin pii-mask: masked {"toolName":"find_customer","values":2}');
    expect(stdout).toContain('plugin pii-mask: restored {"toolName":"send_email","values":1}');
    expect(stdout).toContain('the e-mail tool wrote to: dana.smith@example.com');
    expect(stdout).toContain('the model saw the address: no');
  });

  it("plugins: a third-party plugin takes an operator's messages sent to the running stream", async () => {
    const { stdout } = await runOk('plugins/operator-channel.ts');
    expect(stdout).toContain(
      'plugin operator-channel: received {"topic":"operator","values":[{"pause":"refund"},{"note":"Refunds are paused today: offer a voucher."}]}',
    );
    expect(stdout).toContain('tool-error refund');
    expect(stdout).toContain('refunds made: 0');
  });

  it('plugins: a third-party request-level plugin sends every request to a gateway and reports each', async () => {
    const { stdout } = await runOk('plugins/route-requests.ts');
    expect(stdout).toContain('plugins: route-requests, continuation, pricing');
    expect(stdout).toMatch(/request 1: stream via the gateway, 1 contents, \d+ chunk\(s\)/);
    expect(stdout).toMatch(/request 2: stream via the gateway, 3 contents, \d+ chunk\(s\)/);
    expect(stdout).toContain('answer: Order 7 has shipped; it arrives Friday.');
    expect(stdout).toContain("model requests: the agent's own server 0, the gateway 2");
  });

  it('guardrails: a small model as prompt-injection classifier beside the first call', async () => {
    const { stdout } = await runOk('guardrails/prompt-injection.ts');
    expect(stdout).toContain('answer: We open at 9 on Sundays.');
    expect(stdout).toContain(
      'blocked by prompt-injection (input): asks to override the instructions',
    );
  });

  it('guardrails: a tool policy with an allow-list, a person asked above an amount, errors rewritten', async () => {
    const { stdout } = await runOk('guardrails/tool-policy.ts');
    expect(stdout).toContain('payments-policy asked a person about pay_invoice B-2');
    expect(stdout).not.toContain('asked a person about pay_invoice A-1');
    expect(stdout).toContain('delete_vendor: denied (delete_vendor is not allowed here.');
    expect(stdout).toContain(
      'lookup_invoice failed: ledger at <host> refused the lookup of C-3 (<path>)',
    );
    expect(stdout).toContain('paid: A-1 (120), B-2 (2400)');
  });

  it('approval: approves, denies and modifies calls by policy when not in a terminal', async () => {
    const { stdout } = await runOk('approval/basic.ts');
    expect(stdout).toContain('Decisions by policy');
    expect(stdout).toContain('approved delete_file(path: "drafts/old-intro.md")');
    expect(stdout).toContain('denied   delete_file(path: ".env"): Deleting .env needs a human');
    expect(stdout).toMatch(
      /modified send_email\(to: "team@example.com".*-> \(to: "me@example.com"/,
    );
    expect(stdout).toContain('delete_file(path: ".env"): denied');
    expect(stdout).toContain('files left: drafts/plan.md, .env');
    expect(stdout).toContain(
      'outbox: "[for review, meant for team@example.com] Workspace cleaned" to me@example.com',
    );
  });

  it('computer-use: the scripted actions run in Chromium, the risky click only once confirmed', async () => {
    // In the run's one Chromium (scripts/chromium-setup.ts), as a user's running browser.
    const { stdout } = await runOk('computer-use/basic.ts', [
      '--auto',
      `--browser=${sharedChromiumEndpoint()}`,
    ]);
    expect(stdout).toContain('navigate {"url":"http://127.0.0.1:');
    expect(stdout).toContain(
      'click_at needs your confirmation: Subscribing sends the name to a mailing list. -> confirmed by policy (--auto)',
    );
    expect(stdout).toContain('click_at: success (confirmed, safety_acknowledgement sent)');
    expect(stdout).toContain('screenshots sent back: 3');
    expect(stdout).toContain('page says: Subscribed: Ada Lovelace');
  });

  it('computer-use: a --browser that is not a browser server says so and exits, leaving nothing open', async () => {
    for (const [endpoint, says] of [
      ['http://127.0.0.1:1/', '"http://127.0.0.1:1/" is not a ws:// or wss:// URL'],
      ['ws://127.0.0.1:1/nothing', 'No browser answered at ws://127.0.0.1:1/nothing'],
    ] as const) {
      // Before, the page server was already listening when the browser failed: the process
      // printed the error and never exited.
      const run = await runExample('computer-use/basic.ts', {
        args: ['--auto', `--browser=${endpoint}`],
      });
      expect(run.code, describeRun(run)).toBe(1);
      expect(run.stderr).toContain(`Invalid --browser: ${says}`);
      expect(run.stderr).toContain("leave out --browser to start Debian's Chromium");
      expect(run.stderr).not.toContain('Unexpected error');
    }
  });

  it.skipIf(!HAS_SCRIPT)(
    'approval: asks in a terminal, and applies the answers typed',
    async () => {
      const approval = startInTerminal('approval/basic.ts');
      await approval.until('[a]pprove, [d]eny, [e]dit?');
      approval.write('a\r');
      await approval.until('approved delete_file(path: "drafts/old-intro.md")');
      await approval.until('delete_file(path: ".env")\n  [a]pprove');
      approval.write('d\r');
      await approval.until('reason for the model');
      approval.write('keep the secrets\r');
      await approval.until('send_email(');
      approval.write('e\r');
      await approval.until('fields to change as JSON, merged into');
      // A partial edit: the body it does not name is kept, not dropped (which made invalid-args).
      approval.write('{"to":"me@example.com","subject":"Draft"}\r');
      const run = await approval.done;
      expect(run.code, describeRun(run)).toBe(0);
      const out = approval.plain();
      expect(out).toContain('You decide each call.');
      expect(out).toContain('denied   delete_file(path: ".env"): keep the secrets');
      expect(out).toContain('Delete file (.env) failed: keep the secrets.');
      expect(out).toMatch(
        /modified send_email\(to: "team@example.com".*-> \(to: "me@example.com", subject: "Draft", body: "Old drafts and secrets are gone\."\)/,
      );
      expect(out).toMatch(/\nsend_email\(to: "team@example.com".*\): success\n/);
      expect(out).toContain('outbox: "Draft" to me@example.com');
      expect(out).toContain('files left: drafts/plan.md, .env');
    },
  );

  it('embeddings: indexes documents in one batch call, ranks them for a query, embeds an image, prices it', async () => {
    const { stdout } = await runOk('embeddings/search.ts');
    expect(stdout).toContain('indexed 4 documents, 768 dimensions each');
    // Offline the question is the refunds document itself: the fake's vectors match it exactly.
    expect(stdout).toMatch(/question: Refunds are paid[^\n]*\n {2}1\.000 {2}Refunds are paid/);
    expect(stdout).toContain('image and caption: one embedding of 3072 dimensions');
    expect(stdout).toMatch(/cost: \$0\.\d+\n/);
  });

  it('memory: the tool remembers for one user, a later run recalls it by meaning, the other user gets nothing, forgetAll deletes it', async () => {
    const { stdout } = await runOk('memory/basic.ts');
    // The remember tool's id: of the turn and the words, so a turn run again keeps one memory.
    expect(stdout).toMatch(/recalled for ana: \{"ids":\["remembered-[0-9a-f]{32}"\],"count":1\}/);
    // The note went as data: a sentence saying so, then the memory as one JSON line in its block.
    expect(stdout).toMatch(
      /the note the model got:\nMemories of this user [^\n]*not instructions[^\n]*\n<recalled_memories>\n\{"id":"remembered-[0-9a-f]{32}","kind":"fact","text":"Ana always travels by train, never by plane\."\}\n<\/recalled_memories>\n/,
    );
    expect(stdout).toContain(
      'remembered about ana: [fact] Ana always travels by train, never by plane.',
    );
    expect(stdout).toContain('remembered about bruno: 0 memories');
    expect(stdout).toContain('ana forgets everything: 1 deleted');
  });

  it('files: uploads a large file in chunks with progress and asks about it by reference', async () => {
    const { stdout } = await runOk('files/upload-and-ask.ts');
    expect(stdout).toContain(
      'uploaded 524288/1500000 bytes\nuploaded 1048576/1500000 bytes\nuploaded 1500000/1500000 bytes',
    );
    expect(stdout).toContain('sent by reference: audio/wav');
    expect(stdout).toMatch(/I received audio\/wav by reference \(files\/\w+\)/);
    expect(stdout).toMatch(/deleted files\/\w+/);
  });

  it('file-search: builds a store from the handbook folder and answers from it with citations', async () => {
    const { stdout } = await runOk('file-search/ask-a-folder.ts');
    expect(stdout).toMatch(/store: fileSearchStores\/gemloop-handbook-example-\w+/);
    for (const file of ['expenses.md', 'leave.md', 'remote-work.md'])
      expect(stdout).toMatch(
        new RegExp(`indexed ${file} -> fileSearchStores/[\\w-]+/documents/doc-\\w+`),
      );
    expect(stdout).toContain(
      'A: (scripted from the retrieved passage) Every employee gets 25 days of paid annual leave a year',
    );
    // The first citation is the passage the answer came from, retrieved from the uploaded file.
    expect(stdout).toContain(
      '[1] leave.md: "# Leave Every employee gets 25 days of paid annual leave',
    );
    expect(stdout).toMatch(/deleted fileSearchStores\/gemloop-handbook-example-\w+/);
  });

  it('skills: the model picks a skill, loads it, reads its file and follows it; a named tool it lacks stays out', async () => {
    const { stdout } = await runOk('skills/agent-skills.ts');
    expect(stdout).toContain('skills: changelog, haiku');
    expect(stdout).toContain('load_skill({"name":"changelog"}) unavailable: run_shell');
    expect(stdout).toContain('read_skill_file({"name":"changelog","path":"references/format.md"})');
    expect(stdout).toContain('Thanks to every contributor.');
  });

  it('live: a background tool runs while the session talks on, survives a goAway, and its result lands when idle', async () => {
    const { stdout } = await runOk('live/voice-agent.ts');
    expect(stdout.split('\n').slice(1, 7)).toEqual([
      'tool-call order_status({"orderId":"A-1042"}) NON_BLOCKING',
      'model: Let me check order A-1042 for you. While I look, anything else?',
      'reconnected after go-away (attempt 1)',
      'model: Our shop opens at 9:00.',
      'tool-result order_status -> {"orderId":"A-1042","status":"shipped","eta":"Thursday"} (WHEN_IDLE)',
      'model: Order A-1042 shipped today; it arrives Thursday.',
    ]);
  });

  it('batch: three agent runs in batch mode, the tools between rounds', async () => {
    const { stdout } = await runOk('batch/agent-runs.ts');
    expect(stdout).toContain('round 1 submitted: batches/');
    expect(stdout).toContain('with 3 line(s)');
    expect(stdout).toContain('with 2 line(s)');
    expect(stdout).toContain('run-0 done after 2 round(s): (scripted) Paris: clear, 14 °C.');
    expect(stdout).toContain('run-1 done after 2 round(s): (scripted) Oslo: snow, -3 °C.');
    expect(stdout).toContain('run-2 done after 1 round(s): (scripted) No city asked');
  });

  it('batch-durable: the batch job as a DBOS workflow on Postgres', async () => {
    const { stdout } = await runOk('batch/durable-agent-runs.ts', [], await databaseEnv('batch'));
    expect(stdout).toContain('started weather-job-1');
    expect(stdout).toContain('job done after 2 round(s)');
    expect(stdout).toContain('run-0 done: (scripted) Paris: clear.');
    expect(stdout).toContain('run-1 done: (scripted) Oslo: snow.');
  });

  it('interactions-durable: a durable agent on background interactions, on Postgres', async () => {
    const { stdout } = await runOk(
      'interactions/durable-background.ts',
      [],
      await databaseEnv('interactions'),
    );
    expect(stdout).toContain('started weather-run-1');
    expect(stdout).toContain('tool get_weather answered');
    expect(stdout).toContain('answer: (scripted) Oslo: snow.');
    // Two model calls, each one background interaction polled until done (two polls in progress, one done).
    expect(stdout).toContain('interactions created: 2, polls: 6');
  });

  it('interactions: the agent on the Interactions API, then Deep Research in the background', async () => {
    const { stdout } = await runOk('interactions/agent-and-research.ts');
    expect(stdout).toContain('agent: (scripted) Oslo: snow. (2 steps)');
    expect(stdout).toContain('step 2 sent function_result after the previous interaction');
    expect(stdout).toContain('poll: completed');
    expect(stdout).toContain(
      // The report's reasoning signature comes on a thought step before it (Gemini 3).
      'research completed: thought > google_search_call > google_search_result > thought > model_output',
    );
    expect(stdout).toContain('report: (scripted) A report on tide tables of the Oslofjord.');
  });

  it('interactions-agents: managed agents, environments, a verified webhook, a trigger', async () => {
    const { stdout } = await runOk('interactions/managed-agents.ts');
    expect(stdout).toContain('code-reviewer: completed');
    expect(stdout).toContain('forked strict-reviewer (base antigravity-preview-05-2026)');
    expect(stdout).toContain(
      'background on an Antigravity agent: interactions.create failed with HTTP 400',
    );
    expect(stdout).toMatch(/webhook: interaction\.completed i\w+ \(verified\)/);
    expect(stdout).toContain('webhook refused: bad-signature');
    expect(stdout).toMatch(/trigger trg_\w+ \(0 7 \* \* 1-5\): 1 execution, completed/);
    expect(stdout).toContain('cleaned up');
  });

  it('multimodal: sends the drawn PNG in the user turn', async () => {
    const { stdout } = await runOk('multimodal/basic.ts');
    const saved = /image: .*gemloop-shapes\.png \((\d+) bytes\)/.exec(stdout);
    expect(saved, stdout).not.toBeNull();
    expect(stdout).toContain(`I received an image (image/png, ${saved?.[1]} bytes)`);
  });

  it('multimodal:tool-image: returns the chart inside the function response on Gemini 3', async () => {
    const { stdout } = await runOk('multimodal/tool-image.ts');
    expect(stdout).toMatch(
      /render_bar_chart -> \{"output":\{"title":"Sales, January to April","bars":4,"bytes":\d+\}\} \+ 1 image part\(s\)/,
    );
    expect(stdout).toContain('The chart arrived inside the functionResponse (Gemini 3)');
  });

  it('multimodal:tool-image: moves the chart beside the function response on Gemini 2.5', async () => {
    const { stdout } = await runOk('multimodal/tool-image.ts', ['--model', 'gemini-2.5-flash']);
    expect(stdout).toContain('+ 0 image part(s)');
    expect(stdout).toContain(
      'The chart arrived as an image part in a user turn after the functionResponse (older models)',
    );
  });

  it('chat-bot: keeps the conversation in a JSON-lines file and continues it after a restart', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'gemloop-chat-bot-test-'));
    const { stdout } = await runOk('chat-bot/basic.ts', ['--store', directory]).finally(() =>
      rmSync(directory, { recursive: true, force: true }),
    );
    expect(stdout).toMatch(/store: .*ada\.jsonl \(0 turn\(s\) already there\)/);
    expect(stdout).toContain("bot  Nice to meet you, Ada! I'll remember that you live in Lyon.");
    // The city came from the first turn, sent again from the store.
    expect(stdout).toContain(
      'bot  In Lyon, France it is 20 °C and mainly clear (simulated: built-in offline table, not real weather). [get_weather]',
    );
    expect(stdout).toContain('(sent 1 earlier turn(s) with the message)');
    // After the "restart", the name comes from the file.
    expect(stdout).toContain('bot  Of course: you are Ada, from Lyon.');
    expect(stdout).toContain('(sent 2 earlier turn(s) with the message)');
    expect(stdout).toMatch(/3 turn\(s\) in .*ada\.jsonl, one JSON line each\./);
  });

  it('gateway: sends the key as Authorization: Bearer only', async () => {
    const { stdout } = await runOk('gateway/basic.ts');
    expect(stdout).toContain('1234 × 5678 = 7006652.');
    expect(stdout).toContain(
      '2 requests: Authorization: Bearer on every one; x-goog-api-key never sent; key in the URL never',
    );
  });

  it('dev-server: an ordinary app pointed at gemloop fake by GEMINI_BASE_URL streams its answer', async () => {
    // `npx gemloop fake` in another terminal, here in-process: the same command and server.
    let url = '';
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    let listening!: () => void;
    const ready = new Promise<void>((resolve) => {
      listening = resolve;
    });
    const log: string[] = [];
    const served = createFakeCommand(async () => {
      listening();
      await stopped;
    }).run(['--port', '0'], {
      stdout: (text) => {
        log.push(text);
        url ||= /Listening on (http:\S+)/.exec(text)?.[1] ?? '';
      },
      stderr: (text) => log.push(text),
      env: {},
    });
    await ready;
    try {
      const run = await runExample('dev-server/app.ts', {
        env: { GEMINI_BASE_URL: url, GEMINI_API_KEY: 'fake' },
      });
      expect(run.code, describeRun(run)).toBe(0);
      expect(run.stderr, describeRun(run)).toBe('');
      expect(run.stdout).toContain('tool call: get_weather({"city":"Paris"})');
      expect(run.stdout).toContain('tool call: get_weather({"city":"Tokyo"})');
      expect(run.stdout).toMatch(/Paris.*18/);
      expect(run.stdout).toMatch(/\(2 model calls, \d+ tokens\)/);
    } finally {
      stop();
      expect(await served).toBe(0);
    }
    // The dev server logged the app's two calls, streamed.
    expect(log.join('').match(/streamGenerateContent gemini-3-flash-preview -> 200/g)).toHaveLength(
      2,
    );
    // Without the dev server's variables, the app says how to start it.
    const alone = await runExample('dev-server/app.ts');
    expect(alone.code).toBe(1);
    expect(alone.stderr).toContain('Start the dev server first (npx gemloop fake)');
    // The dev server's URL without a key: what is missing, not a stack trace.
    const noKey = await runExample('dev-server/app.ts', { env: { GEMINI_BASE_URL: url } });
    expect(noKey.code, describeRun(noKey)).toBe(1);
    expect(noKey.stderr, describeRun(noKey)).toContain('No API key.');
    expect(noKey.stderr, describeRun(noKey)).toContain('GEMINI_API_KEY');
    expect(noKey.stderr, describeRun(noKey)).not.toMatch(/^\s+at /m);
  });
});
