import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/** One library's browser bundle, measured. */
export type BundleSize = {
  name: string;
  /** Minified bytes. */
  minified: number;
  /** Those bytes gzipped at level 9. */
  gzip: number;
};

/** What to measure: an entry module's source, as an app would write it. */
export type BundleEntry = { name: string; source: string };

const benchDir = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The browser bundle of an entry, measured the same way for every library: esbuild, browser
 * platform, ESM, minified, production, zod external (the app's own, shared by everything). The
 * workspace's @gemloop/core comes from its sources (the `@gemloop/source` condition), which
 * esbuild compiles as tsc would.
 */
export async function measureBundleSize({ name, source }: BundleEntry): Promise<BundleSize> {
  const result = await build({
    stdin: { contents: source, resolveDir: benchDir, loader: 'ts', sourcefile: `${name}.ts` },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    minify: true,
    target: 'es2022',
    conditions: ['@gemloop/source'],
    define: { 'process.env.NODE_ENV': '"production"' },
    external: ['zod', 'zod/*'],
    write: false,
    logLevel: 'silent',
  });
  const bytes = (result.outputFiles[0] as { contents: Uint8Array }).contents;
  return { name, minified: bytes.byteLength, gzip: gzipSync(bytes, { level: 9 }).byteLength };
}

/**
 * The entries compared: for each library the imports of a tool-calling agent app, then its whole
 * public entry. `ai` + `@ai-sdk/google` is the Vercel AI SDK with its Google provider.
 */
export const BUNDLE_ENTRIES: readonly BundleEntry[] = [
  {
    name: '@gemloop/core (agent app)',
    source: "export { createAgent, createGemini, defineTool } from '@gemloop/core';",
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
