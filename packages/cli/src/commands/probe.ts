import type { CliCommand, CliIo } from '../cli-io.ts';
import { COMMAND_SUMMARIES } from '../command-summaries.ts';
import { quotedValue } from '../escape-controls.ts';
import { parseCommandArgs } from '../parse-command-args.ts';
import { checkProbeOptions } from '../probe/check-probe-options.ts';
import { createProbeSanitizer } from '../probe/create-probe-sanitizer.ts';
import { formatProbeLine, formatProbeReport } from '../probe/format-probe-report.ts';
import type { ProbeAuth, RunProbeOptions } from '../probe/probe-types.ts';
import { runInteractionsProbe } from '../probe/run-interactions-probe.ts';
import { runProbe } from '../probe/run-probe.ts';

const USAGE = `Usage: gemloop probe --base-url URL [--auth bearer|x-goog-api-key] [--model M] [--api interactions]
                     [--timeout S] [--json] [--allow-insecure-http]
       gemloop probe --fake [--model M] [--timeout S] [--json]

Checks a gateway that serves Gemini's native REST API (CometAPI and others) with a dozen small
real requests, and prints one line per property gemloop relies on, each checked by its effect
(an answer only a faithful gateway gives). The key comes from GEMINI_API_KEY (or GOOGLE_API_KEY),
and is sent in a header only. Exit code 1 when a property fails, 2 for bad arguments.

Each answer is bounded: at most 1 MiB of body and 60 s (--timeout) from request to last byte;
past either, that line fails naming the bound. When neither auth request gets an answer (timed
out, connection failed), the other checks are skipped. The requests go one after another: while
they run, the probe prints on stderr a line per check as it finishes, so stdout holds the report
(or the JSON) alone. Everything the gateway sent is printed with the key (and any credential in
--base-url) redacted and control characters escaped.

To try it offline: gemloop probe --fake probes a fake Gemini started in-process (the one
gemloop fake serves, with @gemloop/testing installed), with the key "fake"; every line passes.

Options:
  --base-url URL   the gateway, e.g. https://api.cometapi.com (required, unless --fake)
  --fake           probe gemloop's own fake Gemini instead of a gateway (no key needed)
  --auth STYLE     the header to prefer: x-goog-api-key (default) or bearer
  --model M        a Gemini 3 model (default gemini-3-flash-preview)
  --api-version V  default v1beta
  --api interactions  probe the Interactions API (/v1beta/interactions) instead: create, state, SSE
  --timeout S      the seconds one answer may take, headers and body (default 60, at most 86400)
  --json           print the report as JSON
  --allow-insecure-http  accept an http:// base URL on another host (the key goes in clear text;
                   http needs no flag for localhost, 127.0.0.0/8 or [::1])
`;

/** The longest `--timeout`, in seconds: a day, as `gemloop eval --timeout-ms`. */
const MAX_TIMEOUT_SECONDS = 86_400;

/**
 * A flag's value as every command's refusal quotes it: escaped once, cut at 100 characters, in
 * quotes (an empty one was shown as `got .`).
 */
function quoted(value: unknown): string {
  return quotedValue(String(value));
}

/** `gemloop probe`: the gateway conformance probe. */
export const probeCommand: CliCommand = {
  summary: COMMAND_SUMMARIES.probe,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const values = parseCommandArgs(
      args,
      {
        'base-url': { type: 'string' },
        auth: { type: 'string' },
        model: { type: 'string' },
        'api-version': { type: 'string' },
        json: { type: 'boolean' },
        fake: { type: 'boolean' },
        api: { type: 'string' },
        timeout: { type: 'string' },
        'allow-insecure-http': { type: 'boolean' },
      },
      USAGE,
      io,
    );
    if (typeof values === 'number') return values;
    if (timeoutMsOf(values) === undefined) {
      io.stderr(
        `gemloop probe: --timeout ${quoted(values['timeout'])}: give the seconds one answer may take, a number above 0 and at most ${MAX_TIMEOUT_SECONDS} (default 60).\n`,
      );
      return 2;
    }
    const api = values['api'];
    if (api !== undefined && api !== 'interactions' && api !== 'generateContent') {
      io.stderr(
        `gemloop probe: --api must be interactions or generateContent; got ${quoted(api)}.\n`,
      );
      return 2;
    }
    if (values['fake'] === true) {
      if (values['base-url'] !== undefined) {
        io.stderr(
          'gemloop probe: --fake and --base-url exclude each other: --fake probes a fake it starts.\n',
        );
        return 2;
      }
      return probeFake(values, io);
    }
    const baseUrl = values['base-url'];
    if (typeof baseUrl !== 'string') {
      io.stderr(
        `gemloop probe: --base-url is required. Or use --fake to try the probe offline.\n\n${USAGE}`,
      );
      return 2;
    }
    const auth = values['auth'];
    if (auth !== undefined && auth !== 'bearer' && auth !== 'x-goog-api-key') {
      io.stderr(`gemloop probe: --auth must be bearer or x-goog-api-key; got ${quoted(auth)}.\n`);
      return 2;
    }
    const apiKey = io.env['GEMINI_API_KEY'] || io.env['GOOGLE_API_KEY'];
    if (apiKey === undefined || apiKey === '') {
      io.stderr('gemloop probe: set GEMINI_API_KEY (or GOOGLE_API_KEY) to the gateway key.\n');
      return 2;
    }
    return probeAndPrint(
      probeOptionsOf(baseUrl, apiKey, auth as ProbeAuth | undefined, values, io),
      values,
      io,
    );
  },
};

