import { opendir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InvalidArgumentError } from '@gemloop/core';
import type { CliCommand, CliIo } from '../cli-io.ts';
import { COMMAND_SUMMARIES } from '../command-summaries.ts';
import { quotedValue } from '../escape-controls.ts';
import { describeListenError } from '../listen-error-hint.ts';
import { emptyPathProblem, parseCommandArgs } from '../parse-command-args.ts';
import { escapeControls } from '../probe/create-probe-sanitizer.ts';
import { terminalSecrets } from '../terminal-secrets.ts';
import { untilSignalled } from '../until-signalled.ts';
import { startViewServer } from '../view/start-view-server.ts';

const USAGE = `Usage: gemloop view [--dir FOLDER] [--evals FOLDER] [--forks FOLDER] [--port N]
                    [--allowed-host NAME]...

Shows the agent runs recorded by createRunRecorder() in the browser, on 127.0.0.1 only. A run in
progress updates live. Ctrl-C stops the viewer.

Options:
  --dir FOLDER  the run files (default: GEMLOOP_RUNS_DIR, else .gemloop/runs)
  --evals FOLDER  the eval results (gemloop eval --json) the Evals page lists and compares
                (default: GEMLOOP_EVALS_DIR, else .gemloop/evals)
  --forks FOLDER  the forks (gemloop replay --json) the Forks page lists and shows side by side
                with their original (default: GEMLOOP_FORKS_DIR, else .gemloop/forks)
  --port N      the port on 127.0.0.1 (default 4310; 0 for any free port)
  --allowed-host NAME  a host name the viewer answers to besides 127.0.0.1 and localhost: the
                name a proxy or tunnel sends (others get 421, against DNS rebinding)
`;

/**
 * Makes the `view` command; `untilStopped` says when to close the server (tests resolve it at
 * once).
 */
export function createViewCommand(untilStopped: () => Promise<void> = untilSignalled): CliCommand {
  return {
    summary: COMMAND_SUMMARIES.view,
    async run(args: readonly string[], io: CliIo): Promise<number> {
      const values = parseCommandArgs(
        args,
        {
          dir: { type: 'string' },
          evals: { type: 'string' },
          forks: { type: 'string' },
          port: { type: 'string' },
          'allowed-host': { type: 'string', multiple: true },
        },
        USAGE,
        io,
      );
      if (typeof values === 'number') return values;
      const empty = emptyPathProblem('gemloop view', values, {
        dir: 'the folder of the run files',
        evals: 'the folder of the eval results',
        forks: 'the folder of the forks',
      });
      if (empty !== undefined) {
        io.stderr(empty);
        return 2;
      }
      const runs = folderOf('dir', values, io.env);
      const dir = runs.path;
      const portText = values['port'] as string | undefined;
      // Decimal digits only: Number() would read '' as 0 (any free port) and take 0x10 or 1e3.
      const port =
        portText === undefined ? 4310 : /^\d{1,5}$/.test(portText) ? Number(portText) : Number.NaN;
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        io.stderr(
          `--port must be a port number from 0 to 65535; got ${quotedValue(String(portText))}.\n`,
        );
        return 2;
      }
      const evals = folderOf('evals', values, io.env);
      const evalsDir = evals.path;
      const forks = folderOf('forks', values, io.env);
      let runsMissing = false;
      for (const folder of [runs, evals, forks]) {
        const problem = await folderProblem(folder.path);
        if (problem === 'missing') runsMissing ||= folder === runs;
        else if (problem !== undefined) {
          io.stderr(`gemloop view: ${folder.namedBy} ${escapeControls(folder.path)} ${problem}.\n`);
          return 2;
        }
      }
      let server: Awaited<ReturnType<typeof startViewServer>>;
      try {
        server = await startViewServer({
          dir,
          port,
          evalsDir,
          forksDir: forks.path,
          allowedHosts: values['allowed-host'] as string[] | undefined,
          // The keys of this shell never reach the page, whatever a run file holds (attack41).
          secrets: terminalSecrets(io.env, args, process.cwd()),
          onError: (error) =>
            io.stderr(
              `gemloop view: a request failed: ${escapeControls(error instanceof Error ? error.message : String(error)).slice(0, 1000)}\n`,
            ),
        });
      } catch (error) {
        if (InvalidArgumentError.isInstance(error)) {
          // An --allowed-host that is no host name: the caller's words, escaped.
          io.stderr(`gemloop view: --allowed-host: ${escapeControls(error.message)}\n`);
          return 2;
        }
        io.stderr(`gemloop view: ${await describeListenError(error, '127.0.0.1', port)}\n`);
        return 1;
      }
      // Listen for SIGINT/SIGTERM before printing the URL: whoever reads it may stop us at once.
      const stopped = untilStopped();
      // A folder that does not exist yet is served (its list fills when a run is recorded there),
      // but said: a typo in --dir showed an empty list and nothing else (readme47).
      const note = runsMissing
        ? `gemloop view: no such folder yet (named by ${runs.namedBy}): the list is empty until a run is recorded there\n`
        : '';
      io.stdout(
        `gemloop view: runs in ${escapeControls(dir)}\n${note}Open ${server.url} (Ctrl-C to stop)\n`,
      );
      await stopped;
      await server.close();
      return 0;
    },
  };
}

/**
 * The viewer's folders: each from its flag, else its environment variable (unless empty), else a
 * default.
 */
const FOLDERS = {
  dir: { variable: 'GEMLOOP_RUNS_DIR', fallback: '.gemloop/runs' },
  evals: { variable: 'GEMLOOP_EVALS_DIR', fallback: '.gemloop/evals' },
  forks: { variable: 'GEMLOOP_FORKS_DIR', fallback: '.gemloop/forks' },
} as const;

/** A folder of the viewer, absolute, and what named it (for the message that refuses it). */
function folderOf(
  key: keyof typeof FOLDERS,
  values: Record<string, string | boolean | undefined>,
  env: Record<string, string | undefined>,
): { path: string; namedBy: string } {
  const { variable, fallback } = FOLDERS[key];
  const flag = values[key];
  if (typeof flag === 'string') return { path: resolve(flag), namedBy: `--${key}` };
  // An empty variable (`GEMLOOP_RUNS_DIR=`) is unset, as shells treat most: not the current folder.
  const fromEnv = env[variable];
  if (fromEnv !== undefined && fromEnv !== '') return { path: resolve(fromEnv), namedBy: variable };
  return { path: resolve(fallback), namedBy: 'the default folder' };
}

/**
 * Why `path` cannot be the viewer's folder, or `undefined` when it can. A folder that does not
 * exist yet is fine (the list is empty until a run is recorded): `'missing'`; a file or a folder that cannot be
 * read would fail every poll of the page with a bare HTTP 500, so the command refuses it at start.
 */
async function folderProblem(path: string): Promise<string | undefined> {
  try {
    await (await opendir(path)).close();
    return undefined;
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'ENOENT') return 'missing';
    if (code === 'ENOTDIR') return 'is a file, not a folder: give the folder that holds the files';
    return `cannot be read (${typeof code === 'string' ? code : String(error)})`;
  }
}

/** `gemloop view`: the run viewer. */
export const viewCommand: CliCommand = createViewCommand();
