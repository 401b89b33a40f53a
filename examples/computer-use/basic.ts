// Computer use: the model sees screenshots of a page and calls UI actions (navigate, type_text_at,
// click_at, ...) that run in Debian's headless Chromium through playwright-core; each action is
// answered with the page's URL and a screenshot (a multimodal function response). An action the
// safety system marks `require_confirmation` goes through `beforeToolCall` and runs only when you
// confirm (with --auto, or when piped as in CI, a policy confirms it); its response then carries
// Google's `safety_acknowledgement`.
//
//   node scripts/run-example.mjs computer-use
//   node scripts/run-example.mjs computer-use --auto
//   node scripts/run-example.mjs computer-use --browser ws://127.0.0.1:<port>/<id>
//
// --browser connects to a browser that is already running, a Playwright browser server (what
// playwright-core's `chromium.launchServer()` starts, `wsEndpoint()` gives the address), instead
// of starting Debian's Chromium; the example's pages are closed and the browser is left running.
//
// Offline, the fake plays the actions a real model would take on the local page below.

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline/promises';
import { createAgent, InvalidArgumentError } from '@gemloop/core';
import type { BeforeToolCallContext, BeforeToolCallDecision } from '@gemloop/core/agent';
import { computerUse } from '@gemloop/core/tools';
import { turn } from '@gemloop/testing';
import { run } from '../lib/run.ts';
import { shownAnswer, shownText } from '../lib/trace-printer.ts';
import { createBrowserExecutor } from './browser-executor.ts';
import {
  CHROMIUM_ARGS,
  type ChromiumLauncher,
  type ExampleBrowser,
  loadPlaywright,
} from './load-playwright.ts';

const REQUEST = 'Subscribe Ada Lovelace to the newsletter on the page that is open.';
// The viewport the page is laid out for: grid (0-999) x 1000/1000 and y x 800/1000 are pixels.
const VIEWPORT = { width: 1000, height: 800 };
/** How long `--browser` waits for the browser server to answer. */
const CONNECT_TIMEOUT_MS = 30_000;
/** What a bad `--browser` should be instead (above the top-level `run`, which reads it). */
const BROWSER_FIX =
  "Give the WebSocket endpoint of a running Playwright browser server (the `wsEndpoint()` of playwright-core's `chromium.launchServer()`), or leave out --browser to start Debian's Chromium.";
const PAGE = `<!doctype html>
<title>Newsletter</title>
<style>
  body { margin: 0; font: 16px sans-serif; }
  #name { position: absolute; left: 100px; top: 100px; width: 400px; height: 40px; }
  #subscribe { position: absolute; left: 100px; top: 200px; width: 200px; height: 50px; }
  #status { position: absolute; left: 100px; top: 300px; }
</style>
<input id="name" placeholder="Your name">
<button id="subscribe" onclick="document.getElementById('status').textContent = 'Subscribed: ' + document.getElementById('name').value">Subscribe</button>
<p id="status">Not subscribed.</p>`;

// Filled in once the local page server listens, before the first model call.
let pageUrl = '';

const SCRIPT = [
  () => turn.call('navigate', { url: pageUrl }),
  // The name field: its middle is (300 px, 120 px), (300, 150) on the grid.
  turn.call('type_text_at', { x: 300, y: 150, text: 'Ada Lovelace', press_enter: false }),
  // The Subscribe button, (200 px, 225 px): the safety system wants a person to confirm.
  turn.call('click_at', {
    x: 200,
    y: 281,
    safety_decision: {
      decision: 'require_confirmation',
      explanation: 'Subscribing sends the name to a mailing list.',
    },
  }),
  turn.text('Ada Lovelace is subscribed to the newsletter.'),
];

