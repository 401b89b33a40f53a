import { type ChildProcess, fork } from 'node:child_process';
import type { LoopRunner } from '../contenders/contender.ts';
import { CONTENDERS } from '../contenders/registry.ts';
import { contenderBaseUrl } from '../server/contender-base-url.ts';

/** A contender's loop against the scripted server of one of the `ab/` probes. */
export type LoopAgainstServer = { runner: LoopRunner; server: ChildProcess };

/**
 * Forks the bench's scripted server (`server.mjs`, built by any bench run) as the bench does, and
 * sets up the named contender's loop on `script` against it; `server.kill()` ends it.
 */
export async function startLoopAgainstServer(options: {
  name: string;
  serverEntry: string;
  script: string;
  maxSteps: number;
}): Promise<LoopAgainstServer> {
  const entry = CONTENDERS.find((contender) => contender.name === options.name);
  if (entry === undefined) throw new Error(`unknown contender ${options.name}`);
  const { server, url } = await forkScriptedServer(options.serverEntry);
  const contender = await entry.load();
  const runner = await contender.createLoop({
    baseUrl: contenderBaseUrl(url, contender.name, options.script),
    apiKey: 'bench-key-not-secret',
    maxSteps: options.maxSteps,
  });
  return { runner, server };
}

/**
 * Forks the bench's scripted server (`server.mjs`, built by any bench run) as the bench does;
 * resolves once it listens, with its URL. `server.kill()` ends it.
 */
export async function forkScriptedServer(
  serverEntry: string,
): Promise<{ server: ChildProcess; url: string }> {
  const server = fork(serverEntry, [], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    serialization: 'json',
  });
  const url = await new Promise<string>((resolve) => {
    server.once('message', (message: { url: string }) => resolve(message.url));
  });
  return { server, url };
}
