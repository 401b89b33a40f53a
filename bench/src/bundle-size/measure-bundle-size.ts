import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { PROBE_BANNER, probeRunChunks } from './probe-run-chunks.ts';

/** Bytes of a set of chunks: minified, and gzipped at level 9 (each chunk on its own, as served). */
export type ChunkBytes = {
  /** How many chunks. */
  chunks: number;
  /** Minified bytes. */
  minified: number;
  /** Those bytes gzipped at level 9 as one text (see bytesOf). */
  gzip: number;
};

/**
 * One library's browser bundle, measured. `minified` and `gzip` count what an app loads to run:
 * the entry chunk and every chunk it imports statically, transitively. Chunks reached only
 * through a dynamic `import()` (code the app loads on first use, such as a stream's own
 * steering) are in `lazy`, reported beside it, never counted in it.
 */
export type BundleSize = ChunkBytes & {
  name: string;
  /** The chunks loaded only by an `import()` on first use (zero chunks when there are none). */
  lazy: ChunkBytes;
};

/**
 * What to measure: an entry module's source, as an app would write it. `runsAnAgent`: the entry
 * exports `createAgent`, `createGemini` and `defineTool`, and what a run of an agent loads with
 * `import()` counts as loaded to run (probeRunChunks); without it only the entry chunk and its
 * static imports do.
 */
export type BundleEntry = { name: string; source: string; runsAnAgent?: boolean | undefined };

/** One output chunk of a build: its bytes, whether an app loads it to run, and its inputs. */
export type BundleChunk = {
  /** The chunk's path, relative to the bench folder (esbuild's metafile key). */
  path: string;
  bytes: Uint8Array;
  /**
   * `true`: the entry chunk, one it imports statically, or one an agent's run loads (for an entry
   * that `runsAnAgent`); `false`: reached only by an `import()` nothing in a plain run makes.
   */
  loadedToRun: boolean;
  /** Bytes each source file put in this chunk (minified, before gzip). */
  inputs: Readonly<Record<string, { bytesInOutput: number }>>;
};

const benchDir = fileURLToPath(new URL('../../', import.meta.url));
// Not written (write: false): esbuild needs an output folder to name the chunks of a split build.
const outdir = resolve(benchDir, 'bundle-size-out');

/**
 * Builds an entry for the browser, the same way for every library: esbuild, browser platform,
 * ESM with code splitting (a dynamic `import()` becomes its own chunk, as Vite and Rollup make
 * it), minified, production, zod external (the app's own, shared by everything). The workspace's
 * @gemloop/core comes from its sources (the `@gemloop/source` condition), which esbuild compiles
 * as tsc would. The chunks' bytes are as an app would serve them (the probe's banner removed).
 */
export async function buildBundle({
  name,
  source,
  runsAnAgent = false,
}: BundleEntry): Promise<BundleChunk[]> {
  const result = await build({
    stdin: { contents: source, resolveDir: benchDir, loader: 'ts', sourcefile: `${name}.ts` },
    absWorkingDir: benchDir,
    bundle: true,
    splitting: true,
    outdir,
    platform: 'browser',
    format: 'esm',
    minify: true,
    target: 'es2022',
    conditions: ['@gemloop/source'],
    define: { 'process.env.NODE_ENV': '"production"' },
    external: ['zod', 'zod/*'],
    write: false,
    metafile: true,
    ...(runsAnAgent ? { banner: { js: PROBE_BANNER.trimEnd() } } : {}),
    logLevel: 'silent',
  });
  const outputs = result.metafile.outputs;
  const sourcefile = `${name}.ts`;
  const built = result.outputFiles
    .filter((file) => file.path.endsWith('.js'))
    .map((file) => {
      const path = Object.keys(outputs).find((key) => resolve(benchDir, key) === file.path);
      if (path === undefined) throw new Error(`esbuild's metafile does not list ${file.path}`);
      return { path, probed: file.contents, output: outputs[path] as Metafile['outputs'][string] };
    });
  const loaded = loadedToRun(outputs, sourcefile);
  if (runsAnAgent) {
    const entry = built.find(({ output }) => output.entryPoint === sourcefile)?.path as string;
    const chunks = built.map(({ path, probed }) => ({ path, bytes: probed }));
    for (const path of await probeRunChunks({ benchDir, chunks, entry })) loaded.add(path);
  }
  return built.map(({ path, probed, output }) => ({
    path,
    bytes: runsAnAgent ? withoutBanner(probed, path) : probed,
    loadedToRun: loaded.has(path),
    inputs: output.inputs,
  }));
}

const bannerBytes = new TextEncoder().encode(PROBE_BANNER);