await run(
  async ({ gemini, model, flags, style }) => {
    // The browser first: when it cannot start (or be reached), nothing is left listening. A
    // --browser that is no WebSocket URL is refused before playwright-core loads (~0.5 s of CPU).
    if (flags.browser !== undefined) checkBrowserEndpoint(flags.browser);
    const { chromium, executablePath } = await loadPlaywright({
      local: flags.browser === undefined,
    });
    const browser =
      flags.browser === undefined
        ? await chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_ARGS] })
        : await connectBrowser(chromium, flags.browser);
    const server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
    });
    try {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      pageUrl = `${origin}/`;
      const page = await browser.newPage({ viewport: VIEWPORT });
      await page.goto(pageUrl);
      const execute = createBrowserExecutor(page, {
        // The model may open only the local page.
        allowUrl: (url) => url.origin === origin,
        onAction: ({ name, args }) =>
          console.log(`  ${shownText(name)} ${shownText(JSON.stringify(args))}`),
      });
      const interactive =
        flags.auto !== true && process.stdin.isTTY === true && process.stdout.isTTY === true;
      const agent = createAgent({
        gemini,
        model,
        tools: [computerUse({ execute })],
        beforeToolCall: (call) => confirm(call, interactive),
      });
      console.log(style.bold(`Request: ${REQUEST}`));
      const result = await agent.run([
        {
          role: 'user',
          parts: [
            { text: REQUEST },
            {
              inlineData: {
                mimeType: 'image/png',
                data: Buffer.from(await page.screenshot({ type: 'png' })).toString('base64'),
              },
            },
          ],
        },
      ]);
      console.log(`\n${shownAnswer(result.text)}`);
      const calls = result.steps.flatMap((step) => step.toolCalls);
      for (const call of calls) {
        const acknowledged = call.response.response['safety_acknowledgement'] === 'true';
        console.log(
          `${call.toolName}: ${call.outcome}${acknowledged ? ' (confirmed, safety_acknowledgement sent)' : ''}`,
        );
      }
      const screenshots = calls.filter((call) => (call.response.parts?.length ?? 0) > 0).length;
      console.log(`screenshots sent back: ${screenshots}`);
      console.log(`page says: ${await page.textContent('#status')}`);
    } finally {
      await browser.close();
      server.close();
    }
  },
  {
    script: SCRIPT,
    flags: {
      auto: { type: 'boolean', description: 'Confirm risky actions by policy instead of asking.' },
      browser: {
        type: 'string',
        description:
          "Connect to this Playwright browser server (ws://...) instead of starting Debian's Chromium.",
      },
    },
  },
);

/** Refuses a `--browser` that is not a ws:// or wss:// URL, saying what to give instead. */
function checkBrowserEndpoint(endpoint: string): void {
  if (!/^wss?:\/\//.test(endpoint)) {
    throw new InvalidArgumentError({
      argument: '--browser',
      message: `"${endpoint}" is not a ws:// or wss:// URL. ${BROWSER_FIX}`,
    });
  }
}

/**
 * A running browser for `--browser`: a WebSocket endpoint of a Playwright browser server. A bad
 * value or a refused connection is the user's to fix, so it says how instead of a stack.
 */
async function connectBrowser(
  chromium: ChromiumLauncher,
  endpoint: string,
): Promise<ExampleBrowser> {
  checkBrowserEndpoint(endpoint);
  try {
    // Playwright waits forever by default: a server that takes the socket and never answers
    // (not a browser server) would hang the example.
    return await chromium.connect(endpoint, { timeout: CONNECT_TIMEOUT_MS });
  } catch (cause) {
    const reason = (cause instanceof Error ? cause.message : String(cause)).split('\n')[0];
    throw new InvalidArgumentError({
      argument: '--browser',
      message: `No browser answered at ${endpoint} (${reason}). ${BROWSER_FIX}`,
      cause,
    });
  }
}

/** Ordinary actions run; one the safety system flags needs a yes (typed, or the policy's). */
async function confirm(
  call: BeforeToolCallContext,
  interactive: boolean,
): Promise<BeforeToolCallDecision> {
  const decision = call.safetyDecision;
  if (decision?.decision !== 'require_confirmation') return { type: 'approve' };
  const question = `${call.toolName} needs your confirmation: ${decision.explanation ?? 'no reason given'}`;
  if (!interactive) {
    console.log(`  ${question} -> confirmed by policy (--auto)`);
    return { type: 'approve' };
  }
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = (await prompt.question(`  ${question} [y/N] `)).trim().toLowerCase();
    return answer === 'y' || answer === 'yes'
      ? { type: 'approve' }
      : { type: 'deny', message: 'The user did not confirm this action.' };
  } finally {
    prompt.close();
  }
}
