import { resolve } from 'node:path';
import type { CliCommand, CliIo } from '../cli-io.ts';
import { describeListenError } from '../listen-error-hint.ts';
import { parseCommandArgs } from '../parse-command-args.ts';
import { untilSignalled } from '../until-signalled.ts';
import { startViewServer } from '../view/start-view-server.ts';

const USAGE = `Usage: gemloop view [--dir FOLDER] [--evals FOLDER] [--port N]

Shows the agent runs recorded by createRunRecorder() in the browser, on 127.0.0.1 only. A run in
progress updates live. Ctrl-C stops the viewer.

Options:
  --dir FOLDER  the run files (default: GEMLOOP_RUNS_DIR, else .gemloop/runs)
  --evals FOLDER  the eval results (gemloop eval --json) the Evals page lists and compares
                (default: GEMLOOP_EVALS_DIR, else .gemloop/evals)
  --port N      the port on 127.0.0.1 (default 4310; 0 for any free port)
`;

/**
 * Makes the `view` command; `untilStopped` says when to close the server (tests resolve it at
 * once).
 */
export function createViewCommand(untilStopped: () => Promise<void> = untilSignalled): CliCommand {
  return {
    summary: 'show recorded agent runs in the browser (127.0.0.1 only)',
    async run(args: readonly string[], io: CliIo): Promise<number> {
      const values = parseCommandArgs(
        args,
        { dir: { type: 'string' }, evals: { type: 'string' }, port: { type: 'string' } },
        USAGE,
        io,
      );
      if (typeof values === 'number') return values;
      const dir = resolve(
        (values['dir'] as string | undefined) ?? io.env['GEMLOOP_RUNS_DIR'] ?? '.gemloop/runs',
      );
      const portText = values['port'] as string | undefined;
      // Decimal digits only: Number() would read '' as 0 (any free port) and take 0x10 or 1e3.
      const port =
        portText === undefined ? 4310 : /^\d{1,5}$/.test(portText) ? Number(portText) : Number.NaN;
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        io.stderr(`--port must be a port number from 0 to 65535; got ${String(portText)}.\n`);
        return 2;
      }
      let server: Awaited<ReturnType<typeof startViewServer>>;
      try {
        const evalsDir = resolve(
          (values['evals'] as string | undefined) ??
            io.env['GEMLOOP_EVALS_DIR'] ??
            '.gemloop/evals',
        );
        server = await startViewServer({ dir, port, evalsDir });
      } catch (error) {
        io.stderr(`gemloop view: ${await describeListenError(error, '127.0.0.1', port)}\n`);
        return 1;
      }
      // Listen for SIGINT/SIGTERM before printing the URL: whoever reads it may stop us at once.
      const stopped = untilStopped();
      io.stdout(`gemloop view: runs in ${dir}\nOpen ${server.url} (Ctrl-C to stop)\n`);
      await stopped;
      await server.close();
      return 0;
    },
  };
}

/** `gemloop view`: the run viewer. */
export const viewCommand: CliCommand = createViewCommand();
