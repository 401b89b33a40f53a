import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { modelFallback } from '@gemloop/core/fallback';
import { interactionsApi } from '@gemloop/core/interactions';
import { loopGuard } from '@gemloop/core/loop-guard';
import { createRunRecorder } from '@gemloop/core/recorder';
import { toolResultCache } from '@gemloop/core/tool-result-cache';
import { computerUse } from '@gemloop/core/tools';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { loadSkills, skills } from '@gemloop/tools';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type OpenViewer, openViewer } from './__fixtures__/open-viewer.ts';
import { type ViewerPage, viewerPage } from './__fixtures__/viewer-page.ts';

// Issue 53 (letters45): the V of the README's feature rows that named none, in one file: a
// human approval's deny and modify, a 429 retried after its RetryInfo, the loop guard's steer,
// a tool-result cache hit, a model fallback, a context cache's cached input and a structured
// answer, a run on the Interactions API, a confirmed computer-use action and a loaded Agent Skill,
// each recorded by the real recorder from a run
// against the fake and shown by `gemloop view` in Debian's headless Chromium; letters46 added a
// signed call's history, as recorded and sent back. Never skips.

const KEY = 'view-feature-rows-key';
const DENIAL = 'Only files in tmp/ may be deleted, not etc/passwd.';
const PRIMARY = 'gemini-3-flash-preview';
const SECOND = 'gemini-3-pro-preview';
const CITY = '{"city":"Mexico City","country":"Mexico"}';

/** A call with an id of its own; the fake signs it (and refuses a signature it did not make). */
const VERBATIM_CALL = { name: 'lookup', args: { city: 'Oslo' }, id: 'call-verbatim-7' };

/** A secret argument of the modified call, and markup an approval put into its new arguments. */
const MAIL_TOKEN = 'mail-token-5f3a9c';
const MARKUP_TO = '<img src=x onerror="window.__modifiedRan=1">me@corp.example';

let dir: string;
let viewer: OpenViewer | undefined;
/** The file's one page of the viewer: loaded once, each test's visit a hash change. */
let shown: ViewerPage;
/** The script errors that page threw, from its load on. */
const errors: string[] = [];

const lookup = defineTool({
  name: 'lookup',
  parameters: z.object({ city: z.string() }),
  execute: ({ city }) => ({ city, temperature: 21 }),
});

const deleteFile = defineTool({
  name: 'delete_file',
  parameters: z.object({ path: z.string() }),
  execute: ({ path }) => ({ deleted: path }),
});

const sendMail = defineTool({
  name: 'send_mail',
  parameters: z.object({ to: z.string(), token: z.string() }),
  secretArguments: ['token'],
  execute: ({ to }) => ({ sent: to.length }),
});

const lookups = (count: number) => [
  ...Array.from({ length: count }, () => turn.call('lookup', { city: 'Oslo' })),
  turn.text('21 degrees.'),
];

