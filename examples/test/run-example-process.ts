import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { inject } from 'vitest';
import { compiledScript } from '../../scripts/compiled-script.ts';
import { makeScratchDirectory } from '../../scripts/scratch-directory-setup.ts';

/** The examples package folder. */
export const EXAMPLES_ROOT: string = fileURLToPath(new URL('../', import.meta.url));

/** How an example process ended and what it printed. */
export type ExampleRun = {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
};

/** Options of {@link startExample}. */
export type StartExampleOptions = {
  args?: readonly string[] | undefined;
  /** Variables added to the offline environment. */
  env?: Record<string, string> | undefined;
  /**
   * Killed (SIGKILL, with every process it started) after this long: a hang guard for a loaded
   * machine, under the examples project's test limit (vitest.config.ts) so that a hung example
   * fails its test with its output. @defaultValue 240000
   */
  timeoutMs?: number | undefined;
};

/** The default of {@link StartExampleOptions.timeoutMs}. */
const KILL_AFTER_MS = 240_000;

/** The preload that kills an example's process group when its test process is gone. */
const LIFELINE = fileURLToPath(new URL('../../scripts/lifeline.cjs', import.meta.url));

/** A running example: its process, what it printed so far, and its end. */
export type StartedExample = {
  child: ChildProcess;
  /** Everything printed on stdout so far. */
  output(): string;
  /**
   * Resolves once `pattern` appears on stdout at or after character `from` (rejects if the
   * process ends first).
   */
  waitFor(pattern: string | RegExp, from?: number): Promise<void>;
  /** Writes to its stdin. */
  write(text: string): void;
  done: Promise<ExampleRun>;
};

/**
 * The environment of an offline run: every key variable set to the empty string, not deleted, so
 * that a developer's examples/.env cannot fill it back in (`process.loadEnvFile` never overrides a
 * variable that exists), and no colour, so the output is what a pipe gets.
 */
export function offlineEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['FORCE_COLOR', 'NODE_OPTIONS']) delete env[name];
  for (const name of [
    'GEMINI_API_KEY',
    'GOOGLE_API_KEY',
    'COMETAPI_KEY',
    'GEMINI_BASE_URL',
    'GEMINI_MODEL',
  ]) {
    env[name] = '';
  }
  return { ...env, NO_COLOR: '1', ...extra };
}

/**
 * Starts an example file (relative to the examples folder) as its package script does, in one
 * process (no CLI wrapper), so signals reach the example itself: see {@link exampleCommand}.
 */
export function startExample(file: string, options: StartExampleOptions = {}): StartedExample {
  return startProcess(
    process.execPath,
    ['--require', LIFELINE, ...exampleCommand(file, options.args)],
    options,
    file,
    { lifeline: true },
  );
}

/**
 * The node arguments that run an example file: its JavaScript, emitted by the `tsc -b` that
 * `npm test` runs first (examples/tsconfig.json, into node_modules/.cache/examples-js), on plain
 * node (see `compiledScript`: the examples project's CPU went from 119 to 82 s). The package
 * script's way (node with the `@gemloop/source` condition and tsx's loader) for the examples in
 * {@link SOURCE_ONLY}, and for all of them when a source is newer than its last build.
 */
export function exampleCommand(file: string, args: readonly string[] = []): string[] {
  const compiled = compiledExample(file);
  if (compiled !== undefined) {
    return [...COMPILED_FLAGS, bundledExample(compiled) ?? compiled, ...args];
  }
  return ['--conditions=@gemloop/source', '--import', 'tsx', file, ...args];
}

/**
 * V8's flags for an example run from its JavaScript: WebAssembly compiled by Liftoff only. An
 * example's HTTP client (core's node transport, and Node's own fetch: both undici) parses
 * responses with llhttp compiled to WebAssembly; V8 tiers its busy functions up with TurboFan on
 * a background thread, and Node waits for that compile before the process exits: ~0.13 s of
 * CPU after the example's last line (perf: `Pipeline::GenerateCodeForWasmFunction` on a worker
 * thread, between the loop running dry and `exit`), ~0.4 s of wall at load 15, in every example
 * process. It changes no result, only how fast a few short responses are parsed (quick-start
 * 0.80 → 0.70, team 0.77 → 0.59, long-decode 0.63 → 0.51, openai-door 1.16 → 0.77 s of CPU,
 * means of 4 interleaved runs, load ~17; bench/RESULTS.md, issue 53, helper
 * test-speed-examples). Workers an example starts get it too (`siblingScript` passes
 * `process.execArgv` on). The examples run through tsx keep V8's defaults, as a user's have.
 */
