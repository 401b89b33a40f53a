import { CliFlagError } from '../../cli-flag-error.ts';
import type { CliIo } from '../../cli-io.ts';
import { runEvalSuite } from '../../eval/run-eval-suite.ts';
import { emptyPathProblem, parseCommandArgs } from '../../parse-command-args.ts';
import { EVAL_USAGE } from './eval-usage.ts';
import { interruptible } from './interruptible.ts';
import { parseCountFlag } from './parse-count-flag.ts';

/**
 * `gemloop eval FILE [--min-pass R] [--live | --batch] ...`: the suite in `file` run (replayed,
 * live or through the Batch API) and gated on its pass rate; 130 when `onInterrupt` stops it, 2
 * on a refused argument.
 * @throws {@link CliFlagError} on a malformed `--min-pass`, `--concurrency`, `--repeats` or
 * `--timeout-ms`.
 */
export async function evalSuiteFile(
  file: string,
  rest: readonly string[],
  io: CliIo,
  cwd: string,
  onInterrupt: (stop: () => void) => () => void,
): Promise<number> {
  const values = parseCommandArgs(
    rest,
    {
      'min-pass': { type: 'string' },
      concurrency: { type: 'string' },
      repeats: { type: 'string' },
      'timeout-ms': { type: 'string' },
      live: { type: 'boolean' },
      batch: { type: 'boolean' },
      'base-url': { type: 'string' },
      'allow-insecure-http': { type: 'boolean' },
      json: { type: 'string' },
      junit: { type: 'string' },
      name: { type: 'string' },
    },
    EVAL_USAGE,
    io,
  );
  if (typeof values === 'number') return values;
  // Refused before the suite runs, not when its result is written over the current folder.
  const emptyPath = emptyPathProblem('gemloop eval', values, {
    json: 'the file to write the result to',
    junit: 'the file to write the JUnit report to',
  });
  if (emptyPath !== undefined) {
    io.stderr(emptyPath);
    return 2;
  }
  if (values['live'] === true && values['batch'] === true) {
    io.stderr(`gemloop eval: give --live or --batch, not both.\n\n${EVAL_USAGE}`);
    return 2;
  }
  // A replay talks to the fake: a --base-url without --live or --batch was ignored, so the
  // command passed on the recording while the user meant to test a gateway.
  if (values['base-url'] !== undefined && values['live'] !== true && values['batch'] !== true) {
    io.stderr(
      `gemloop eval: --base-url is the API's address for --live or --batch; a replay answers from the recorded turns. Give --live (or --batch) too, or leave --base-url out.\n`,
    );
    return 2;
  }
  return await interruptible('gemloop eval', io, onInterrupt, (signal) =>
    runEvalSuite(
      {
        signal,
        file,
        minPass: rate(values['min-pass']),
        concurrency: parseCountFlag('--concurrency', values['concurrency'], 64),
        repeats: parseCountFlag('--repeats', values['repeats'], 100),
        timeoutMs: parseCountFlag('--timeout-ms', values['timeout-ms'], 86_400_000),
        live: values['live'] === true,
        batch: values['batch'] === true,
        baseUrl: values['base-url'] as string | undefined,
        allowInsecureHttp: values['allow-insecure-http'] === true,
        json: values['json'] as string | undefined,
        junit: values['junit'] as string | undefined,
        name: values['name'] as string | undefined,
      },
      io,
      cwd,
    ),
  );
}

/** `--min-pass`: a pass rate from 0 to 1. */
function rate(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  const number = /^(0(\.\d+)?|1(\.0+)?)$/.test(text) ? Number(text) : Number.NaN;
  if (Number.isNaN(number)) {
    throw new CliFlagError({
      flag: '--min-pass',
      value: text.slice(0, 100),
      accepted: ['a number from 0 to 1'],
      message: `--min-pass ${text.slice(0, 100)}: give a pass rate from 0 to 1, e.g. 0.9.`,
    });
  }
  return number;
}
