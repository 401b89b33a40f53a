import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createFakeGemini, turn } from '@gemloop/testing';
import { runGuarded } from '../../../scripts/run-guarded.ts';

/**
 * The statement each chunk of a probed build starts with (esbuild's `banner`): it notes the chunk's
 * URL when the chunk runs. Stripped again before a chunk is measured.
 */
export const PROBE_BANNER = 'globalThis.__gemloopBundleProbe?.add(import.meta.url);\n';

// Runs in a child Node process against the built chunks: an agent app's first runs, a unary one
// and a streamed one, each calling a tool once, with the exports the entry gives. Prints the file
// names of the chunks that ran.
const RUN_AN_AGENT = `
globalThis.__gemloopBundleProbe = new Set();
const [entry, baseUrl] = process.argv.slice(1);
const { createAgent, createGemini, defineTool } = await import(entry);
const { z } = await import('zod');
const gemini = createGemini({ baseUrl, apiKey: 'probe-key' });
const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a customer up.',
  parameters: z.object({ who: z.string() }),
  execute: ({ who }) => ({ who, email: who + '@example.com' }),
});
const agent = createAgent({ gemini, model: 'gemini-2.5-flash', tools: [lookup] });
await agent.run('Look Dana up.');
const stream = agent.stream('Look Dana up again.');
for await (const _event of stream) {}
await stream.result;
await agent.close?.();
process.stdout.write(JSON.stringify([...globalThis.__gemloopBundleProbe].map((url) => url.slice(url.lastIndexOf('/') + 1))));
`;

/**
 * Which chunks of a split build an agent app loads when it runs: the chunks are written to a
 * folder of their own under `benchDir` (so `zod`, left external, resolves from the bench), and a
 * child Node process imports the entry chunk and runs an agent twice (unary and streamed, a tool
 * call each) against the fake Gemini on 127.0.0.1. Every chunk that ran is loaded to run,
 * whether the entry imports it statically or the run loads it with `import()` on first use (the
 * core defers its loop and request path that way to import fast); a chunk that did not run is
 * lazy. The folder and the fake are removed and closed, and the child is ended, whatever happens.
 * @throws when the run fails, with the child's output.
 */
export async function probeRunChunks({
  benchDir,
  chunks,
  entry,
}: {
  benchDir: string;
  chunks: readonly { path: string; bytes: Uint8Array }[];
  entry: string;
}): Promise<Set<string>> {
  const folder = await mkdtemp(join(benchDir, '.bundle-probe-'));
  const fake = createFakeGemini({
    script: [
      turn.call('lookup', { who: 'dana' }),
      turn.text('Dana is dana@example.com.'),
      turn.call('lookup', { who: 'dana' }),
      turn.text('Still dana@example.com.'),
    ],
  });
  try {
    for (const chunk of chunks) await writeFile(join(folder, basename(chunk.path)), chunk.bytes);
    const { url } = await fake.listen();
    const entryUrl = pathToFileURL(join(folder, basename(entry))).href;
    // Under the tests' hang guard (scripts/run-guarded.ts): killed when hung, and with every
    // process it started the moment the process that started it is gone, however that one ended
    // (a killed Vitest worker left it running, execFile's own timeout with it).
    const { stdout } = await runGuarded(
      process.execPath,
      ['--input-type=module', '-e', RUN_AN_AGENT, entryUrl, url],
      { cwd: folder, maxBuffer: 1 << 20 },
    ).catch((error: unknown) => {
      throw new Error(`the probe run of ${entry} failed: ${(error as Error).message}`, {
        cause: error,
      });
    });
    const ran = JSON.parse(stdout) as string[];
    return new Set(
      chunks.filter((chunk) => ran.includes(basename(chunk.path))).map((chunk) => chunk.path),
    );
  } finally {
    await fake.close();
    await rm(folder, { recursive: true, force: true });
  }
}
