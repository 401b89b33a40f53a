import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { installOnce } from './install-once.ts';

function scratch(): { lock: string; marker: string } {
  const dir = mkdtempSync(join(tmpdir(), 'gemloop-install-once-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return { lock: join(dir, 'lock'), marker: join(dir, 'installed') };
}

describe('installOnce (one installer across the processes of a test run)', () => {
  it('installs when missing and frees the lock', () => {
    const { lock, marker } = scratch();
    const install = vi.fn(() => writeFileSync(marker, ''));
    installOnce({ lock, installed: () => existsSync(marker), install, what: 'x' });
    expect(install).toHaveBeenCalledOnce();
    expect(existsSync(lock)).toBe(false);
  });

  it('does nothing when it is installed', () => {
    const { lock } = scratch();
    const install = vi.fn();
    installOnce({ lock, installed: () => true, install, what: 'x' });
    expect(install).not.toHaveBeenCalled();
    expect(existsSync(lock)).toBe(false);
  });

  it('waits for a live holder and uses what it installed, without installing again', async () => {
    const { lock, marker } = scratch();
    // Another process holds the lock, installs (the marker) after 300 ms, then frees the lock.
    const holder = spawn('sh', ['-c', `sleep 0.3; touch '${marker}'; rm -rf '${lock}'`]);
    mkdirSync(lock);
    writeFileSync(join(lock, 'pid'), String(holder.pid));
    const install = vi.fn();
    installOnce({ lock, installed: () => existsSync(marker), install, what: 'x' });
    // The marker appears only when the holder is done (after its sleep): finding it, with no
    // install of our own, is what proves installOnce waited. (An elapsed-time check measured from
    // after the lock was written failed at load: the holder's sleep had begun before it.)
    expect(install).not.toHaveBeenCalled();
    expect(existsSync(marker)).toBe(true);
    await new Promise((resolve) => holder.once('exit', resolve));
  });

  it('takes over the lock of a holder that is gone', () => {
    const { lock, marker } = scratch();
    const dead = spawnSync('true').pid;
    mkdirSync(lock);
    writeFileSync(join(lock, 'pid'), String(dead));
    const install = vi.fn(() => writeFileSync(marker, ''));
    installOnce({ lock, installed: () => existsSync(marker), install, what: 'x' });
    expect(install).toHaveBeenCalledOnce();
    expect(existsSync(lock)).toBe(false);
  });

  it('takes over an old lock without a pid, and waits on a fresh one until its limit', () => {
    const { lock, marker } = scratch();
    mkdirSync(lock);
    const install = vi.fn(() => writeFileSync(marker, ''));
    // Fresh: its holder may be about to write its pid.
    expect(() =>
      installOnce({ lock, installed: () => existsSync(marker), install, what: 'the thing', waitMs: 300 }),
    ).toThrow(/the thing is missing and another process \(see .*lock\) has been installing it/);
    expect(install).not.toHaveBeenCalled();
    // A minute old: its holder died between mkdir and writing its pid.
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old);
    installOnce({ lock, installed: () => existsSync(marker), install, what: 'x' });
    expect(install).toHaveBeenCalledOnce();
  });

  it("frees the lock when the install fails, and throws the installer's error", () => {
    const { lock } = scratch();
    expect(() =>
      installOnce({
        lock,
        installed: () => false,
        install: () => {
          throw new Error('apt-get said no');
        },
        what: 'x',
      }),
    ).toThrow('apt-get said no');
    expect(existsSync(lock)).toBe(false);
  });
});
