import { resolve } from 'node:path';
import type { CliIo } from '../cli-io.ts';
import { escapeControls } from '../probe/create-probe-sanitizer.ts';
import { createReportRedactor } from './create-report-redactor.ts';
import { liveSettings, loadSuite, refuseWritingOverSuite, writeOut } from './run-eval-suite.ts';

/** The flags of `gemloop eval canary <file>`, checked. */
export type CanarySuiteFlags = {
  /** Aborted by the user's interrupt: the eval stops (runEval's `signal`). */
  signal?: AbortSignal | undefined;
  file: string;
  from: string;
  to: string;
  k: number | undefined;
  alpha: number | undefined;
  mustCall: readonly string[];
  mustPass: readonly string[];
  failOnChange: boolean;
  ignoreArguments: boolean;
  concurrency: number | undefined;
  timeoutMs: number | undefined;
  baseUrl: string | undefined;
  /** `--allow-insecure-http`: an `http://` base URL on a host that is not loopback. */
  allowInsecureHttp?: boolean | undefined;
  json: string | undefined;
};

/**
 * Runs a model-upgrade canary over an eval suite's cases (`runCanary` of @gemloop/evals), live:
 * progress on stderr, the report on stdout, the JSON written; returns 0 when it passed (no marked
 * regression, every case judged, and no change with --fail-on-change), else 1.
 */
export async function runCanarySuite(
  flags: CanarySuiteFlags,
  io: CliIo,
  cwd: string,
): Promise<number> {
  const { evals, suite, cases, path } = await loadSuite(flags.file, cwd);
  await refuseWritingOverSuite(suite, path, cwd, { '--json': flags.json });
  const live = liveSettings('gemloop eval canary', flags.baseUrl, io, flags.allowInsecureHttp);
  const union = (a: readonly string[] | undefined, b: readonly string[]) => [
    ...new Set([...(a ?? []), ...b]),
  ];
  // This shell's credentials in an error of the agent's (a driver quoting DATABASE_URL) reach
  // neither the terminal nor --json, as gemloop eval's (attack43a).
  const redact = createReportRedactor(io.env, process.argv.slice(2), cwd);
  const ran = await evals.runCanary({
    createAgent: suite.createAgent,
    cases,
    scorers: suite.scorers,
    from: flags.from,
    to: flags.to,
    k: flags.k,
    alpha: flags.alpha,
    mustCall: union(suite.canary?.mustCall, flags.mustCall),
    mustPass: union(suite.canary?.mustPass, flags.mustPass),
    failOnChange: flags.failOnChange,
    ...(flags.ignoreArguments ? { arguments: 'ignore' as const } : {}),
    live,
    concurrency: flags.concurrency,
    timeoutMs: flags.timeoutMs ?? suite.timeoutMs,
    streaming: suite.streaming,
    signal: flags.signal,
    onAttempt: (attempt, done, total) => {
      io.stderr(
        `[${done}/${total}] ${attempt.status === 'error' ? 'ERROR' : 'RUN  '} ${escapeControls(attempt.caseId)} #${attempt.repeat + 1} (${Math.round(attempt.latencyMs)} ms)\n`,
      );
    },
  });
  const result = redact(ran);
  io.stdout(evals.formatCanary(result));
  if (flags.json !== undefined)
    await writeOut(resolve(cwd, flags.json), `${JSON.stringify(result, null, 2)}\n`);
  if (!result.passed) {
    io.stderr(
      `gemloop eval canary: FAILED: ${result.regressions} regression(s), ${result.unjudged} unjudged case(s)${flags.failOnChange ? `, ${result.changed} changed` : ''}\n`,
    );
    return 1;
  }
  return 0;
}
