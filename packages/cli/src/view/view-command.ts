import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { CliCommand } from '../cli-command.ts';
import { startViewServer } from './start-view-server.ts';

/** `gemloop view`: serves the recorded runs of a folder in the browser, on 127.0.0.1. */
export const viewCommand: CliCommand = {
  name: 'view',
  summary: 'Show recorded agent runs in the browser (127.0.0.1 only).',
  usage: `gemloop view [--dir <folder>] [--port <n>]

  --dir   the folder of the run files (default: .gemloop/runs, or GEMLOOP_RUNS_DIR)
  --port  the port on 127.0.0.1 (default: 4310; 0 for any free port)`,
  async run(args, io) {
    const { values } = parseArgs({
      args: [...args],
      options: { dir: { type: 'string' }, port: { type: 'string' } },
      strict: true,
    });
    const dir = resolve(values.dir ?? io.env['GEMLOOP_RUNS_DIR'] ?? '.gemloop/runs');
    const port = values.port === undefined ? 4310 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      io.stderr(`--port must be a port number (0-65535); got ${values.port}.\n`);
      return 2;
    }
    const server = await startViewServer({ dir, port });
    io.stdout(`gemloop view: runs in ${dir}\nOpen ${server.url} (Ctrl-C to stop)\n`);
    await io.untilStopped();
    await server.close();
    return 0;
  },
};
