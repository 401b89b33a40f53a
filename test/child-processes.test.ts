import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * "Every process a test starts is stopped" (the guide), also when Vitest itself is killed (a CI
 * step's limit, Ctrl-C, an OOM kill): a plain `spawn`, `fork` or `execFile` child outlives a
 * killed run (test/killed-vitest-run.test.ts proves it). A test's child that can outlive its test
 * (a server, a worker, a writer held open, a CPU burner, a FIFO's rescuer) starts through
 * `startGuarded` (scripts/start-guarded.ts) or, when it runs to its end, `runGuarded`
 * (scripts/run-guarded.ts); both end it with the test process however that ends.
 *
 * This guard finds every call of `child_process`'s asynchronous starters (`spawn`, `fork`,
 * `execFile`, `exec`, and what `promisify` makes of them) in test code: test files and
 * `__fixtures__` under packages/, test/, examples/ and bench/. A file may call them only when it
 * is listed in {@link PLAIN_CHILDREN} with why its children cannot outlive what they belong to.
 * The synchronous starters (`spawnSync`, `execFileSync`) are not counted: the test's own process
 * waits inside them, so their child ends first (`mkfifo`, `git`, a bundle run with a `timeout`).
 */
const PLAIN_CHILDREN: Readonly<Record<string, string>> = {
  // The proofs themselves.
  'test/killed-vitest-run.test.ts':
    'the inner Vitest run it kills: preloads lifeline.cjs (fd 3), its group killed in `finally`',
  'test/__fixtures__/killed-run/start-child.fixture.ts':
    "the plain execFile child is the control the killed run must leave (killed-vitest-run's afterAll kills it)",
  'test/run-guarded.test.ts':
    "the planted trees run inside runGuarded's own children (the spawns are in their code)",
  'test/child-processes.test.ts': 'its planted text (strings, no process)',
  'examples/test/run-example-process.ts':
    "the examples' runner, startGuarded as written before it: preloads lifeline.cjs, its detached group killed at the test's end and by a hang guard",
  'examples/test/lifeline.test.ts':
    "lifeline.cjs's own proof: the parent it kills and its child, both killed at the test's end",
  'examples/test/run-example-process.test.ts':
    'proves the examples die with their test process: the inner Vitest preloads lifeline.cjs; the fleet is started without a group on purpose (what it stops of its own) and killOnFinish kills it and its workers',
  'packages/dbos/src/__fixtures__/fleet.ts':
    'the durable workers preload lifeline.cjs by hand (fd 3) and are killed at exit: startGuarded as written before it',
  // Awaited commands that end on their own, each under a time limit (a hang guard).
  'packages/cli/src/bin.test.ts':
    "awaited `gemloop --version`/`help`, with execFile's timeout (its build runs under runGuarded)",
  'packages/cli/src/commands/fake.bin.test.ts':
    'one awaited `gemloop probe` with a 60 s timeout (the fake it probes is under startGuarded)',
  'packages/cli/src/commands/view.bin.test.ts': 'two awaited `gemloop help` with a 120 s timeout',
  'packages/core/src/chat/__fixtures__/compile-file-store.ts':
    'one awaited `tsc` of the store, under the beforeAll limit',
  'packages/core/src/chat/file-store-lock.test.ts':
    "`node -e ''`, awaited to its exit at once (a pid that is surely dead); the writers are under startGuarded",
  'packages/evals/src/vitest/define-eval-tests.test.ts':
    'inner Vitest runs of one eval file, awaited with a timeout (its build runs under runGuarded)',
  'packages/cli/src/view/__fixtures__/install-once.test.ts':
    "`sh -c 'sleep 0.3; touch …; rm …'`, which ends on its own in 0.3 s (a lock holder that lets go)",
  'test/directory-lock.test.ts':
    "`sh -c 'sleep 0.3; touch …; rm -rf …'`, which ends on its own in 0.3 s (a lock holder that lets go), killed at the test's end",
  'examples/demo/demo.test.ts': 'one awaited command with a timeout',
  'examples/test/snippets-syntax.test.ts': "awaited `tsc`'s syntax check with a timeout",
  'bench/src/bench.test.ts':
    "the quick bench's smoke run, awaited with a timeout; out of `npm test` (npm run test:bench)",
  'bench/src/durable/fleet-bench.test.ts':
    "the fleet bench's smoke run, awaited with a timeout; out of `npm test` (npm run test:bench)",
};

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const STARTERS = ['spawn', 'fork', 'execFile', 'exec'];

/** Test code: test files and fixtures. */
const isTestCode = (path: string): boolean =>
  /\.test\.tsx?$/.test(path) || /(^|\/)__fixtures__\//.test(path);

function filesUnder(folder: string): string[] {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory())
      return ['node_modules', 'dist', '.cache'].includes(entry.name) ? [] : filesUnder(path);
    return /\.(ts|tsx|mts|mjs|cjs|js)$/.test(entry.name) && !entry.name.endsWith('.d.ts')
      ? [path]
      : [];
  });
}