const COMPILED_FLAGS = ['--liftoff-only'];

/**
 * The emitted script's bundle, made from the same emitted JavaScript by the run's global setup
 * (scripts/example-bundles-setup.ts: every module of the example, core, the fake, zod in a few
 * dozen files instead of ~540: about 0.2 s of CPU less a process); `undefined` when the setup made
 * none (a stale build, a Vitest of another config) or the script is not one of them (a file that
 * another example file imports runs from its emitted copy). The examples in {@link SOURCE_ONLY}
 * run as `npm run <example>` runs them, the others' emitted copies by their unit tests' imports.
 */
function bundledExample(compiled: string): string | undefined {
  const folder = inject('exampleBundles');
  if (folder === undefined) return undefined;
  const bundled = join(folder, relative(EMITTED, compiled));
  return existsSync(bundled) ? bundled : undefined;
}

/**
 * The examples that always run as their package script runs them: they bundle a page that sits
 * beside their source (`import.meta.url`), which the emitted copy does not have beside it. They
 * are run by test/runtimes. (durable-team and fleet start their workers the way they were started
 * themselves, `lib/sibling-script.ts`, so their emitted copies run on plain node too.) The package
 * scripts' way itself, node with tsx's loader, is proven by demo.test.ts's run through
 * `scripts/run-example.mjs` and the MCP guide's stdio config (serving-mcp.test.ts).
 */
const SOURCE_ONLY = ['react-chat/', 'browser-chat/'];

/**
 * The folders an example reads beside its source (`import.meta.url`), linked beside its emitted
 * copy so that the copy runs on plain node too (its bundle keeps each module's own
 * `import.meta.url`, the emitted file's: scripts/bundle-scripts.ts): the chat's sandbox, which
 * its file tools read, the skills folder and the handbook the file-search example uploads.
 * chat.test.ts starts the chat six times: through tsx each start cost 1.8-3.2 s of CPU, from
 * the emitted copy 0.7 s (one start each way, twice, load 15). skills and file-search through
 * tsx: 1.9 and 1.5 s of CPU, from their bundles 0.43 and 0.40, the same output (three runs
 * each, load ~38; bench/RESULTS.md, issue 53, helper speed-examples51).
 */
const BESIDE_SOURCE: Readonly<Record<string, readonly string[]>> = {
  'chat/': ['sandbox'],
  'skills/': ['skills'],
  'file-search/': ['handbook'],
};

const EMITTED = join(EXAMPLES_ROOT, 'node_modules/.cache/examples-js/examples');

function compiledExample(file: string): string | undefined {
  if (SOURCE_ONLY.some((folder) => file.startsWith(folder))) return undefined;
  const compiled = compiledScript(join(EMITTED, file.replace(/\.tsx?$/, '.js')), {
    sources: EXAMPLES_ROOT,
    marker: join(EXAMPLES_ROOT, 'node_modules', '.cache', 'tsbuildinfo'),
    tests: true,
  });
  if (compiled === undefined) return undefined;
  for (const [folder, names] of Object.entries(BESIDE_SOURCE)) {
    if (!file.startsWith(folder)) continue;
    for (const name of names) {
      if (!linkBesideEmitted(join(folder, name))) return undefined;
    }
  }
  return compiled;
}

/**
 * Links `path` (relative to the examples folder) into the emitted tree at the same place, by a
 * relative link (the checkout may move); whether the link is there and leads to the source's.
 * Tests running side by side may make it at once: one wins, the others find it made.
 */
function linkBesideEmitted(path: string): boolean {
  const link = join(EMITTED, path);
  const source = join(EXAMPLES_ROOT, path);
  try {
    symlinkSync(relative(dirname(link), source), link, 'dir');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return false;
  }
  try {
    return realpathSync(link) === realpathSync(source);
  } catch {
    return false;
  }
}

/** The process groups started by this test file and not yet ended, each with its kill. */
const running = new Set<() => void>();

/**
 * Kills every process group this test file started that is still running (SIGKILL): the
 * examples project's setup file (stop-started-processes.ts) calls it after each file, so an
 * example whose test timed out or failed before stopping it ends with its file. (Not per test:
 * the examples' tests run concurrently, and Vitest's global `onTestFinished` cannot tell which
 * concurrent test is the current one.)
 */
export function stopStartedProcesses(): void {
  for (const kill of running) kill();
  running.clear();
}

/**
 * Starts any command in the examples folder with the offline environment, as the leader of a
 * process group of its own (`detached`), so that it and every process it starts (the fleet's and
 * durable-team's workers) are killed together: at its time limit, when it exits (what it left
 * running), and when its test file ends (see {@link stopStartedProcesses}). With `lifeline`
 * (a node command that preloads lifeline.cjs) the group also dies when this test process does,
 * however it ends. Before, only the example itself was killed at its limit, and its workers ran
 * on after the test run (found after a loaded `npm test`).
 */