/**
 * `--fake`: starts the fake `gemloop fake` serves (the demo model, on a free port of 127.0.0.1),
 * probes it with the key `fake` (never the environment's: a real key has no business there),
 * and stops it.
 */
async function probeFake(values: Record<string, string | boolean | undefined>, io: CliIo) {
  // The fake's address is not known yet: any loopback one checks the other options, before the
  // fake is started and the line that says it is probed.
  if (refused(probeOptionsOf('http://127.0.0.1', 'fake', undefined, values, io), io)) return 2;
  const { INSTALL_TESTING, loadTesting } = await import('../fake/load-testing.ts');
  if ((await loadTesting()) === undefined) {
    io.stderr(`gemloop probe: ${INSTALL_TESTING}\n`);
    return 1;
  }
  const { startDevFake } = await import('../fake/start-dev-fake.ts');
  const running = await startDevFake(
    {
      port: 0,
      host: '127.0.0.1',
      script: { kind: 'named', name: 'demo' },
      gatewayMistakes: [],
      faults: [],
      models: undefined,
    },
    { cwd: process.cwd() },
  );
  try {
    // On stderr, as every line that is not the report: with --json, stdout is the JSON alone.
    io.stderr(`gemloop probe: probing the fake Gemini of gemloop fake (the demo model)\n`);
    return await probeAndPrint(
      probeOptionsOf(running.url, 'fake', undefined, values, io),
      values,
      io,
    );
  } finally {
    await running.close();
  }
}

/** The probe's options as this command gives them: the base URL, key and time limit always set. */
type ProbeCommandOptions = RunProbeOptions & { baseUrl: string; apiKey: string; timeoutMs: number };

function probeOptionsOf(
  baseUrl: string,
  apiKey: string,
  auth: ProbeAuth | undefined,
  values: Record<string, string | boolean | undefined>,
  io: CliIo,
): ProbeCommandOptions {
  return {
    baseUrl,
    apiKey,
    auth,
    allowInsecureHttp: values['allow-insecure-http'] === true,
    model: values['model'] as string | undefined,
    apiVersion: values['api-version'] as string | undefined,
    fetch: io.fetch,
    timeoutMs: timeoutMsOf(values) as number,
    // A timed-out line names the flag the user can change, not the library's option.
    timeoutName: '--timeout',
    onRecord: (record) => io.stderr(`${formatProbeLine(record)}\n`),
  };
}

/**
 * Whether the options are refused (`checkProbeOptions`, as the probe checks them again), told in
 * one line: checked before any line that says what would be sent, so a bad --model or --base-url
 * is refused alone.
 */
function refused(options: ProbeCommandOptions, io: CliIo): boolean {
  const sanitizer = createProbeSanitizer(options);
  const { sanitize } = sanitizer;
  try {
    checkProbeOptions(options, sanitizer);
    return false;
  } catch (error) {
    io.stderr(
      `gemloop probe: ${sanitize(error instanceof Error ? error.message : String(error))}\n`,
    );
    return true;
  }
}

async function probeAndPrint(
  options: ProbeCommandOptions,
  values: Record<string, string | boolean | undefined>,
  io: CliIo,
): Promise<number> {
  if (refused(options, io)) return 2;
  try {
    const interactions = values['api'] === 'interactions';
    const probe = interactions ? runInteractionsProbe : runProbe;
    // The requests go one after another, each allowed timeoutMs: against a gateway that never
    // answers that is minutes. Say so first, then a line per check as it finishes, on stderr.
    io.stderr(
      `gemloop probe: ${interactions ? '3 requests' : 'about 12 requests'}, each answer allowed ${options.timeoutMs / 1000} s (--timeout); a line per check as it finishes:\n`,
    );
    const report = await probe(options);
    io.stdout(
      values['json'] === true ? `${JSON.stringify(report, null, 2)}\n` : formatProbeReport(report),
    );
    return report.ok ? 0 : 1;
  } catch (error) {
    // The report is sanitised by runProbe; an error that escaped it goes through the same gate.
    const { sanitize } = createProbeSanitizer(options);
    io.stderr(
      `gemloop probe: ${sanitize(error instanceof Error ? error.message : String(error))}\n`,
    );
    return 2;
  }
}

/**
 * `--timeout` in milliseconds (60 s without it), or `undefined` when it is not a number of
 * seconds above 0 and at most a day. Decimal digits only: Number() would read '' as 0 and take
 * 1e3 or 0x10.
 */
function timeoutMsOf(values: Record<string, string | boolean | undefined>): number | undefined {
  const text = values['timeout'];
  if (text === undefined) return 60_000;
  if (typeof text !== 'string' || !/^\d{1,6}(\.\d{1,3})?$/.test(text)) return undefined;
  const ms = Math.round(Number(text) * 1000);
  return ms >= 1 && ms <= MAX_TIMEOUT_SECONDS * 1000 ? ms : undefined;
}
