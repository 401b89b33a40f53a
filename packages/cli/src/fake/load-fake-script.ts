import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FakeScript } from '@gemloop/testing';
import { demoModel, echoModel, probeModel } from '@gemloop/testing/dev-model';
import { CliFlagError } from '../cli-flag-error.ts';
import { describeImportFailure } from '../describe-import-failure.ts';
import { importUserModule } from '../import-user-module.ts';
import { escapeControls } from '../probe/create-probe-sanitizer.ts';
import type { FakeScriptChoice } from './parse-fake-flags.ts';

/** The shape a `--script` file must have, for the help and the errors. */
export const SCRIPT_FILE_SHAPE =
  'a module whose default export (or export named `script`) is a fake script: a function (request, context) => turn, or an array of turns, as createFakeGemini({ script }) takes';

/** What `gemloop fake` prints about the script it serves. */
export const SCRIPT_TITLES: Readonly<Record<string, string>> = {
  demo: 'the demo model (an offline simulator: it calls the tools it is given and answers from their results)',
  probe: 'the probe model (answers gemloop probe as a well-behaved Gemini model)',
  echo: 'the echo model (repeats the last user text)',
};

/**
 * The fake script `--script` names: `demo` (`demoModel()`), `probe` (`probeModel()`), `echo`
 * (`echoModel()`), or a module file, resolved from `cwd` and imported (a `.ts` file through tsx,
 * on every Node: see {@link importUserModule}).
 * @throws {@link CliFlagError} naming `--script` when the file is missing, cannot be imported or
 *   exports no script.
 */
export async function loadFakeScript(choice: FakeScriptChoice, cwd: string): Promise<FakeScript> {
  if (choice.kind === 'named') {
    return choice.name === 'probe'
      ? probeModel()
      : choice.name === 'echo'
        ? echoModel()
        : demoModel();
  }
  const path = resolve(cwd, choice.path);
  const refuse = (why: string, cause?: unknown): never => {
    throw new CliFlagError({
      flag: '--script',
      value: escapeControls(choice.path),
      accepted: ['demo', 'probe', 'echo', SCRIPT_FILE_SHAPE],
      message: `--script ${escapeControls(choice.path)}: ${why}. A script file is ${SCRIPT_FILE_SHAPE}.`,
      cause,
    });
  };
  if (!existsSync(path)) refuse(`no such file (looked for ${escapeControls(path)})`);
  let module: Record<string, unknown>;
  try {
    module = await importUserModule(path);
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'ERR_UNKNOWN_FILE_EXTENSION') {
      return refuse(
        'Node cannot import a file of that kind; write the script as .ts, .mts, .js or .mjs',
        error,
      );
    }
    return refuse(`importing it failed: ${describeImportFailure(error, process.env)}`, error);
  }
  const script = module['default'] ?? module['script'];
  if (typeof script === 'function' || Array.isArray(script)) {
    return withRedactedThrows(script as FakeScript, process.env);
  }
  return refuse(
    `it exports no script (default export: ${script === undefined ? 'none' : typeof script})`,
  );
}

type ScriptFunction = Extract<FakeScript, (...args: never[]) => unknown>;

/**
 * `script` with each of its functions' throws redacted: the fake answers a throw with its message
 * (`The script threw for model call #1: ...`), to whatever client called, on any `--host`, and
 * the app prints it. A script quoting what it read (a `DATABASE_URL`, the shell's
 * `GEMINI_API_KEY`) sent those in clear; an import failure of the same file was redacted. So it
 * is worded as that failure is (`describeImportFailure`: the terminal's credentials redacted,
 * control characters escaped, cut at 1,000 characters).
 */
function withRedactedThrows(
  script: FakeScript,
  env: Readonly<Record<string, string | undefined>>,
): FakeScript {
  const wrap =
    (run: ScriptFunction): ScriptFunction =>
    async (request, context) => {
      try {
        return await run(request, context);
      } catch (error) {
        throw new Error(describeImportFailure(error, env));
      }
    };
  if (typeof script === 'function') return wrap(script);
  return script.map((entry) => (typeof entry === 'function' ? wrap(entry) : entry));
}
