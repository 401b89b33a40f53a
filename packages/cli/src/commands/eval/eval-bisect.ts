import type { CliIo } from '../../cli-io.ts';
import { bisectSuite } from '../../eval/bisect-suite.ts';
import { emptyPathProblem, parseCommandArgs } from '../../parse-command-args.ts';
import { EVAL_USAGE } from './eval-usage.ts';
import { interruptible } from './interruptible.ts';
import { parseCountFlag } from './parse-count-flag.ts';

/**
 * `gemloop eval bisect GOOD BAD --suite FILE ...`: the first commit after GOOD, up to BAD, where
 * a case's tool-call trajectory changes; 130 when `onInterrupt` stops it, 2 on a refused argument.
 * @throws `CliFlagError` on a malformed `--timeout-ms`.
 */
export async function evalBisect(
  rest: readonly string[],
  io: CliIo,
  cwd: string,
  onInterrupt: (stop: () => void) => () => void,
): Promise<number> {
  const [good, bad, ...args] = rest;
  if (good === undefined || bad === undefined || good.startsWith('-') || bad.startsWith('-')) {
    io.stderr(
      `gemloop eval bisect: give the good ref, then the bad ref, then --suite FILE.\n\n${EVAL_USAGE}`,
    );
    return 2;
  }
  const values = parseCommandArgs(
    args,
    {
      suite: { type: 'string' },
      case: { type: 'string', multiple: true },
      'base-url': { type: 'string' },
      'allow-insecure-http': { type: 'boolean' },
      'timeout-ms': { type: 'string' },
      json: { type: 'string' },
    },
    EVAL_USAGE,
    io,
  );
  if (typeof values === 'number') return values;
  const emptyPath = emptyPathProblem('gemloop eval bisect', values, {
    suite: 'the eval suite whose agent the history changes',
    json: 'the file to write the result to',
  });
  if (emptyPath !== undefined) {
    io.stderr(emptyPath);
    return 2;
  }
  const file = values['suite'] as string | undefined;
  if (file === undefined) {
    io.stderr(
      `gemloop eval bisect: give --suite FILE (the eval suite whose agent the history changes).\n\n${EVAL_USAGE}`,
    );
    return 2;
  }
  const flags = {
    good,
    bad,
    file,
    caseIds: (values['case'] as unknown as string[] | undefined) ?? [],
    baseUrl: values['base-url'] as string | undefined,
    allowInsecureHttp: values['allow-insecure-http'] === true,
    timeoutMs: parseCountFlag('--timeout-ms', values['timeout-ms'], 86_400_000),
    json: values['json'] as string | undefined,
  };
  // Stopped, its `finally` removes the copies of the project it made (a SIGINT that killed the
  // process where it stood left them in .gemloop/bisect/<pid>).
  return await interruptible('gemloop eval bisect', io, onInterrupt, (signal) =>
    bisectSuite({ ...flags, signal }, io, cwd),
  );
}