/** A probed chunk's bytes as an app would serve them: the probe's first line removed. */
function withoutBanner(bytes: Uint8Array, path: string): Uint8Array {
  const starts = bannerBytes.every((byte, index) => bytes[index] === byte);
  if (!starts) throw new Error(`${path} does not start with the probe's banner`);
  return bytes.subarray(bannerBytes.byteLength);
}

/**
 * The chunks an app loads to run: the entry chunk (the one made from the app's source; each
 * `import()` target is an entry point of its own to esbuild) and, transitively, every chunk it
 * imports with an import statement. A chunk reached only through `dynamic-import` edges is lazy.
 */
function loadedToRun(outputs: Metafile['outputs'], sourcefile: string): Set<string> {
  const entries = Object.keys(outputs).filter((path) => outputs[path]?.entryPoint === sourcefile);
  if (entries.length !== 1)
    throw new Error(`expected one entry chunk, esbuild made ${entries.length}`);
  const loaded = new Set<string>();
  const pending = [...entries];
  for (let path = pending.pop(); path !== undefined; path = pending.pop()) {
    if (loaded.has(path)) continue;
    loaded.add(path);
    for (const imported of outputs[path]?.imports ?? []) {
      if (imported.kind === 'import-statement' && imported.external !== true)
        pending.push(imported.path);
    }
  }
  return loaded;
}

/**
 * The chunks' bytes, and their gzip as one text (concatenated in the order of the source files
 * each chunk holds): a figure that compares with a one-file bundle (the peers', the budget's
 * history). Gzipping each chunk apart, as a server sends them, starts each chunk's dictionary
 * afresh: ~10 % more over the core's 36 chunks an agent app loads to run (per-file.ts prints
 * both). Not in the order of the chunks' paths: those carry a hash of the content, so a change of
 * a few bytes anywhere reordered the text and moved its gzip by up to ±150 bytes (issue 53).
 */
export function bytesOf(chunks: readonly BundleChunk[]): ChunkBytes {
  const keyOf = (chunk: BundleChunk): string =>
    `${Object.keys(chunk.inputs).sort().join('\n')}\n${chunk.path}`;
  const ordered = [...chunks].sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
  const all = Buffer.concat(ordered.map(({ bytes }) => bytes));
  return {
    chunks: chunks.length,
    minified: all.byteLength,
    gzip: gzipSync(all, { level: 9 }).byteLength,
  };
}

/**
 * An entry's browser bundle, measured (see {@link buildBundle}): what an app loads to run, and
 * beside it what it loads lazily.
 */
export async function measureBundleSize(entry: BundleEntry): Promise<BundleSize> {
  return sizeOfBundle(entry.name, await buildBundle(entry));
}

/** The size of a built bundle ({@link buildBundle}'s chunks), as {@link measureBundleSize} reports it. */
export function sizeOfBundle(name: string, chunks: readonly BundleChunk[]): BundleSize {
  return {
    name,
    ...bytesOf(chunks.filter((chunk) => chunk.loadedToRun)),
    lazy: bytesOf(chunks.filter((chunk) => !chunk.loadedToRun)),
  };
}

/**
 * The entries compared: for each library the imports of a tool-calling agent app, then its whole
 * public entry. `ai` + `@ai-sdk/google` is the Vercel AI SDK with its Google provider.
 */
export const BUNDLE_ENTRIES: readonly BundleEntry[] = [
  {
    name: '@gemloop/core (agent app)',
    source: "export { createAgent, createGemini, defineTool } from '@gemloop/core';",
    runsAnAgent: true,
  },
  {
    // The root and every public subpath (each subpath's portable entry: this is a browser bundle).
    name: '@gemloop/core (everything)',
    source: [
      '',
      '/agent',
      '/chat',
      '/errors',
      '/history',
      '/http',
      '/logging',
      '/models',
      '/recorder',
      '/streaming',
      '/telemetry',
      '/tools',
      '/wire',
    ]
      .map((subpath) => `export * from '@gemloop/core${subpath}';`)
      .join('\n'),
    runsAnAgent: true,
  },
  {
    name: 'ai + @ai-sdk/google (agent app)',
    source:
      "export { generateText, streamText, tool, stepCountIs } from 'ai';\n" +
      "export { createGoogleGenerativeAI } from '@ai-sdk/google';",
  },
  {
    name: 'ai + @ai-sdk/google (everything)',
    source: "export * from 'ai';\nexport * from '@ai-sdk/google';",
  },
  { name: '@google/genai (agent app)', source: "export { GoogleGenAI } from '@google/genai';" },
  { name: '@google/genai (everything)', source: "export * from '@google/genai';" },
];