/** One call of an asynchronous `child_process` starter. */
export type PlainChild = { readonly line: number; readonly call: string };

/**
 * The calls of `child_process`'s asynchronous starters in one file's text: the names it imports
 * (renamed or not) or requires, and what `promisify` makes of them. A method of another object
 * (`agents.fork(`, `pattern.exec(`) is not one.
 */
export function plainChildrenIn(text: string): PlainChild[] {
  const names = new Set<string>();
  const imports = /import\s*\{([^}]*)\}\s*from\s*'(?:node:)?child_process'/g;
  const requires = /\{([^}]*)\}\s*=\s*require\('(?:node:)?child_process'\)/g;
  for (const match of [...text.matchAll(imports), ...text.matchAll(requires)]) {
    for (const part of (match[1] as string).split(',')) {
      const [name, alias] = part
        .replace(/^\s*type\s+/, '')
        .split(/\s+as\s+|\s*:\s*/)
        .map((word) => word.trim());
      if (name !== undefined && STARTERS.includes(name)) names.add(alias || name);
    }
  }
  if (names.size === 0) return [];
  for (const match of text.matchAll(/(?:const|let)\s+([\w$]+)\s*=\s*promisify\(([\w$]+)\)/g))
    if (names.has(match[2] as string)) names.add(match[1] as string);
  const any = [...names].join('|');
  // `spawn(...)`, or `promisify(execFile)(...)` at once.
  const call = new RegExp(`(?<![.\\w$])(${any})\\(|promisify\\((${any})\\)\\(`);
  return text.split('\n').flatMap((source, index) => {
    if (/^\s*(\/\/|\*)/.test(source)) return [];
    const found = call.exec(source);
    return found === null ? [] : [{ line: index + 1, call: (found[1] ?? found[2]) as string }];
  });
}

/** Every test file and fixture of the repository with plain child starts, by path. */
function plainChildrenByFile(): Map<string, PlainChild[]> {
  const folders = [
    ...readdirSync(join(ROOT, 'packages')).map((name) => join(ROOT, 'packages', name, 'src')),
    join(ROOT, 'test'),
    join(ROOT, 'examples'),
    join(ROOT, 'bench', 'src'),
  ];
  const found = new Map<string, PlainChild[]>();
  for (const path of folders.flatMap(filesUnder)) {
    const file = relative(ROOT, path);
    const inTestFolder = file.startsWith('test/') || file.startsWith('examples/test/');
    if (!isTestCode(file) && !inTestFolder) continue;
    const calls = plainChildrenIn(readFileSync(path, 'utf8'));
    if (calls.length > 0) found.set(file, calls);
  }
  return found;
}

describe("a test's child processes end with the test process", () => {
  it('no test file or fixture starts a plain child outside the list that says why it cannot outlive', () => {
    const found = plainChildrenByFile();
    // The scan finds what it is for (a guard that finds nothing proves nothing).
    expect(found.size).toBeGreaterThan(10);
    const unlisted = [...found]
      .filter(([file]) => !(file in PLAIN_CHILDREN))
      .flatMap(([file, calls]) => calls.map(({ line, call }) => `${file}:${line} ${call}(`));
    // Start it with startGuarded (scripts/start-guarded.ts) or, when it runs to its end,
    // runGuarded (scripts/run-guarded.ts); or list the file with why its child cannot outlive.
    expect(unlisted).toEqual([]);
  });

  it('every file on the list still starts a plain child', () => {
    const found = plainChildrenByFile();
    // When this fails, the file no longer needs its entry: delete it from PLAIN_CHILDREN.
    expect(Object.keys(PLAIN_CHILDREN).filter((file) => !found.has(file))).toEqual([]);
  });

  it('finds a planted plain child, renamed or promisified, and not a guarded one', () => {
    const planted = [
      "import { execFile, spawn as start, spawnSync } from 'node:child_process';",
      "import { promisify } from 'node:util';",
      "import { startGuarded } from '../scripts/start-guarded.ts';",
      'const run = promisify(execFile);',
      "const server = start(process.execPath, ['server.js']);",
      "await run('git', ['status']);",
      "spawnSync('mkfifo', [fifo]);",
      "startGuarded(process.execPath, ['worker.js']);",
      "await agents.fork('reviewer', {});",
      '// spawn(process.execPath) in a comment',
      "const { fork } = require('node:child_process');",
      "await promisify(execFile)('tsc', ['-p', '.']);",
    ].join('\n');
    const expected = [
      { line: 5, call: 'start' },
      { line: 6, call: 'run' },
      { line: 12, call: 'execFile' },
    ];
    expect(plainChildrenIn(planted)).toEqual(expected);
    expect(plainChildrenIn(`${planted}\nfork('worker.js');`)).toEqual([
      ...expected,
      { line: 13, call: 'fork' },
    ]);
  });
});
