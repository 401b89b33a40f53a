import { execFile, spawn } from 'node:child_process';
import { mkdir, readdir, rm, rmdir } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { createGemini, type Gemini } from '@gemloop/core';
import { makeFolder } from '@gemloop/core/internal';
import type { BisectResult } from '@gemloop/evals';
import { CliFlagError } from '../cli-flag-error.ts';
import type { CliIo } from '../cli-io.ts';
import { escapeControls } from '../probe/create-probe-sanitizer.ts';
import { createReportRedactor } from './create-report-redactor.ts';
import { importSuite, loadSuite, writeOut } from './run-eval-suite.ts';

const run = promisify(execFile);

/** The flags of `gemloop eval bisect GOOD BAD --suite FILE`, checked. */
export type BisectSuiteFlags = {
  good: string;
  bad: string;
  file: string;
  /** The cases to follow (`--case`); all the suite's when empty. */
  caseIds: readonly string[];
  baseUrl: string | undefined;
  /** `--allow-insecure-http`: an `http://` base URL on a host that is not loopback. */
  allowInsecureHttp?: boolean | undefined;
  timeoutMs: number | undefined;
  json: string | undefined;
  /** Aborted by the user's interrupt: the running case aborted, no commit evaluated after. */
  signal?: AbortSignal | undefined;
};

/**
 * `gemloop eval bisect`: finds the first commit between GOOD and BAD (first-parent history) where
 * a case's tool-call trajectory changes, evaluating each commit the search visits on the suite
 * module as it was committed there (extracted with `git archive` under the repository's
 * `.gemloop/bisect/`, so its imports resolve to the project's node_modules, then removed) against
 * the cases of the suite as it is now (the recorded runs). A commit whose requests are the
 * recorded ones replays offline; only one that changed what the model is asked goes live
 * (GEMINI_API_KEY), from the first changed request on. Returns 0 when a commit is found, else 1.
 */
