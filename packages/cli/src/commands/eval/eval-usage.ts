/**
 * `gemloop eval`'s usage, printed on `--help` and under a refused argument: one text for every
 * subcommand (a suite, from-runs, compare, canary, bisect), so each refusal shows what they take.
 */
export const EVAL_USAGE = `Usage: gemloop eval FILE [--min-pass 0.9] [--concurrency N] [--repeats N] [--timeout-ms N]
                    [--live | --batch] [--base-url URL] [--json out.json] [--junit out.xml] [--name NAME]
       gemloop eval from-runs [--dir .gemloop/runs] --out cases.jsonl
       gemloop eval from-runs --database-url URL [--run ID]... [--since WHEN] [--limit N] --out cases.jsonl
       gemloop eval compare a.json b.json [--fail-on-regression]
       gemloop eval canary FILE --from MODEL --to MODEL [--k 10] [--alpha 0.01] [--must-call TOOL]...
                    [--must-pass SCORER]... [--fail-on-change] [--ignore-arguments] [--base-url URL]
                    [--concurrency N] [--timeout-ms N] [--json out.json]
       gemloop eval bisect GOOD BAD --suite FILE [--case ID]... [--base-url URL] [--timeout-ms N]
                    [--json out.json]

Runs an eval suite (@gemloop/evals): FILE is a .ts, .js or .mjs module (TypeScript loaded with
tsx, on every Node) whose default export is defineEvalSuite({ createAgent, cases, scorers }). By default each case replays its
recorded model turns through the fake Gemini (offline, no key) and a request that differs from
the recorded one (prompt, tools, arguments) fails the case as drift; --live runs against the
model with GEMINI_API_KEY. Prints progress and a summary (pass rates, score distributions,
tokens, cost, latency); exits 1 when the pass rate is under the gate. Ctrl-C stops an eval or a
canary: the running cases are aborted, a batch job is cancelled, no result is written (exit 130).

Options:
  --min-pass R          the pass rate (0 to 1) under which the command exits 1 (default: the
                        suite's minPass, else 1)
  --concurrency N       cases at once (default 4)
  --repeats N           attempts per case, for models that answer differently (default 1)
  --timeout-ms N        time limit of one attempt (default 120000)
  --live                run against the model (GEMINI_API_KEY), not the recorded turns
  --batch               run live through the Batch API at the batch price (GEMINI_API_KEY; the
                        suite's batch: { model, instructions, tools }; single-input cases; the
                        job may take hours: --timeout-ms bounds it, default 48 h)
  --base-url URL        the API's base URL with --live or --batch (a gateway, or gemloop fake)
  --allow-insecure-http take an http:// base URL (or GEMINI_BASE_URL) on a host that is not loopback:
                        the key then crosses the network in clear text
  --json FILE           write the result (versioned JSON, read by compare and gemloop view)
  --junit FILE          write a JUnit XML report for CI
  --name NAME           the eval run's name in its results (default: the suite's, else FILE's)

from-runs turns the successful runs recorded by createRunRecorder() into cases (their model turns,
requests and tool results as fixtures, their answer and tool calls as expected). A run with
subagents is one case with its subagents' runs, replayed whole. It exits 1 when no run made a
case. With
--database-url it reads the successful runs a durable fleet (@gemloop/dbos, installed in the
project) kept in Postgres instead, newest first: --run picks runs by id (repeatable), --since
takes an ISO date or an age (7d, 12h, 30m), --limit caps the runs read (default 1000, at most
10000). The URL's password never reaches the output.
compare prints each case's change between two --json results: regressions, improvements, score
and cost deltas.
canary runs FILE's cases --k times on each model, live (GEMINI_API_KEY; the suite's createAgent
builds its agent on context.model), and prints per case the tool-call trajectories, the old
model's flakiness, whether the new one differs beyond it (p under --alpha), and the cost and
latency difference. It exits 1 on a regression: a --must-call tool called, or a --must-pass
scorer passed, less often beyond the noise (also the suite's canary: { mustCall, mustPass }), on
a case it could not judge, and with --fail-on-change on any changed trajectory.
bisect finds the first commit after GOOD, up to BAD (first-parent history), where a case's
tool-call trajectory changes: at each commit it visits it loads the suite FILE as committed there
(the agent's prompt, tools and config) and runs the cases of FILE as it is now (--case picks
some). A commit whose requests are the recorded ones replays offline for nothing; one that
changed what the model is asked runs live from the first changed request (GEMINI_API_KEY).
It exits 0 when it found the commit, 1 when no trajectory changed.
`;
