import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  checkerKey,
  checkTarballsKeepingPasses,
  KEPT_VERDICTS,
  keptTarballVerdicts,
  tarballVerdictKey,
} from './fixtures/kept-tarball-verdicts.ts';

// packed-install.test.ts keeps publint's and attw's pass of each tarball, keyed by the tarball's
// bytes, the checking script, the lockfile and Node: here, on planted files and a recorded check,
// a pass is reused only for the same key, a failure or a missing OK line keeps nothing, and the
// folder keeps the newest passes.

const scratch = mkdtempSync(join(tmpdir(), 'gemloop-kept-verdicts-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let planted = 0;
/** A run's folder with a script, a lockfile and tarballs of the given bytes, as packed-install makes. */
function plantRun(tarballs: Record<string, string>, script = 'check v1', lockfile = 'lock v1') {
  planted += 1;
  const directory = join(scratch, `run-${planted}`);
  mkdirSync(join(directory, 'packs'), { recursive: true });
  writeFileSync(join(directory, 'check-tarballs.mjs'), script);
  writeFileSync(join(directory, 'pnpm-lock.yaml'), lockfile);
  const paths = Object.entries(tarballs).map(([name, bytes]) => {
    const path = join(directory, 'packs', name);
    writeFileSync(path, bytes);
    return path;
  });
  return {
    tarballs: paths,
    checker: checkerKey(join(directory, 'check-tarballs.mjs'), join(directory, 'pnpm-lock.yaml')),
  };
}

/** A check that passes every tarball but `failing`, recording what it was asked. */
function recordedCheck(failing: readonly string[] = [], rejectOnFailure = true) {
  const asked: string[][] = [];
  const check = async (tarballs: readonly string[]): Promise<string> => {
    asked.push([...tarballs]);
    const lines = tarballs.map((tarball) =>
      failing.some((name) => tarball.endsWith(name)) ? `${tarball}: publint` : `${tarball}: OK`,
    );
    if (rejectOnFailure && lines.some((line) => !line.endsWith(': OK')))
      throw new Error(lines.join('\n'));
    return `${lines.join('\n')}\n`;
  };
  return { asked, check };
}

function newCache(): string {
  planted += 1;
  return keptTarballVerdicts(join(scratch, `parent-${planted}`));
}

describe('checkTarballsKeepingPasses', () => {
  it('checks every tarball once, then reuses each pass for the same bytes in another folder', async () => {
    const cache = newCache();
    const first = plantRun({ 'a.tgz': 'A', 'b.tgz': 'B' });
    const firstCheck = recordedCheck();
    const checked = await checkTarballsKeepingPasses({ ...first, cache, check: firstCheck.check });
    expect(firstCheck.asked).toEqual([first.tarballs]);
    expect(checked).toEqual({
      checked: first.tarballs,
      reused: [],
      output: `${first.tarballs.map((tarball) => `${tarball}: OK`).join('\n')}\n`,
    });

    const second = plantRun({ 'a.tgz': 'A', 'b.tgz': 'B' });
    const secondCheck = recordedCheck();
    const reused = await checkTarballsKeepingPasses({ ...second, cache, check: secondCheck.check });
    expect(secondCheck.asked).toEqual([]);
    expect(reused).toEqual({ checked: [], reused: second.tarballs, output: '' });
  });

  it('checks again only the tarball whose bytes changed', async () => {
    const cache = newCache();
    const first = plantRun({ 'a.tgz': 'A', 'b.tgz': 'B' });
    await checkTarballsKeepingPasses({ ...first, cache, check: recordedCheck().check });
    const second = plantRun({ 'a.tgz': 'A', 'b.tgz': 'B changed' });
    const { asked, check } = recordedCheck();
    const result = await checkTarballsKeepingPasses({ ...second, cache, check });
    expect(asked).toEqual([[second.tarballs[1]]]);
    expect(result.reused).toEqual([second.tarballs[0]]);
  });

  it('checks everything again when the script or the lockfile changed', async () => {
    const cache = newCache();
    const bytes = { 'a.tgz': 'A', 'b.tgz': 'B' };
    await checkTarballsKeepingPasses({ ...plantRun(bytes), cache, check: recordedCheck().check });
    for (const changed of [plantRun(bytes, 'check v2'), plantRun(bytes, 'check v1', 'lock v2')]) {
      const { asked, check } = recordedCheck();
      await checkTarballsKeepingPasses({ ...changed, cache, check });
      expect(asked).toEqual([changed.tarballs]);
    }
  });

  it('keeps nothing of a failing check: the next run checks every tarball again', async () => {
    const cache = newCache();
    const bytes = { 'a.tgz': 'A', 'b.tgz': 'B' };
    const failing = recordedCheck(['b.tgz']);
    await expect(
      checkTarballsKeepingPasses({ ...plantRun(bytes), cache, check: failing.check }),
    ).rejects.toThrow(/b\.tgz: publint/);
    const next = plantRun(bytes);
    const { asked, check } = recordedCheck();
    await checkTarballsKeepingPasses({ ...next, cache, check });
    expect(asked).toEqual([next.tarballs]);
  });

  it('keeps only the tarballs whose own OK line the check printed', async () => {
    const cache = newCache();
    const bytes = { 'a.tgz': 'A', 'b.tgz': 'B' };
    const first = plantRun(bytes);
    const result = await checkTarballsKeepingPasses({
      ...first,
      cache,
      check: recordedCheck(['b.tgz'], false).check,
    });
    expect(result.output).toContain(`${first.tarballs[1]}: publint`);
    const next = plantRun(bytes);
    const { asked, check } = recordedCheck();
    await checkTarballsKeepingPasses({ ...next, cache, check });
    expect(asked).toEqual([[next.tarballs[1]]]);
  });

  it('keeps the newest passes and removes the partial file of a run that is gone', async () => {
    const cache = newCache();
    mkdirSync(cache, { recursive: true });
    // A pid no process has (above Linux's pid_max), and this process's own: only the first goes.
    const dead = join(cache, 'deadbeef.4194999.partial');
    const alive = join(cache, `cafe.${process.pid}.partial`);
    writeFileSync(dead, 'passed\n');
    writeFileSync(alive, 'passed\n');
    const many = Object.fromEntries(
      Array.from({ length: KEPT_VERDICTS + 3 }, (_, index) => [`p${index}.tgz`, `bytes ${index}`]),
    );
    const run = plantRun(many);
    await checkTarballsKeepingPasses({ ...run, cache, check: recordedCheck().check });
    const kept = readdirSync(cache).filter((name) => !name.endsWith('.partial'));
    expect(kept).toHaveLength(KEPT_VERDICTS);
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(alive)).toBe(true);
  });

  it('names a pass by the tarball bytes and the checker, not the path', () => {
    const first = plantRun({ 'a.tgz': 'A' });
    const second = plantRun({ 'renamed.tgz': 'A' });
    const key = (run: { tarballs: string[]; checker: string }) =>
      tarballVerdictKey(run.tarballs[0] as string, run.checker);
    expect(key(second)).toBe(key(first));
    expect(key(plantRun({ 'a.tgz': 'A' }, 'check v2'))).not.toBe(key(first));
  });
});
