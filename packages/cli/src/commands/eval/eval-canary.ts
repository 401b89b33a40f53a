import { CliFlagError } from '../../cli-flag-error.ts';
import type { CliIo } from '../../cli-io.ts';
import { runCanarySuite } from '../../eval/run-canary-suite.ts';
import { emptyPathProblem, leadingOperands, parseCommandArgs } from '../../parse-command-args.ts';
import { EVAL_USAGE } from './eval-usage.ts';
import { interruptible } from './interruptible.ts';
import { parseCountFlag } from './parse-count-flag.ts';

/**
 * `gemloop eval canary FILE --from M --to M ...`: the suite's cases run `--k` times on each model,
 * live, and their trajectories compared; 130 when `onInterrupt` stops it, 2 on a refused argument.
 * @throws {@link CliFlagError} on a malformed `--k`, `--alpha`, `--concurrency` or `--timeout-ms`.
 */
export async function evalCanary(
  rest: readonly string[],
  io: CliIo,
  cwd: string,
  onInterrupt: (stop: () => void) => () => void,
): Promise<number> {
  // The suite first, as `gemloop eval FILE` takes it; the flags after it.
  const leading = leadingOperands(rest, 1);
  const [file] = leading?.operands ?? [];
  const args = leading?.rest ?? [];
  if (file === undefined) {
    io.stderr(
      `gemloop eval canary: give the suite FILE first, then --from MODEL and --to MODEL.\n\n${EVAL_USAGE}`,
    );
    return 2;
  }
  const values = parseCommandArgs(
    args,
    {
      from: { type: 'string' },
      to: { type: 'string' },
      k: { type: 'string' },
      alpha: { type: 'string' },
      'must-call': { type: 'string', multiple: true },
      'must-pass': { type: 'string', multiple: true },
      'fail-on-change': { type: 'boolean' },
      'ignore-arguments': { type: 'boolean' },
      'base-url': { type: 'string' },
      'allow-insecure-http': { type: 'boolean' },
      concurrency: { type: 'string' },
      'timeout-ms': { type: 'string' },
      json: { type: 'string' },
    },
    EVAL_USAGE,
    io,
  );
  if (typeof values === 'number') return values;
  const flags = values;
  const from = flags['from'] as string | undefined;
  const to = flags['to'] as string | undefined;
  if (!from || !to) {
    io.stderr(
      `gemloop eval canary: give the suite FILE, --from MODEL (the model in use) and --to MODEL (the one to upgrade to).\n\n${EVAL_USAGE}`,
    );
    return 2;
  }
  const emptyPath = emptyPathProblem('gemloop eval canary', flags, {
    json: 'the file to write the result to',
  });
  if (emptyPath !== undefined) {
    io.stderr(emptyPath);
    return 2;
  }
  return await interruptible('gemloop eval canary', io, onInterrupt, (signal) =>
    runCanarySuite(
      {
        signal,
        file,
        from,
        to,
        k: parseCountFlag('--k', flags['k'], 100),
        alpha: level(flags['alpha']),
        mustCall: (flags['must-call'] as unknown as string[] | undefined) ?? [],
        mustPass: (flags['must-pass'] as unknown as string[] | undefined) ?? [],
        failOnChange: flags['fail-on-change'] === true,
        ignoreArguments: flags['ignore-arguments'] === true,
        concurrency: parseCountFlag('--concurrency', flags['concurrency'], 64),
        timeoutMs: parseCountFlag('--timeout-ms', flags['timeout-ms'], 86_400_000),
        baseUrl: flags['base-url'] as string | undefined,
        allowInsecureHttp: flags['allow-insecure-http'] === true,
        json: flags['json'] as string | undefined,
      },
      io,
      cwd,
    ),
  );
}

/** `--alpha`: a significance level strictly between 0 and 1. */
function level(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  const number = /^0?\.\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(number > 0 && number < 1)) {
    throw new CliFlagError({
      flag: '--alpha',
      value: text.slice(0, 100),
      accepted: ['a number between 0 and 1'],
      message: `--alpha ${text.slice(0, 100)}: give a significance level between 0 and 1, e.g. 0.01.`,
    });
  }
  return number;
}