export async function bisectSuite(
  flags: BisectSuiteFlags,
  io: CliIo,
  cwd: string,
): Promise<number> {
  const { evals, cases } = await loadSuite(flags.file, cwd);
  // Commit subjects, case ids, tool names and arguments are printed and written: a subject or a
  // recorded argument quoting a key or a database URL is redacted as the other eval outputs are.
  const redact = createReportRedactor(io.env, process.argv.slice(2), cwd);
  const unknown = flags.caseIds.find((id) => !cases.some((item) => item.id === id));
  if (unknown !== undefined) {
    throw new CliFlagError({
      flag: '--case',
      value: escapeControls(unknown),
      accepted: cases.slice(0, 20).map((item) => escapeControls(item.id)),
      message: `--case ${escapeControls(unknown)}: the suite has no such case (its cases: ${cases
        .slice(0, 20)
        .map((item) => escapeControls(item.id))
        .join(', ')}).`,
    });
  }
  const followed =
    flags.caseIds.length === 0 ? cases : cases.filter((item) => flags.caseIds.includes(item.id));
  const top = (
    await git(cwd, ['rev-parse', '--show-toplevel'], 'gemloop eval bisect runs in a git repository')
  ).trim();
  const good = await commitOf(cwd, flags.good);
  const bad = await commitOf(cwd, flags.bad);
  try {
    await run('git', ['merge-base', '--is-ancestor', good, bad], { cwd });
  } catch {
    throw new CliFlagError({
      flag: '<good-ref>',
      value: escapeControls(flags.good),
      accepted: ['a commit before BAD in its history'],
      message: `${escapeControls(flags.good)} is not an ancestor of ${escapeControls(flags.bad)}: give the good (older) ref first.`,
    });
  }
  const subjects = new Map<string, string>();
  const log = await git(
    cwd,
    ['log', '--first-parent', '--reverse', '--format=%H%x09%s', `${good}..${bad}`],
    'git log',
  );
  const between = log
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [sha, ...subject] = line.split('\t');
      subjects.set(sha as string, redact(subject.join('\t')));
      return sha as string;
    });
  subjects.set(
    good,
    redact((await git(cwd, ['log', '-1', '--format=%s', good], 'git log')).trim()),
  );
  if (between.length === 0) {
    throw new CliFlagError({
      flag: '<bad-ref>',
      value: escapeControls(flags.bad),
      accepted: ['a commit after GOOD'],
      message: `${escapeControls(flags.bad)} has no commit after ${escapeControls(flags.good)}: nothing to bisect.`,
    });
  }
  const suitePath = relative(top, resolve(cwd, flags.file));
  if (suitePath.startsWith('..') || isAbsolute(suitePath)) {
    throw new CliFlagError({
      flag: '--suite',
      value: escapeControls(flags.file),
      accepted: ['a suite file inside the repository'],
      message: `--suite ${escapeControls(flags.file)} is outside the repository at ${escapeControls(top)}: its history is what bisect reads.`,
    });
  }
  const apiKey = io.env['GEMINI_API_KEY'];
  const live: Gemini | undefined =
    apiKey === undefined || apiKey === ''
      ? undefined
      : createGemini({
          apiKey,
          ...(flags.baseUrl === undefined ? {} : { baseUrl: flags.baseUrl }),
          ...(flags.allowInsecureHttp === true ? { allowInsecureHttp: true } : {}),
          ...(io.fetch === undefined ? {} : { fetch: io.fetch }),
        });
  // Inside the repository, so a committed suite's imports find the project's node_modules; one
  // folder per process, removed at the end.
  const work = join(top, '.gemloop', 'bisect', String(process.pid));
  await removeStaleCopies(dirname(work));
  await makeFolder({ dir: work, mkdir: (path) => mkdir(path), dirname });
  let result: BisectResult;
  try {
    result = await evals.bisectCommits({
      commits: [good, ...between],
      evaluate: async (commit) => {
        flags.signal?.throwIfAborted();
        const dir = join(work, commit);
        await extract(top, commit, dir);
        flags.signal?.throwIfAborted();
        const suite = await importSuite(
          join(dir, suitePath),
          `${flags.file} at ${commit.slice(0, 12)}`,
        );
        const traces = [];
        for (const evalCase of followed) {
          traces.push(
            await evals.traceCase(evalCase, {
              createAgent: suite.createAgent,
              live,
              timeoutMs: flags.timeoutMs ?? suite.timeoutMs,
              streaming: suite.streaming,
              signal: flags.signal,
            }),
          );
        }
        const wentLive = traces.some((trace) => trace.live);
        io.stderr(
          `${commit.slice(0, 12)} ${wentLive ? 'live   ' : 'offline'} ${escapeControls(subjects.get(commit) ?? '')}\n`,
        );
        return {
          cases: Object.fromEntries(traces.map((trace) => [trace.caseId, trace.toolCalls])),
          live: wentLive,
        };
      },
    });
    result = redact(result);
  } finally {
    await rm(work, { recursive: true, force: true });
    // The folders made for it, when nothing else is in them (rmdir refuses a folder that is not
    // empty: another bisect's, or the runs the recorder keeps in .gemloop).
    for (const folder of [join(top, '.gemloop', 'bisect'), join(top, '.gemloop')])
      await rmdir(folder).catch(() => {});
  }
  const lines = result.steps.map(
    (step) =>
      `${step.commit.slice(0, 12)} ${step.live ? 'live   ' : 'offline'} ${step.changed ? 'changed' : 'same   '} ${escapeControls(subjects.get(step.commit) ?? '')}`,
  );
  lines.push(
    '',
    `${result.steps.length} commit(s) evaluated of ${between.length + 1}: ${result.liveEvaluations} live, ${result.offlineEvaluations} offline (replayed from the recording)`,
  );
  if (result.culprit === undefined) {
    lines.push(
      `no case's trajectory differs between ${escapeControls(flags.good)} and ${escapeControls(flags.bad)}`,
    );
  } else {
    lines.push(
      `first changed commit: ${result.culprit} ${escapeControls(subjects.get(result.culprit) ?? '')}`,
    );
    for (const change of result.changes)
      lines.push(
        `  ${escapeControls(change.caseId)}: ${escapeControls(change.difference.summary)}`,
      );
  }
  io.stdout(`${lines.join('\n')}\n`);
  if (flags.json !== undefined) {
    const report = {
      format: 'gemloop-bisect',
      version: 1,
      good,
      bad,
      ...result,
      subjects: Object.fromEntries(
        result.steps.map((step) => [step.commit, subjects.get(step.commit) ?? '']),
      ),
    };
    await writeOut(resolve(cwd, flags.json), `${JSON.stringify(report, null, 2)}\n`);
  }
  return result.culprit === undefined ? 1 : 0;
}

