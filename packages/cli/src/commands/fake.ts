import { CliFlagError } from '../cli-flag-error.ts';
import type { CliCommand, CliIo } from '../cli-io.ts';
import { COMMAND_SUMMARIES } from '../command-summaries.ts';
import { INSTALL_TESTING, loadTesting } from '../fake/load-testing.ts';
import type { FakeFlags } from '../fake/parse-fake-flags.ts';
import type { DevFake } from '../fake/start-dev-fake.ts';
import { describeListenError } from '../listen-error-hint.ts';
import { parseCommandArgs } from '../parse-command-args.ts';
import { untilSignalled } from '../until-signalled.ts';

const USAGE = `Usage: gemloop fake [--port N] [--host H] [--script demo|probe|echo|FILE]
                    [--gateway-mistakes a,b] [--fault TYPE[:settings]]... [--models pattern|a,b]

Serves a fake Gemini API (@gemloop/testing's) over HTTP, so an app, an example or gemloop probe
runs offline with no API key: the same routes, auth, errors, streams and refusals as the API,
with answers from a script. Prints the base URL and the environment to point an app at it, logs
one line per request (never the key, the URL or the prompt), and runs until Ctrl-C or SIGTERM.
The fake accepts any non-empty key.

Options:
  --port N              the port (default 4320; 0 for any free port, printed at start)
  --host H              the interface (default 127.0.0.1; anything else is reachable by others)
  --script S            what answers (default demo):
                          demo   the demo model, an offline simulator: calls the tools it is
                                 given with arguments that fit their schemas, answers from their
                                 results, follows a response schema; passes gemloop probe
                          probe  a fixed script that answers gemloop probe as Gemini does
                          echo   repeats the last user text
                          FILE   a .ts/.js/.mjs module (TypeScript through tsx, on every Node)
                                 whose default export, or
                                 export named script, is a fake script: a function
                                 (request, context) => turn, or an array of turns (turn.text(),
                                 turn.call(), ... from @gemloop/testing)
  --gateway-mistakes L  behave like a broken gateway: a comma-separated list of
                          MISTAKES
  --fault F             inject a fault into model calls (repeatable):
                          TYPE[:p=0.1][,times=N][,call=N][,ms=N][,after=N][,delay=S]
                          types FAULTS
  --models M            the models that exist: pattern (any Gemini-shaped name) or a
                          comma-separated list (default: gemloop's table of known models)

Try it:  gemloop fake --port 0   then, in another terminal,
         GEMINI_API_KEY=fake gemloop probe --base-url <the printed URL>
`;

/** The help, with the lists it names (they live in @gemloop/testing) filled in. */
async function usage(): Promise<string> {
  const testing = await loadTesting();
  const { FAULT_TYPES } = await import('../fake/parse-fault-flag.ts');
  return USAGE.replace(
    'MISTAKES',
    wrap(testing?.FAKE_GATEWAY_MISTAKES.join(', ') ?? '(install @gemloop/testing)', 26),
  ).replace('FAULTS', wrap(FAULT_TYPES.join(', '), 32));
}

function wrap(text: string, indent: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && indent + line.length + word.length + 1 > 98) {
      lines.push(line);
      line = '';
    }
    line = line === '' ? word : `${line} ${word}`;
  }
  lines.push(line);
  return lines.join(`\n${' '.repeat(indent)}`);
}

/** Whether `host` is a loopback address, reachable from this machine only. */
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * Makes the `fake` command; `untilStopped` says when to close the server (tests resolve it when
 * they are done), `cwd` where a `--script` file is looked for.
 */
export function createFakeCommand(
  untilStopped: () => Promise<void> = untilSignalled,
  cwd: string = process.cwd(),
): CliCommand {
  return {
    summary: COMMAND_SUMMARIES.fake,
    async run(args: readonly string[], io: CliIo): Promise<number> {
      const help = await usage();
      const values = parseCommandArgs(
        args,
        {
          port: { type: 'string' },
          host: { type: 'string' },
          script: { type: 'string' },
          'gateway-mistakes': { type: 'string' },
          fault: { type: 'string', multiple: true },
          models: { type: 'string' },
        },
        help,
        io,
      );
      if (typeof values === 'number') return values;
      const testing = await loadTesting();
      if (testing === undefined) {
        io.stderr(`gemloop fake: ${INSTALL_TESTING}\n`);
        return 1;
      }
      const { parseFakeFlags } = await import('../fake/parse-fake-flags.ts');
      const { startDevFake, formatRequestLine } = await import('../fake/start-dev-fake.ts');
      const { SCRIPT_TITLES } = await import('../fake/load-fake-script.ts');
      let flags: FakeFlags;
      try {
        flags = parseFakeFlags(values, testing.FAKE_GATEWAY_MISTAKES);
      } catch (error) {
        if (!CliFlagError.isInstance(error)) throw error;
        io.stderr(`gemloop fake: ${error.message}\n`);
        return 2;
      }
      if (!isLoopback(flags.host)) {
        io.stderr(
          `gemloop fake: warning: listening on ${flags.host}, not a loopback address: anyone who can reach it can use this fake (it accepts any key).\n`,
        );
      }
      let running: DevFake;
      try {
        running = await startDevFake(flags, {
          cwd,
          onRequest: (request) => io.stdout(`${formatRequestLine(request)}\n`),
        });
      } catch (error) {
        if (CliFlagError.isInstance(error)) {
          io.stderr(`gemloop fake: ${error.message}\n`);
          return 2;
        }
        io.stderr(`gemloop fake: ${await describeListenError(error, flags.host, flags.port)}\n`);
        return 1;
      }
      // Listen for SIGINT/SIGTERM before printing the URL: whoever reads it may stop us at once.
      const stopped = untilStopped();
      const script =
        flags.script.kind === 'named'
          ? (SCRIPT_TITLES[flags.script.name] ?? flags.script.name)
          : `the script in ${flags.script.path}`;
      io.stdout(
        [
          `gemloop fake: serving ${script}`,
          `Listening on ${running.url}`,
          '',
          'Point your app at it (any non-empty key works):',
          `  GEMINI_BASE_URL=${running.url} GEMINI_API_KEY=fake`,
          // createGemini takes plain http without a word only to a loopback host (attack15).
          ...(isLoopback(flags.host)
            ? []
            : [
                '  (not a loopback address: createGemini takes this http URL only with { allowInsecureHttp: true })',
              ]),
          `Probe it:  GEMINI_API_KEY=fake gemloop probe --base-url ${running.url}`,
          '',
          'Ctrl-C to stop. Requests:',
          '',
        ].join('\n'),
      );
      await stopped;
      await running.close();
      io.stdout('gemloop fake: stopped.\n');
      return 0;
    },
  };
}

/** `gemloop fake`: the development server. */
export const fakeCommand: CliCommand = createFakeCommand();
