// The `gemloop` bin's argument parsing and its errors, in-process through `main` (the built bin
// as a process is bin.test.ts's): each command, each option, each refusal with its exit code and
// the message that says what to fix.

import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FakeGemini } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { startProbeFake } from './__fixtures__/probe-fake.ts';
import { main } from './cli.ts';
import type { CliIo } from './cli-io.ts';
import { COMMAND_SUMMARIES } from './command-summaries.ts';
import { createViewCommand } from './commands/view.ts';
import type { ProbeReport } from './probe/probe-types.ts';

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

function io(env: Record<string, string | undefined> = {}): CliIo & {
  out: () => string;
  err: () => string;
  /** What each request of the command sent (the fake redacts the key in its own log). */
  sent: { url: string; headers: Headers }[];
} {
  const out: string[] = [];
  const err: string[] = [];
  const sent: { url: string; headers: Headers }[] = [];
  return {
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    env,
    fetch: (input, init) => {
      sent.push({ url: String(input), headers: new Headers(init?.headers) });
      return fetch(input, init);
    },
    sent,
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

describe('gemloop (the command list)', () => {
  it('prints the commands: exit 0 when asked, 2 when no command was given', async () => {
    for (const args of [['help'], ['--help'], ['-h']]) {
      const asked = io();
      expect(await main(args, asked)).toBe(0);
      expect(asked.out()).toMatch(/^Usage: gemloop <command> \[options\]/);
      expect(asked.out()).toMatch(/ {2}probe {4}check a Gemini gateway/);
      expect(asked.out()).toMatch(/ {2}view {5}show recorded agent runs/);
      expect(asked.out()).toMatch(/ {2}fake {5}serve a fake Gemini API on 127\.0\.0\.1/);
      expect(asked.err()).toBe('');
    }
  });

  it('prints the usage on stderr, exit 2, when no command or subcommand was given', async () => {
    // A missing command is a user error: the usage goes where errors go (a script's stdout stays
    // clean), the same for gemloop and for gemloop eval.
    const none = io();
    expect(await main([], none)).toBe(2);
    expect(none.err()).toMatch(/^Usage: gemloop <command> \[options\]/);
    expect(none.out()).toBe('');
    const noSubcommand = io();
    expect(await main(['eval'], noSubcommand)).toBe(2);
    expect(noSubcommand.err()).toMatch(/^Usage: gemloop eval FILE/);
    expect(noSubcommand.out()).toBe('');
  });

  it("prints a command's usage on stdout, exit 0, for --help or -h after any subcommand", async () => {
    const cases: [string[], RegExp][] = [
      [['probe'], /^Usage: gemloop probe /],
      [['view'], /^Usage: gemloop view /],
      [['fake'], /^Usage: gemloop fake /],
      [['replay'], /^Usage: gemloop replay RUN_FILE --until N/],
      [['replay', 'run.jsonl', '--until', '2'], /^Usage: gemloop replay RUN_FILE/],
      [['diff'], /^Usage: gemloop diff A B/],
      [['eval'], /^Usage: gemloop eval FILE/],
      [['eval', 'compare'], /^Usage: gemloop eval FILE[\s\S]*gemloop eval compare a\.json b\.json/],
      [['eval', 'compare', 'a.json', 'b.json'], /^Usage: gemloop eval FILE/],
      [['eval', 'from-runs'], /^Usage: gemloop eval FILE[\s\S]*gemloop eval from-runs/],
      [['eval', 'suite.mjs', '--live'], /^Usage: gemloop eval FILE/],
    ];
    for (const [args, usage] of cases) {
      for (const help of ['--help', '-h']) {
        const run = io();
        expect(await main([...args, help], run), [...args, help].join(' ')).toBe(0);
        expect(run.out(), [...args, help].join(' ')).toMatch(usage);
        expect(run.err()).toBe('');
      }
    }
  });

  it("prints a command's usage for gemloop help COMMAND", async () => {
    const asked = io();
    expect(await main(['help', 'probe'], asked)).toBe(0);
    expect(asked.out()).toMatch(/^Usage: gemloop probe /);
    const unknown = io();
    expect(await main(['help', 'nope'], unknown)).toBe(2);
    expect(unknown.err()).toContain("gemloop: unknown command 'nope'.");
    expect(unknown.out()).toBe('');
    // A command name from a script's variable can hold escapes: shown, never run by the terminal.
    const hostile = io();
    expect(await main(['\u001b[2J\u001b[31mprobe'], hostile)).toBe(2);
    expect(hostile.err()).toContain("gemloop: unknown command '\\u001b[2J\\u001b[31mprobe'.");
    expect(hostile.err()).not.toContain('\u001b');
  });

  it('prints the version of its package.json for --version and -v, exit 0', async () => {
    const { version } = JSON.parse(
      readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
    ) as { version: string };
    for (const args of [['--version'], ['-v']]) {
      const asked = io();
      expect(await main(args, asked)).toBe(0);
      expect(asked.out()).toBe(`${version}\n`);
      expect(asked.err()).toBe('');
    }
  });

  it("refuses an unknown command, Object.prototype's names included", async () => {
    for (const name of [
      'nope',
      'PROBE',
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty',
    ]) {
      const run = io();
      expect(await main([name, '--help'], run)).toBe(2);
      expect(run.err()).toContain(`gemloop: unknown command '${name}'.`);
      expect(run.err()).toContain('Run gemloop <command> --help for its options.');
      expect(run.out()).toBe('');
    }
  });
});

describe('gemloop commands as the docs show them', () => {
  // A reader types what a page shows: every `gemloop <command> --flag` in a README or a guide (in
  // a code block or an inline code span) must be a flag that command's own --help lists, so a
  // renamed or dropped flag fails here instead of at the reader's terminal with exit 2.
  const root = new URL('../../../', import.meta.url);
  const pages = [
    'README.md',
    'CONTRIBUTING.md',
    'examples/README.md',
    ...readdirSync(new URL('packages/', root)).map((name) => `packages/${name}/README.md`),
    ...readdirSync(new URL('docs/', root))
      .filter((name) => name.endsWith('.md'))
      .map((name) => `docs/${name}`),
  ].filter((path) => existsSync(new URL(path, root)));
  const commands = Object.keys(COMMAND_SUMMARIES);
  const invocation = new RegExp(`\\bgemloop (${commands.join('|')})\\b([^|;&#\`\n]*)`, 'g');

  /** The code a page shows: its fenced blocks' lines, then its inline code spans. */
  function codeOf(text: string): string[] {
    const fenced = [...text.matchAll(/^```[^\n]*\n([\s\S]*?)^```/gm)];
    const prose = fenced.reduce((rest, match) => rest.replace(match[0], '\n'), text);
    return [
      ...fenced.flatMap((match) => (match[1] as string).split('\n')),
      ...[...prose.matchAll(/`([^`\n]+)`/g)].map((match) => match[1] as string),
    ];
  }

  it('every flag a page gives a gemloop command is one its --help lists', async () => {
    const known = new Map<string, Set<string>>();
    for (const command of commands) {
      const help = io();
      expect(await main([command, '--help'], help)).toBe(0);
      known.set(command, new Set([...help.out().matchAll(/--[a-z][a-z-]*/g)].map((m) => m[0])));
    }
    const unknown: string[] = [];
    let checked = 0;
    for (const path of pages) {
      for (const code of codeOf(readFileSync(new URL(path, root), 'utf8'))) {
        for (const [, command, rest] of code.matchAll(invocation)) {
          for (const [flag] of (rest as string).matchAll(/(?<![\w-])--[a-z][a-z-]*/g)) {
            checked += 1;
            if (flag !== '--help' && known.get(command as string)?.has(flag) !== true) {
              unknown.push(`${path}: gemloop ${command} ${flag} (in: ${code.trim()})`);
            }
          }
        }
      }
    }
    expect(unknown).toEqual([]);
    // The scan found the docs' flags at all (a broken pattern would pass on nothing).
    expect(checked).toBeGreaterThan(50);
  });
});

describe('gemloop probe arguments', () => {
  const key = { GEMINI_API_KEY: 'args-key-0001' };

  it('prints its usage for --help and -h, with exit 0 and no request', async () => {
    for (const flag of ['--help', '-h']) {
      const run = io();
      expect(await main(['probe', flag], run)).toBe(0);
      expect(run.out()).toMatch(/^Usage: gemloop probe --base-url URL/);
    }
  });

  it('refuses unknown options, positionals and values where none go, with the usage', async () => {
    const cases: [string[], RegExp][] = [
      [['--nope'], /Unknown option '--nope'/],
      [['--base-url'], /--base-url/],
      [['extra'], /Unexpected argument 'extra'/],
      [['--json=yes'], /--json/],
    ];
    for (const [args, message] of cases) {
      const run = io(key);
      expect(await main(['probe', ...args], run)).toBe(2);
      expect(run.err()).toMatch(message);
      expect(run.err()).toContain('Usage: gemloop probe');
    }
  });

  // Worded as every command's refusals (lockscli45, attack44d's note): `gemloop probe: ` first,
  // the value given in quotes (an empty one was `got .`).
  it('requires --base-url, a known --auth and --api and a key, before any request', async () => {
    const noUrl = io(key);
    expect(await main(['probe'], noUrl)).toBe(2);
    expect(noUrl.err()).toMatch(/^gemloop probe: --base-url is required\./);
    const badAuth = io(key);
    expect(
      await main(['probe', '--base-url', 'http://127.0.0.1:9', '--auth', 'basic\x1b[2J'], badAuth),
    ).toBe(2);
    // The terminal escape is shown, not run; escaped once (it was JSON-quoted after escaping, its
    // backslash doubled: leftovers83).
    expect(badAuth.err()).toBe(
      'gemloop probe: --auth must be bearer or x-goog-api-key; got "basic\\u001b[2J".\n',
    );
    for (const [flag, accepted] of [
      ['--auth', 'bearer or x-goog-api-key'],
      ['--api', 'interactions or generateContent'],
    ]) {
      const empty = io(key);
      expect(await main(['probe', '--base-url', 'http://127.0.0.1:9', `${flag}=`], empty)).toBe(2);
      expect(empty.err()).toBe(`gemloop probe: ${flag} must be ${accepted}; got "".\n`);
    }
    const both = io(key);
    expect(await main(['probe', '--fake', '--base-url', 'http://127.0.0.1:9'], both)).toBe(2);
    expect(both.err()).toBe(
      'gemloop probe: --fake and --base-url exclude each other: --fake probes a fake it starts.\n',
    );
    for (const env of [{}, { GEMINI_API_KEY: '' }, { GOOGLE_API_KEY: '' }]) {
      const noKey = io(env);
      expect(await main(['probe', '--base-url', 'http://127.0.0.1:9'], noKey)).toBe(2);
      expect(noKey.err()).toBe(
        'gemloop probe: set GEMINI_API_KEY (or GOOGLE_API_KEY) to the gateway key.\n',
      );
    }
  });

  it('refuses a bad base URL, model or API version with exit 2, the key never printed', async () => {
    const cases: [string[], RegExp][] = [
      [['--base-url', 'ftp://gateway.example'], /baseUrl must be an http\(s\) URL\./],
      [['--base-url', 'not a url'], /baseUrl must be an http\(s\) URL such as/],
      [
        ['--base-url', 'https://gateway.example/?key=args-key-0001'],
        /without user:password@, a query/,
      ],
      [
        ['--base-url', 'https://gateway.example', '--model', 'gemini/../x'],
        /model must be a model id/,
      ],
      [
        ['--base-url', 'https://gateway.example', '--api-version', 'v1?x'],
        /apiVersion must be a version/,
      ],
      // Before the fake is started and the line that says it is probed.
      [['--fake', '--model', 'gemini/../x'], /model must be a model id/],
    ];
    for (const [args, message] of cases) {
      const run = io(key);
      expect(await main(['probe', ...args], run)).toBe(2);
      // The refusal alone: the line that says what the probe will send came before it.
      expect(run.err()).toMatch(/^gemloop probe: [^\n]*\n$/);
      expect(run.err()).not.toContain('requests, each answer allowed');
      expect(run.err()).toMatch(message);
      expect(run.err()).not.toContain('args-key-0001');
      expect(run.out()).toBe('');
    }
  });

  it('refuses a --timeout that is not a number of seconds above 0, in one line, before any request', async () => {
    for (const value of ['0', '-1', 'abc', '', '1e3', '0x10', '86401', '0.0001', ' 5']) {
      const run = io(key);
      expect(
        await main(['probe', '--base-url', 'http://127.0.0.1:9', `--timeout=${value}`], run),
        value,
      ).toBe(2);
      expect(run.err()).toBe(
        `gemloop probe: --timeout ${JSON.stringify(value)}: give the seconds one answer may take, a number above 0 and at most 86400 (default 60).\n`,
      );
      expect(run.sent).toEqual([]);
      expect(run.out()).toBe('');
    }
  });

  it('--timeout bounds each answer, and the probe says on stderr what it does as it goes', async () => {
    // A gateway that never answers: each request ends at the --timeout, its line printed then.
    const hanging = Object.assign(io(key), {
      fetch: (_input: unknown, init?: RequestInit) =>
        new Promise<Response>((_resolve, reject) => {
          init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
        }),
    });
    expect(
      await main(
        ['probe', '--base-url', 'http://127.0.0.1:9', '--timeout', '0.02', '--json'],
        hanging,
      ),
    ).toBe(1);
    const report = JSON.parse(hanging.out()) as ProbeReport;
    expect(report.records[0]?.detail).toMatch(/no complete answer within 20 ms/);
    const progress = hanging.err().split('\n');
    expect(progress[0]).toMatch(
      /^gemloop probe: about 12 requests, each answer allowed 0\.02 s \(--timeout\)/,
    );
    expect(progress[1]).toMatch(
      /^FAIL {2}x-goog-api-key header accepted: .*no complete answer within 20 ms/,
    );
    expect(progress.filter((line) => /^(PASS|WARN|FAIL|SKIP) /.test(line))).toHaveLength(16);

    // Text mode: the table on stdout as before, the progress on stderr.
    const fake = await startProbeFake();
    fakes.push(fake);
    const text = io(key);
    expect(await main(['probe', '--base-url', fake.baseUrl], text)).toBe(0);
    expect(text.out()).toMatch(/^gemloop probe: http/);
    expect(text.out()).not.toContain('about 12 requests');
    expect(text.err()).toContain('each answer allowed 60 s (--timeout)');
    expect(text.err().match(/^PASS /gm)).toHaveLength(16);
  });

  it('probes with the key from GOOGLE_API_KEY when GEMINI_API_KEY is unset or empty', async () => {
    const fake = await startProbeFake();
    fakes.push(fake);
    const run = io({ GEMINI_API_KEY: '', GOOGLE_API_KEY: 'google-key-0001' });
    expect(await main(['probe', '--base-url', fake.baseUrl], run)).toBe(0);
    expect(run.sent[0]?.headers.get('x-goog-api-key')).toBe('google-key-0001');
    expect(run.out()).toContain('All checked properties pass (0 skipped).');
    expect(run.out()).not.toContain('google-key-0001');
  });

  it('passes --auth, --model, --api-version and --json on to the probe', async () => {
    const fake = await startProbeFake();
    fakes.push(fake);
    const run = io(key);
    const code = await main(
      [
        'probe',
        '--base-url',
        `${fake.baseUrl}/v1beta/`,
        '--auth',
        'bearer',
        '--model',
        'models/gemini-2.5-flash',
        '--api-version',
        'v1beta',
        '--json',
      ],
      run,
    );
    expect(code).toBe(0);
    const report = JSON.parse(run.out()) as ProbeReport;
    expect(report).toMatchObject({
      baseUrl: fake.baseUrl,
      model: 'gemini-2.5-flash',
      auth: 'bearer',
    });
    expect(report.records.filter((record) => record.status === 'skip')).toHaveLength(3);
    // After the two auth checks, every request carries the preferred header only.
    const later = run.sent.slice(2);
    expect(later.length).toBeGreaterThan(5);
    for (const request of later) {
      expect(request.headers.get('authorization')).toBe('Bearer args-key-0001');
      expect(request.headers.get('x-goog-api-key')).toBeNull();
      expect(new URL(request.url).pathname).toMatch(/^\/v1beta\/models\/[^/]+:/);
    }
  });

  it('exits 1 with the failing line and its advice in the text report', async () => {
    const fake = await startProbeFake(['no-retry-info']);
    fakes.push(fake);
    const run = io(key);
    expect(await main(['probe', '--base-url', fake.baseUrl], run)).toBe(1);
    const lines = run.out().split('\n');
    const fail = lines.findIndex((line) => line.startsWith('FAIL  RetryInfo on 429'));
    expect(fail).toBeGreaterThan(0);
    expect(lines[fail + 1]).toMatch(/^ {6}-> /);
    expect(lines.filter((line) => line.startsWith('FAIL'))).toHaveLength(1);
    expect(run.out()).toContain('1 property fails (0 skipped).');
  });
});

describe('gemloop view arguments', () => {
  const stopAtOnce = () => Promise.resolve();

  it('refuses a port that is not a whole number from 0 to 65535', async () => {
    for (const port of ['65536', '1.5', 'x', '', '0x10', '1e3']) {
      const run = io();
      expect(await createViewCommand(stopAtOnce).run(['--port', port], run)).toBe(2);
      // Quoted, as the other commands quote a refused flag's value (an empty one read `got .`).
      expect(run.err()).toBe(`--port must be a port number from 0 to 65535; got "${port}".\n`);
    }
    const negative = io();
    expect(await createViewCommand(stopAtOnce).run(['--port', '-1'], negative)).toBe(2);
  });

  it('reads the folder from --dir, else GEMLOOP_RUNS_DIR, else .gemloop/runs', async () => {
    const fromFlag = io({ GEMLOOP_RUNS_DIR: '/tmp/from-env' });
    expect(
      await createViewCommand(stopAtOnce).run(['--dir', '/tmp/from-flag', '--port', '0'], fromFlag),
    ).toBe(0);
    expect(fromFlag.out()).toContain('gemloop view: runs in /tmp/from-flag\n');
    const fromEnv = io({ GEMLOOP_RUNS_DIR: '/tmp/from-env' });
    expect(await createViewCommand(stopAtOnce).run(['--port', '0'], fromEnv)).toBe(0);
    expect(fromEnv.out()).toContain('gemloop view: runs in /tmp/from-env\n');
    const byDefault = io();
    expect(await createViewCommand(stopAtOnce).run(['--port', '0'], byDefault)).toBe(0);
    expect(byDefault.out()).toMatch(/gemloop view: runs in \/.*\/\.gemloop\/runs\n/);
  });

  it('says when the runs folder does not exist yet, and serves it (a typo showed an empty list alone)', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'gemloop-view-missing-'));
    const missing = io();
    expect(
      await createViewCommand(stopAtOnce).run(
        ['--dir', join(parent, 'runz'), '--port', '0'],
        missing,
      ),
    ).toBe(0);
    expect(missing.out()).toContain(
      `gemloop view: runs in ${join(parent, 'runz')}\ngemloop view: no such folder yet (named by --dir): the list is empty until a run is recorded there\nOpen http://`,
    );
    const fromEnv = io({ GEMLOOP_RUNS_DIR: join(parent, 'nope') });
    expect(await createViewCommand(stopAtOnce).run(['--port', '0'], fromEnv)).toBe(0);
    expect(fromEnv.out()).toContain('(named by GEMLOOP_RUNS_DIR)');
    const present = io();
    expect(await createViewCommand(stopAtOnce).run(['--dir', parent, '--port', '0'], present)).toBe(
      0,
    );
    expect(present.out()).not.toContain('no such folder');
  });

  it("refuses --dir '' and --evals '' in one line, and reads an empty variable as unset", async () => {
    // resolve('') is the current folder: an empty value silently showed whatever was there.
    for (const flag of ['--dir', '--evals']) {
      const run = io();
      expect(await createViewCommand(stopAtOnce).run([flag, '', '--port', '0'], run)).toBe(2);
      expect(run.err()).toMatch(new RegExp(`^gemloop view: ${flag} is empty: give [^\\n]*\\n$`));
      expect(run.out()).toBe('');
    }
    const emptyEnv = io({ GEMLOOP_RUNS_DIR: '', GEMLOOP_EVALS_DIR: '' });
    expect(await createViewCommand(stopAtOnce).run(['--port', '0'], emptyEnv)).toBe(0);
    expect(emptyEnv.out()).toMatch(/gemloop view: runs in \/.*\/\.gemloop\/runs\n/);
  });

  it('refuses a runs or evals folder that is a file, in one line, before it listens', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'gemloop-view-args-')), 'runs.jsonl');
    writeFileSync(file, '');
    const cases: [string[], Record<string, string>, string][] = [
      [['--dir', file], {}, `--dir ${file} is a file, not a folder`],
      [[], { GEMLOOP_RUNS_DIR: file }, `GEMLOOP_RUNS_DIR ${file} is a file, not a folder`],
      [['--evals', file], {}, `--evals ${file} is a file, not a folder`],
    ];
    for (const [args, env, message] of cases) {
      const run = io(env);
      expect(await createViewCommand(stopAtOnce).run([...args, '--port', '0'], run)).toBe(2);
      expect(run.err()).toMatch(/^gemloop view: [^\n]*\n$/);
      expect(run.err()).toContain(message);
      expect(run.out()).toBe('');
    }
  });

  it('exits 1 naming the cause when the port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    try {
      const run = io();
      expect(await createViewCommand(stopAtOnce).run(['--port', String(port)], run)).toBe(1);
      expect(run.err()).toMatch(/^gemloop view: .*EADDRINUSE/);
      // It says what to do: any free port, or a free one near the busy one.
      expect(run.err()).toContain(`port ${port} on 127.0.0.1 is already in use`);
      expect(run.err()).toMatch(
        /Use --port 0 for any free port( or --port \d+ \(free now\))?\.\n$/,
      );
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });

  it('refuses an unknown option with the usage', async () => {
    const run = io();
    expect(await main(['view', '--host', '0.0.0.0'], run)).toBe(2);
    expect(run.err()).toContain("Unknown option '--host'");
    expect(run.err()).toContain('Usage: gemloop view');
  });
});
