import { CliFlagError } from '../cli-flag-error.ts';
import type { CliCommand, CliIo } from '../cli-io.ts';
import { COMMAND_SUMMARIES } from '../command-summaries.ts';
import { INSTALL_EVALS, loadEvals } from '../eval/load-evals.ts';
import {
  parseToolDescriptionFlag,
  parseToolResultFlag,
  replayRunFile,
} from '../eval/replay-run-file.ts';
import { parseFakeFlags } from '../fake/parse-fake-flags.ts';
import { emptyPathProblem, parseArgsWithFiles } from '../parse-command-args.ts';
import { escapeControls } from '../probe/create-probe-sanitizer.ts';

const USAGE = `Usage: gemloop replay RUN_FILE --until N [--model M] [--instructions-file F]
                      [--tool-description NAME=TEXT]... [--tool-result STEP:CALL=JSON]...
                      [--tools FILE]
                      [--live [--base-url URL] | --script demo|echo|FILE] [--stream]
                      [--diff] [--json out.json]

Forks a recorded run (a createRunRecorder() file) at model call N: the agent is rebuilt from the
file (its model, instructions and tool declarations as sent), calls 1..N are answered from the
recording (no model call; byte for byte from a fidelity: 'full' recording) with the recorded tool
results, then the run continues from there with what you change, on the fake Gemini by default
or on the model with --live. The run file is only read.

Options:
  --until N             the model calls served from the recording (default: the step of
                        --tool-result, else all of them)
  --model M             continue on another model (its thought signatures are not sent to it; the
                        documented dummy goes where Gemini 3 requires one)
  --instructions-file F another system instruction, read from F
  --tool-description NAME=TEXT   another description of tool NAME (repeatable)
  --tool-result STEP:CALL=JSON   what call CALL (from 0) of step STEP (from 1) returns instead;
                        STEP must be N (repeatable)
  --tools FILE          a .ts/.js/.mjs module whose default export is an array of your tools
                        (defineTool): those run for real, on both sides of the fork; every other
                        tool replays its recorded results
  --live                continue on the model (GEMINI_API_KEY)
  --base-url URL        the API's base URL with --live (a gateway, or gemloop fake)
  --allow-insecure-http take an http:// base URL (or GEMINI_BASE_URL) on a host that is not loopback:
                        the key then crosses the network in clear text
  --script S            what answers after N without --live: demo (default), echo, or a script
                        FILE, as gemloop fake --script takes
  --stream              run with streaming
  --diff                print the trajectory diff of the original and the fork
  --json FILE           write the fork, the original and their diff as JSON (read by gemloop diff)
`;

/** Makes the `replay` command; `cwd` is where files are looked for. */
export function createReplayCommand(cwd: string = process.cwd()): CliCommand {
  return {
    summary: COMMAND_SUMMARIES.replay,
    async run(args: readonly string[], io: CliIo): Promise<number> {
      const parsed = parseArgsWithFiles(
        args,
        {
          until: { type: 'string' },
          model: { type: 'string' },
          'instructions-file': { type: 'string' },
          'tool-description': { type: 'string', multiple: true },
          'tool-result': { type: 'string', multiple: true },
          tools: { type: 'string' },
          live: { type: 'boolean' },
          'base-url': { type: 'string' },
          'allow-insecure-http': { type: 'boolean' },
          script: { type: 'string' },
          stream: { type: 'boolean' },
          diff: { type: 'boolean' },
          json: { type: 'string' },
        },
        USAGE,
        io,
      );
      if (typeof parsed === 'number') return parsed;
      const { values, files } = parsed;
      if (files.length !== 1) {
        io.stderr(`gemloop replay: give one run file.\n\n${USAGE}`);
        return 2;
      }
      const empty = emptyPathProblem('gemloop replay', values, {
        json: 'the file to write the fork to',
        'instructions-file': 'the file of the instructions',
        tools: 'the module of the tools to re-execute',
      });
      if (empty !== undefined) {
        io.stderr(empty);
        return 2;
      }
      if ((await loadEvals()) === undefined) {
        io.stderr(`${INSTALL_EVALS.replace('gemloop eval runs', 'gemloop replay runs')}\n`);
        return 1;
      }
      try {
        if (values['live'] === true && values['script'] !== undefined) {
          throw new CliFlagError({
            flag: '--script',
            value: escapeControls(String(values['script'])),
            accepted: ['--script without --live'],
            message: '--script answers the fork on the fake; with --live the model does. Give one.',
          });
        }
        if (values['base-url'] !== undefined && values['live'] !== true) {
          throw new CliFlagError({
            flag: '--base-url',
            value: escapeControls(String(values['base-url'])),
            accepted: ['--base-url with --live'],
            message:
              '--base-url is the API address for --live; without --live the fork continues on the fake. Give --live too, or leave --base-url out.',
          });
        }
        const list = (key: string) => (values[key] as unknown as string[] | undefined) ?? [];
        const toolResults = list('tool-result').map(parseToolResultFlag);
        const descriptions = list('tool-description').map(parseToolDescriptionFlag);
        const model = values['model'] as string | undefined;
        return await replayRunFile(
          {
            file: files[0] as string,
            until: until(values['until'] as string | undefined),
            change: {
              ...(model === undefined ? {} : { model }),
              ...(descriptions.length === 0
                ? {}
                : { toolDescriptions: Object.fromEntries(descriptions) }),
              ...(toolResults.length === 0 ? {} : { toolResults }),
            },
            instructionsFile: values['instructions-file'] as string | undefined,
            toolsFile: values['tools'] as string | undefined,
            live: values['live'] === true,
            baseUrl: values['base-url'] as string | undefined,
            allowInsecureHttp: values['allow-insecure-http'] === true,
            script: parseFakeFlags({ script: values['script'] as string | undefined }, []).script,
            stream: values['stream'] === true,
            diff: values['diff'] === true,
            json: values['json'] as string | undefined,
          },
          io,
          cwd,
        );
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        io.stderr(`gemloop replay: ${escapeControls(message)}\n`);
        return CliFlagError.isInstance(error) || isInvalidArgument(error) ? 2 : 1;
      }
    },
  };
}

function until(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,6}$/.test(text)) {
    throw new CliFlagError({
      flag: '--until',
      value: escapeControls(text).slice(0, 100),
      accepted: ['a whole number from 0'],
      message: `--until ${escapeControls(text).slice(0, 100)}: give the number of model calls to serve from the recording (0 forks before the first).`,
    });
  }
  return Number(text);
}

function isInvalidArgument(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'invalid-argument';
}

/** `gemloop replay`. */
export const replayCommand: CliCommand = createReplayCommand();