export function startProcess(
  command: string,
  args: readonly string[],
  options: StartExampleOptions,
  label: string,
  { lifeline = false }: { lifeline?: boolean } = {},
): StartedExample {
  // A temporary folder of its own (TMPDIR), removed when it ends: the README's snippets make
  // their chat and workspace folders under os.tmpdir(), as a user's script would, and every run of
  // the suite left them behind.
  // Entered by other users too, as /tmp is (an example that starts an embedded Postgres as root
  // runs it as the postgres user, with its data folder in here), and tsx's cache linked in.
  const scratch = makeScratchDirectory(tmpdir(), 'gemloop-example-');
  const child = spawn(command, [...args], {
    cwd: EXAMPLES_ROOT,
    env: offlineEnv({
      TMPDIR: scratch,
      ...(lifeline ? { GEMLOOP_LIFELINE_FD: '3' } : {}),
      ...options.env,
    }),
    // fd 3: the lifeline's end in the child; this process holds the other until it dies.
    stdio: lifeline ? ['pipe', 'pipe', 'pipe', 'pipe'] : ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  const killGroup = (): void => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // ESRCH: nothing of the group is left.
    }
  };
  running.add(killGroup);
  let stdout = '';
  let stderr = '';
  const watchers: { pattern: string | RegExp; from: number; resolve: () => void }[] = [];
  const matches = (pattern: string | RegExp, from: number) => {
    const text = stdout.slice(from);
    return typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text);
  };
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (const watcher of watchers.splice(0)) {
      if (matches(watcher.pattern, watcher.from)) watcher.resolve();
      else watchers.push(watcher);
    }
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const timer = setTimeout(killGroup, options.timeoutMs ?? KILL_AFTER_MS);
  // Whatever it left running when it exited (a worker it did not stop) goes with it.
  child.on('exit', () => {
    clearTimeout(timer);
    killGroup();
    running.delete(killGroup);
  });
  const done = new Promise<ExampleRun>((resolve, reject) => {
    child.on('error', (error) => {
      rmSync(scratch, { recursive: true, force: true });
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      rmSync(scratch, { recursive: true, force: true });
      resolve({ code, signal, stdout, stderr });
    });
  });
  return {
    child,
    output: () => stdout,
    waitFor(pattern, from = 0) {
      if (matches(pattern, from)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        watchers.push({ pattern, from, resolve });
        done.then(() => {
          if (!matches(pattern, from)) {
            reject(
              new Error(`${label} ended before printing ${String(pattern)}:\n${stdout}\n${stderr}`),
            );
          }
        }, reject);
      });
    },
    write(text) {
      child.stdin?.write(text);
    },
    done,
  };
}

/** Runs an example offline to its end, with nothing on its stdin. */
export function runExample(file: string, options: StartExampleOptions = {}): Promise<ExampleRun> {
  const started = startExample(file, options);
  started.child.stdin?.end();
  return started.done;
}

/** A readable failure message: the exit and everything the example printed. */
export function describeRun(run: ExampleRun): string {
  return `exit ${run.code ?? run.signal}\n--- stdout ---\n${run.stdout}\n--- stderr ---\n${run.stderr}`;
}

/** Whether util-linux `script` is here to give an example a pseudo-terminal. */
export const HAS_SCRIPT: boolean = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/**
 * Starts an example in a pseudo-terminal (`script -qfec`), so it sees a TTY on stdin and stdout
 * as in a real terminal: readline reads keystrokes (write `\r` for Enter, `\u0003` for Ctrl-C)
 * and colour is on. `plain()` is the output without escape codes and carriage returns.
 */
export function startInTerminal(
  file: string,
  options: StartExampleOptions = {},
): StartedExample & { plain(): string; until(text: string): Promise<void> } {
  const command = [process.execPath, ...exampleCommand(file, options.args)]
    .map((word) => `'${word.replace(/'/g, "'\\''")}'`)
    .join(' ');
  const started = startProcess(
    'script',
    ['-qfec', command, '/dev/null'],
    options,
    `${file} in a pty`,
  );
  const plain = () => stripVTControlCharacters(started.output()).replace(/\r/g, '');
  return {
    ...started,
    plain,
    async until(text) {
      // Escape codes can split the text, so each new output is checked in its plain form.
      while (!plain().includes(text)) await started.waitFor(/[\s\S]/, started.output().length);
    },
  };
}