/** Records one run of an agent (given the fake's client) against a fake of its own. */
async function recordRun(
  fake: FakeGemini,
  input: string,
  agentOptions: (gemini: ReturnType<typeof createGemini>) => Parameters<typeof createAgent>[0],
  retry: NonNullable<Parameters<typeof createGemini>[0]>['retry'] = false,
): Promise<void> {
  try {
    const gemini = createGemini({ fetch: fake.fetch, apiKey: KEY, retry });
    await createAgent(agentOptions(gemini)).run(input);
  } finally {
    await fake.close();
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gemloop-view-feature-rows-'));
  const recorder = createRunRecorder({ dir });
  const base = { recorder, telemetry: false as const };
  await recordRun(
    createFakeGemini({
      script: [
        turn.calls([
          { name: 'delete_file', args: { path: 'etc/passwd' } },
          { name: 'delete_file', args: { path: 'tmp/OLD.log' } },
        ]),
        turn.text('One deleted.'),
      ],
    }),
    'Clean up the files',
    (gemini) => ({
      ...base,
      gemini,
      model: PRIMARY,
      tools: [deleteFile],
      beforeToolCall: ({ args }) => {
        const { path } = args as { path: string };
        if (!path.startsWith('tmp/'))
          return { type: 'deny', message: `Only files in tmp/ may be deleted, not ${path}.` };
        return { type: 'modify', args: { path: path.toLowerCase() } };
      },
    }),
  );
  // An approval's modify (viewer57): the recording's `tool-call-end` `modifiedArgs`, redacted.
  await recordRun(
    createFakeGemini({
      script: [
        turn.calls([{ name: 'send_mail', args: { to: 'ALL@corp.example', token: MAIL_TOKEN } }]),
        turn.text('Sent.'),
      ],
    }),
    'Mail everyone',
    (gemini) => ({
      ...base,
      gemini,
      model: PRIMARY,
      tools: [sendMail],
      beforeToolCall: ({ args }) => ({
        type: 'modify',
        args: { ...(args as object), to: MARKUP_TO },
      }),
    }),
  );
  await recordRun(
    createFakeGemini({
      script: [turn.text('After the wait.')],
      faults: [{ fault: { type: 'rate-limit', retryDelaySeconds: 1 }, on: 0 }],
    }),
    'Wait for the quota',
    (gemini) => ({ ...base, gemini, model: PRIMARY }),
    { maxRetries: 1, initialDelayMs: 5, maxDelayMs: 5, jitter: false },
  );
  await recordRun(createFakeGemini({ script: lookups(4) }), 'Loop on Oslo', (gemini) => ({
    ...base,
    gemini,
    model: PRIMARY,
    tools: [lookup],
    plugins: [loopGuard()],
  }));
  await recordRun(createFakeGemini({ script: lookups(2) }), 'Cache Oslo', (gemini) => ({
    ...base,
    gemini,
    model: PRIMARY,
    tools: [lookup],
    plugins: [toolResultCache({ tools: { lookup: { effect: 'read' } } })],
  }));
  await recordRun(
    createFakeGemini({
      script: [turn.call('lookup', { city: 'Oslo' }), turn.text('21 degrees.')],
      // The primary model is overloaded from its second call: step 2 goes to the second model.
      faults: [
        {
          fault: { type: 'overloaded' },
          on: ({ model, callIndex }) => model === PRIMARY && callIndex >= 1,
        },
      ],
    }),
    'Fall back from Oslo',
    (gemini) => ({
      ...base,
      gemini,
      model: PRIMARY,
      tools: [lookup],
      plugins: [modelFallback({ models: [SECOND] })],
    }),
  );
  await recordRun(
    createFakeGemini({ script: [turn.text('Rent is due on the first.')] }),
    'When is rent due',
    (gemini) => ({
      ...base,
      gemini,
      model: 'gemini-2.5-flash',
      // About 2000 tokens by the fake's estimate: above gemini-2.5-flash's cache minimum.
      instructions: `You are the lease assistant. ${'Clause: the tenant pays rent monthly. '.repeat(200)}`,
      cache: { ttlSeconds: 600 },
    }),
  );
  await recordRun(
    createFakeGemini({ script: [turn.text(CITY)] }),
    'Largest city as JSON',
    (gemini) => ({
      ...base,
      gemini,
      model: PRIMARY,
      output: z.object({ city: z.string(), country: z.string() }),
    }),
  );
  await recordRun(createFakeGemini({ script: lookups(1) }), 'Interact about Oslo', (gemini) => ({
    ...base,
    gemini,
    model: PRIMARY,
    tools: [lookup],
    api: interactionsApi(),
  }));
  await recordRun(
    createFakeGemini({
      script: [
        turn.call('click_at', {
          x: 1,
          y: 2,
          safety_decision: { decision: 'require_confirmation', explanation: 'A cookie banner.' },
        }),
        turn.text('Accepted.'),
      ],
    }),
    'Accept the cookies',
    (gemini) => ({
      ...base,
      gemini,
      model: PRIMARY,
      tools: [
        computerUse({
          execute: () => ({
            url: 'http://127.0.0.1/page',
            screenshot: { mimeType: 'image/png', data: new Uint8Array([0x89, 0x50, 0x4e, 0x47]) },
          }),
        }),
      ],
      beforeToolCall: () => ({ type: 'approve' }),
    }),
  );
  // History kept verbatim (letters46): a signed call with its own id, after a thought summary.
  await recordRun(
    createFakeGemini({
      script: [
        turn.calls([VERBATIM_CALL], { thoughts: 'Oslo first.' }),
        turn.text('21 degrees in Oslo.'),
      ],
    }),
    'Verbatim Oslo',
    (gemini) => ({ ...base, gemini, model: PRIMARY, tools: [lookup] }),
  );
  // A skill folder of its own (outside the run folder the viewer serves).
  const skillsDir = `${dir}-skills`;
  await mkdir(join(skillsDir, 'shipping-notes'), { recursive: true });
  await writeFile(
    join(skillsDir, 'shipping-notes', 'SKILL.md'),
    '---\nname: shipping-notes\ndescription: Writes shipping notes. Use for a shipment.\n---\n\n# Shipping notes\n\nName the carrier first.\n',
  );
  try {
    const kit = skills({ skills: await loadSkills(skillsDir) });
    await recordRun(
      createFakeGemini({
        script: [turn.call('load_skill', { name: 'shipping-notes' }), turn.text('DHL, Monday.')],
      }),
      'Write the shipping note',
      (gemini) => ({
        ...base,
        gemini,
        model: PRIMARY,
        instructions: kit.instructions,
        tools: kit.tools,
      }),
    );
  } finally {
    await rm(skillsDir, { recursive: true, force: true });
  }
  await recorder.flush();
  viewer = await openViewer(dir);
  shown = viewerPage(viewer.context, viewer.server.url, (page) =>
    page.on('pageerror', (error) => errors.push(error.message)),
  );
}, 60_000);