/**
 * Removes the copies of bisects whose process is gone: one killed (SIGKILL) or crashed never ran
 * its `finally`, and its trees of the project stayed in `.gemloop/bisect/<pid>`. A folder of a
 * process that is running (another bisect, here or as another user) is left.
 */
async function removeStaleCopies(folder: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    return;
  }
  for (const name of names) {
    if (!/^[1-9]\d{0,9}$/.test(name) || Number(name) === process.pid) continue;
    if (processRuns(Number(name))) continue;
    await rm(join(folder, name), { recursive: true, force: true });
  }
}

/** Whether a process of this id runs: signal 0 checks without sending; EPERM is another user's. */
function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: unknown }).code === 'EPERM';
  }
}

async function git(cwd: string, args: readonly string[], what: string): Promise<string> {
  try {
    return (await run('git', [...args], { cwd, maxBuffer: 64 * 1024 * 1024 })).stdout;
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
    throw new Error(
      `${what}: git ${args[0]} failed${stderr === '' ? '' : `: ${escapeControls(stderr.slice(0, 500))}`}`,
    );
  }
}

async function commitOf(cwd: string, ref: string): Promise<string> {
  try {
    // `--end-of-options`: a ref is never taken for an option of rev-parse.
    return (
      await run('git', ['rev-parse', '--verify', '--end-of-options', `${ref}^{commit}`], { cwd })
    ).stdout.trim();
  } catch {
    throw new CliFlagError({
      flag: '<ref>',
      value: escapeControls(ref),
      accepted: ['a commit, branch or tag of the repository'],
      message: `${escapeControls(ref)} is not a commit of the repository here: give a commit, branch or tag.`,
    });
  }
}

/** The tree of `commit` written to `dir` (`git archive | tar -x`), the index and work tree untouched. */
async function extract(top: string, commit: string, dir: string): Promise<void> {
  await makeFolder({ dir, mkdir: (path) => mkdir(path), dirname });
  await new Promise<void>((done, fail) => {
    const archive = spawn('git', ['archive', '--format=tar', commit], {
      cwd: top,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const tar = spawn('tar', ['-x', '-f', '-', '-C', dir], { stdio: ['pipe', 'ignore', 'pipe'] });
    archive.stdout.pipe(tar.stdin);
    let errors = '';
    archive.stderr.on('data', (chunk: Buffer) => {
      errors += chunk.toString();
    });
    tar.stderr.on('data', (chunk: Buffer) => {
      errors += chunk.toString();
    });
    let exits = 0;
    const exited = (code: number | null) => {
      if (code !== 0) {
        fail(
          new Error(
            `extracting ${commit.slice(0, 12)} failed: ${escapeControls(errors.slice(0, 500))}`,
          ),
        );
        return;
      }
      if (++exits === 2) done();
    };
    archive.on('error', fail);
    tar.on('error', fail);
    archive.on('close', exited);
    tar.on('close', exited);
  });
}
