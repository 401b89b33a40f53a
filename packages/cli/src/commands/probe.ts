import type { CliCommand, CliIo } from '../cli-io.ts';
import { parseCommandArgs } from '../parse-command-args.ts';
import { createProbeSanitizer, escapeControls } from '../probe/create-probe-sanitizer.ts';
import { formatProbeReport } from '../probe/format-probe-report.ts';
import type { ProbeAuth } from '../probe/probe-types.ts';
import { runProbe } from '../probe/run-probe.ts';

const USAGE = `Usage: gemloop probe --base-url URL [--auth bearer|x-goog-api-key] [--model M] [--json]

Checks a gateway that serves Gemini's native REST API (CometAPI and others) with a dozen small
real requests, and prints one line per property gemloop relies on, each checked by its effect
(an answer only a faithful gateway gives). The key comes from GEMINI_API_KEY (or GOOGLE_API_KEY),
and is sent in a header only. Exit code 1 when a property fails, 2 for bad arguments.

Each answer is bounded: at most 1 MiB of body and 60 s from request to last byte; past either,
that line fails naming the bound. Everything the gateway sent is printed with the key (and any
credential in --base-url) redacted and control characters escaped.

Options:
  --base-url URL   the gateway, e.g. https://api.cometapi.com (required)
  --auth STYLE     the header to prefer: x-goog-api-key (default) or bearer
  --model M        a Gemini 3 model (default gemini-3-flash-preview)
  --api-version V  default v1beta
  --json           print the report as JSON
`;

/** `gemloop probe`: the gateway conformance probe. */
export const probeCommand: CliCommand = {
  summary: 'check a Gemini gateway for the mistakes gemloop has to work around',
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const values = parseCommandArgs(
      args,
      {
        'base-url': { type: 'string' },
        auth: { type: 'string' },
        model: { type: 'string' },
        'api-version': { type: 'string' },
        json: { type: 'boolean' },
      },
      USAGE,
      io,
    );
    if (typeof values === 'number') return values;
    const baseUrl = values['base-url'];
    if (typeof baseUrl !== 'string') {
      io.stderr(`--base-url is required.\n\n${USAGE}`);
      return 2;
    }
    const auth = values['auth'];
    if (auth !== undefined && auth !== 'bearer' && auth !== 'x-goog-api-key') {
      io.stderr(`--auth must be bearer or x-goog-api-key; got ${escapeControls(String(auth))}.\n`);
      return 2;
    }
    const apiKey = io.env['GEMINI_API_KEY'] || io.env['GOOGLE_API_KEY'];
    if (apiKey === undefined || apiKey === '') {
      io.stderr('Set GEMINI_API_KEY (or GOOGLE_API_KEY) to the gateway key.\n');
      return 2;
    }
    try {
      const report = await runProbe({
        baseUrl,
        apiKey,
        auth: auth as ProbeAuth | undefined,
        model: values['model'] as string | undefined,
        apiVersion: values['api-version'] as string | undefined,
        fetch: io.fetch,
      });
      io.stdout(
        values['json'] === true
          ? `${JSON.stringify(report, null, 2)}\n`
          : formatProbeReport(report),
      );
      return report.ok ? 0 : 1;
    } catch (error) {
      // The report is sanitised by runProbe; an error that escaped it goes through the same gate.
      const { sanitize } = createProbeSanitizer({ apiKey, baseUrl });
      io.stderr(
        `gemloop probe: ${sanitize(error instanceof Error ? error.message : String(error))}\n`,
      );
      return 2;
    }
  },
};
