// `node scripts/viewer-screenshots.mjs`: regenerates docs/viewer-list.png and docs/viewer-run.png,
// the README's pictures of `gemloop view`. It records a few runs with the real recorder against
// the fake Gemini server (offline, no key), serves them with the viewer, and photographs the list
// and one run in Debian's Chromium through playwright-core (never a downloaded browser). It loads
// the built packages (dist/): run `npm run build` (tsc -b) first after changing their source.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const docs = join(root, 'docs');
// The CLI package's dependencies (core, the fake, zod, playwright-core), resolved as it sees them.
const require = createRequire(join(root, 'packages/cli/package.json'));
const load = (name) => import(pathToFileURL(require.resolve(name)).href);

const CHROMIUM = '/usr/bin/chromium';
// The browser tests' flags (src/view/__fixtures__/ensure-chromium.ts): no network of its own.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function fail(message) {
  process.stderr.write(`viewer-screenshots: ${message}\n`);
  process.exit(1);
}

if (!existsSync(CHROMIUM))
  fail(`${CHROMIUM} is missing: sudo apt-get update && sudo apt-get install -y chromium`);
for (const built of [
  'packages/core/dist/index.js',
  'packages/testing/dist/index.js',
  'packages/cli/dist/index.js',
])
  if (!existsSync(join(root, built))) fail(`${built} is missing: run npm run build first`);

const { createAgent, createChatSession, createGemini, defineTool } = await load('@gemloop/core');
const { createRunRecorder } = await load('@gemloop/core/recorder');
const { createFakeGemini, googleError, turn } = await load('@gemloop/testing');
const { z } = await load('zod');
// playwright-core is CommonJS: its exports are on the namespace's default.
const playwright = await load('playwright-core');
const chromium = playwright.chromium ?? playwright.default.chromium;
const { startViewServer } = await import(
  pathToFileURL(join(root, 'packages/cli/dist/index.js')).href
);

/** Records the sample runs: a tool-using answer, a chat session, an aborted run, a failed run. */
async function recordRuns(dir) {
  const fake = createFakeGemini({
    script: [
      turn.calls(
        [
          { name: 'get_forecast', args: { city: 'Lyon', day: 'tomorrow', hours: '07:00-09:00' } },
          { name: 'get_tram_status', args: { line: 'T1' } },
        ],
        {
          thoughts:
            'The user wants a commute choice. I need the morning forecast for Lyon and whether line T1 runs normally; both can be fetched at once.',
        },
      ),
      turn.text(
        'Take the tram tomorrow morning. Rain is likely between 7 and 9 (80%, 6 mm) with gusts up to 45 km/h, and line T1 runs normally every 6 minutes. If you would rather bike, the rain stops around 10:00.',
      ),
      turn.text('Sure: in Lyon, 1 km by bike takes about 4 minutes.'),
      turn.text('Then the 6 km to Part-Dieu take about 25 minutes by bike.'),
      turn.call('read_document', { path: 'reports/q3-annual.pdf' }),
    ],
    faults: [
      { fault: { type: 'http-error', error: googleError(400, 'Unsupported MIME type.') }, on: 5 },
    ],
  });
  const { url } = await fake.listen();
  try {
    const gemini = createGemini({ baseUrl: url, apiKey: 'screenshot-key', retry: false });
    const recorder = createRunRecorder({ dir });
    const base = { gemini, model: 'gemini-2.5-flash', recorder, telemetry: false };
    const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    const forecast = defineTool({
      name: 'get_forecast',
      description: 'Hourly forecast for a city.',
      parameters: z.object({ city: z.string(), day: z.string(), hours: z.string() }),
      execute: async ({ city }) => {
        await pause(120);
        return { city, rain: { probability: 0.8, mm: 6 }, windGustKmh: 45, clearsAt: '10:00' };
      },
    });
    const tram = defineTool({
      name: 'get_tram_status',
      description: 'Service status of a tram line.',
      parameters: z.object({ line: z.string() }),
      execute: async ({ line }) => {
        await pause(70);
        return { line, status: 'normal', everyMinutes: 6 };
      },
    });
    await createAgent({ ...base, name: 'commute-agent', tools: [forecast, tram] }).run(
      'Should I bike to work in Lyon tomorrow morning, or take the tram?',
    );
    const chat = createChatSession({
      agent: createAgent({ ...base, name: 'chat-agent' }),
      id: 'session-7f3a',
    });
    await chat.send('How long does 1 km take by bike in Lyon?');
    await chat.send('And the 6 km to Part-Dieu?');
    const controller = new AbortController();
    const readDocument = defineTool({
      name: 'read_document',
      description: 'Reads a document.',
      parameters: z.object({ path: z.string() }),
      execute: (_args, { signal }) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
          controller.abort('user pressed stop');
        }),
    });
    await createAgent({ ...base, name: 'report-agent', tools: [readDocument] })
      .run('Summarise the Q3 report for the board.', { signal: controller.signal })
      .catch(() => undefined);
    await createAgent({ ...base, name: 'report-agent' })
      .run('Extract the tables of the scanned annex.')
      .catch(() => undefined);
    await recorder.flush();
  } finally {
    await fake.close();
  }
}

const dir = await mkdtemp(join(tmpdir(), 'gemloop-screenshots-'));
const profile = await mkdtemp(join(tmpdir(), 'gemloop-chromium-'));
let server;
let context;
try {
  await recordRuns(dir);
  server = await startViewServer({ dir });
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
  });
  const page = await context.newPage();
  await page.goto(server.url);
  await page.waitForSelector('#runs tr.run-row');
  await page.screenshot({ path: join(docs, 'viewer-list.png') });
  await page
    .locator('#runs tr.run-row', { hasText: 'commute-agent' })
    .locator('a.question')
    .click();
  await page.waitForSelector('#steps .step');
  await page.locator('details.thoughts summary').first().click();
  await page.screenshot({ path: join(docs, 'viewer-run.png'), fullPage: true });
  process.stdout.write('Wrote docs/viewer-list.png and docs/viewer-run.png\n');
} finally {
  await context?.close();
  await server?.close();
  await rm(dir, { recursive: true, force: true });
  await rm(profile, { recursive: true, force: true });
}