afterAll(async () => {
  await viewer?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

/**
 * Opens the run whose prompt holds `prompt` from the list; `errors` holds every script error the
 * page threw since it was loaded (this test's and those before it).
 */
async function openRun(prompt: string): Promise<{ page: Page; errors: string[] }> {
  const page = await shown.list();
  await page.locator('#runs tr.run-row', { hasText: prompt }).locator('a').first().click();
  await page.waitForSelector('#steps .step');
  return { page, errors };
}

describe('gemloop view, the feature rows that named no V', () => {
  it('shows a denied call with the reason the model read, and the modified call’s result', async () => {
    const { page, errors } = await openRun('Clean up the files');
    const results = page.locator('#steps .step').nth(0).locator('.tool-call .tool-result');
    expect(await results.count()).toBe(2);
    expect(await results.nth(0).textContent()).toContain(DENIAL);
    expect(await results.nth(1).textContent()).toContain('tmp/old.log');
    expect(await page.locator('#run-outcome').textContent()).toBe('stop');
    expect(await page.locator('#app').textContent()).not.toContain(KEY);
    expect(errors).toEqual([]);
  });

  // Issue 53 (viewer57): the recording said what ran (`modifiedArgs`), the page did not.
  it('shows an approval’s modified arguments beside the model’s: redacted, as text', async () => {
    const { page, errors } = await openRun('Mail everyone');
    const call = page.locator('#steps .step').nth(0).locator('.tool-call');
    const args = call.locator('.tool-args');
    const model = JSON.parse(String(await args.locator('pre.json').nth(0).textContent()));
    expect(model).toEqual({ to: 'ALL@corp.example', token: '[redacted]' });
    const modified = args.locator('.tool-modified-args');
    expect(await modified.locator('h4').textContent()).toBe('Modified arguments (what ran)');
    expect(JSON.parse(String(await modified.locator('pre.json').textContent()))).toEqual({
      to: MARKUP_TO,
      token: '[redacted]',
    });
    // The approval's markup is text: no element made of it, no handler run.
    expect(await page.locator('#app img').count()).toBe(0);
    expect(await page.evaluate(() => 'modifiedRan' in window || '__modifiedRan' in window)).toBe(
      false,
    );
    expect(await call.locator('.tool-result').textContent()).toContain(
      `"sent": ${MARKUP_TO.length}`,
    );
    expect(await page.locator('#app').textContent()).not.toContain(MAIL_TOKEN);
    expect(await page.locator('#app').textContent()).not.toContain(KEY);
    expect(errors).toEqual([]);
    // A call the approval left alone shows no modified block.
    const other = await openRun('Cache Oslo');
    expect(await other.page.locator('.tool-call').count()).toBe(2);
    expect(await other.page.locator('.tool-modified-args').count()).toBe(0);
    expect(other.errors).toEqual([]);
  });

  it('shows the 429 retried after the server’s RetryInfo delay', async () => {
    const { page, errors } = await openRun('Wait for the quota');
    const retry = page.locator('#steps .step').nth(0).locator('.entry.retry');
    expect(await retry.textContent()).toMatch(
      /^Attempt 1 failed \(ApiCallError 429\): retried after 1\.\d\d s$/,
    );
    expect(await page.locator('#app').textContent()).not.toContain(KEY);
    expect(errors).toEqual([]);
  });

  it('shows the loop guard’s steer in the step it was made in', async () => {
    const { page, errors } = await openRun('Loop on Oslo');
    const steps = page.locator('#steps .step');
    expect(await steps.count()).toBe(5);
    expect(await steps.nth(3).locator('.entry.plugin').textContent()).toBe(
      'loop-guard: steer {"reason":"repeated-call","toolName":"lookup","repeats":3,"steers":1}',
    );
    expect(await page.locator('#steps .entry.plugin').count()).toBe(1);
    expect(errors).toEqual([]);
  });

  it('shows a tool-result cache hit in its step', async () => {
    const { page, errors } = await openRun('Cache Oslo');
    const steps = page.locator('#steps .step');
    expect(await steps.nth(1).locator('.entry.plugin').textContent()).toBe(
      'tool-result-cache: hit {"toolName":"lookup","scope":"run"}',
    );
    expect(await page.locator('#steps .entry.plugin').count()).toBe(1);
    expect(errors).toEqual([]);
  });

  it('shows the failed call on the first model and the fallback to the second', async () => {
    const { page, errors } = await openRun('Fall back from Oslo');
    const step = page.locator('#steps .step').nth(1);
    expect(await step.locator('.entry.call-error').textContent()).toMatch(/^ApiCallError: /);
    const fallback = await step.locator('.entry.plugin').textContent();
    expect(fallback).toMatch(/^model-fallback: fallback /);
    expect(fallback).toContain(`"from":"${PRIMARY}","to":"${SECOND}"`);
    expect(await page.locator('#run-outcome').textContent()).toBe('stop');
    expect(errors).toEqual([]);
  });

  it('shows what the context cache saved: the cached input priced in the step', async () => {
    const { page, errors } = await openRun('When is rent due');
    const cost = await page.locator('#steps .step').nth(0).locator('.entry.cost').textContent();
    expect(cost).toMatch(/^Cost \$\d+\.\d+ \(input \$[\d.]+, cached \$0\.\d*[1-9]\d*, /);
    expect(errors).toEqual([]);
  });

  it("shows a structured run's JSON answer as its text", async () => {
    const { page, errors } = await openRun('Largest city as JSON');
    expect(await page.locator('#steps .step').nth(0).locator('.model-text').textContent()).toBe(
      CITY,
    );
    expect(errors).toEqual([]);
  });

  it('shows a run on the Interactions API as steps: the tool call, its result, the answer', async () => {
    const { page, errors } = await openRun('Interact about Oslo');
    const steps = page.locator('#steps .step');
    expect(await steps.count()).toBe(2);
    expect(await steps.nth(0).locator('.tool-call .tool-result').textContent()).toContain(
      '"temperature": 21',
    );
    expect(await steps.nth(1).locator('.model-text').textContent()).toBe('21 degrees.');
    expect(await page.locator('#app').textContent()).not.toContain(KEY);
    expect(errors).toEqual([]);
  });

  // The result shown is what the executor returned (the page and its screenshot); the
  // acknowledgement gemloop added for the model is in the recorded request, not shown here.
  it('shows a confirmed computer-use action: its safety decision, the page and its screenshot', async () => {
    const { page, errors } = await openRun('Accept the cookies');
    const call = page.locator('#steps .step').nth(0).locator('.tool-call');
    expect(await call.locator('.tool-name').textContent()).toBe('click_at');
    expect(await call.locator('.tool-args').textContent()).toContain('require_confirmation');
    const result = await call.locator('.tool-result').textContent();
    expect(result).toContain('http://127.0.0.1/page');
    expect(result).toContain('"mimeType": "image/png"');
    expect(errors).toEqual([]);
  });

  // Issue 53 (letters46): the README's "history kept verbatim" row named no V. The step shows
  // no signature or call id of its own; its "Model request and response (JSON)" shows the
  // response as recorded, and the next step's request sends that part back byte for byte.
  it("shows a call's thought signature and id as the model sent them, and sent back verbatim", async () => {
    const { page, errors } = await openRun('Verbatim Oslo');
    const steps = page.locator('#steps .step');
    expect(await steps.count()).toBe(2);
    const rawJson = async (step: number, which: number) =>
      JSON.parse(String(await steps.nth(step).locator('.raw pre.json').nth(which).textContent()));
    const response = await rawJson(0, 1);
    const signed = response.candidates[0].content.parts;
    expect(signed).toEqual([
      expect.objectContaining({ text: 'Oslo first.', thought: true }),
      {
        functionCall: { name: 'lookup', args: { city: 'Oslo' }, id: 'call-verbatim-7' },
        thoughtSignature: expect.stringMatching(/^[A-Za-z0-9+/]{8,}={0,2}$/),
      },
    ]);
    // The next request's model turn is the response's content as it came: the thought, the
    // signature on its part, the id; and the answer names the same id.
    const request = await rawJson(1, 0);
    expect(request.contents[1]).toEqual(response.candidates[0].content);
    expect(request.contents[2].parts[0].functionResponse).toMatchObject({
      name: 'lookup',
      id: 'call-verbatim-7',
    });
    expect(errors).toEqual([]);
  });

  it('shows an Agent Skill loaded by its tool call, its instructions as the result', async () => {
    const { page, errors } = await openRun('Write the shipping note');
    const call = page.locator('#steps .step').nth(0).locator('.tool-call');
    expect(await call.locator('.tool-name').textContent()).toBe('load_skill');
    expect(await call.locator('.tool-args').textContent()).toContain('shipping-notes');
    expect(await call.locator('.tool-result').textContent()).toContain('Name the carrier first.');
    expect(errors).toEqual([]);
  });
});
