import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { guardrails } from '@gemloop/core/guardrails';
import { recordLiveSession } from '@gemloop/core/live';
import { definePlugin } from '@gemloop/core/plugins';
import { createLiveRecorder } from '@gemloop/core/recorder';
import { createFakeLive } from '@gemloop/testing/live';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type OpenViewer, openViewer } from './__fixtures__/open-viewer.ts';

// A live session recorded against the fake Live server (a tool call with a secret argument, a
// dropped socket forcing a resume) is listed beside runs and shown as a story. Never skips.

let viewer: OpenViewer | undefined;
let dir: string | undefined;
let pluginViewer: OpenViewer | undefined;
let pluginDir: string | undefined;
let idlessViewer: OpenViewer | undefined;
let idlessDir: string | undefined;

afterAll(async () => {
  await viewer?.close();
  await pluginViewer?.close();
  await idlessViewer?.close();
  if (idlessDir !== undefined) await rm(idlessDir, { recursive: true, force: true });
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  if (pluginDir !== undefined) await rm(pluginDir, { recursive: true, force: true });
});

const login = defineTool({
  name: 'login',
  description: 'Signs in.',
  parameters: z.object({ user: z.string(), password: z.string() }),
  secretArguments: ['password'],
  execute: ({ user }) => ({ user, ok: true }),
});

describe('gemloop view, a live session', () => {
  it('lists the session beside runs and shows its turns, tool call, reconnection and cost', async () => {
    dir = await mkdtemp(join(tmpdir(), 'gemloop-view-live-'));
    const fake = await createFakeLive({
      apiKey: 'view-live-key-0123456789',
      script: [
        [
          {
            toolCalls: [{ name: 'login', args: { user: 'ada', password: 'hunter2-pw' }, id: 'c1' }],
          },
        ],
        [
          { text: 'You are signed in.' },
          { usage: { promptTokenCount: 1000, totalTokenCount: 1000 } },
        ],
        [{ text: 'Half an ans' }, { drop: true }, { text: 'wer.' }],
      ],
    });
    try {
      const gemini = createGemini({
        baseUrl: fake.url,
        apiKey: 'view-live-key-0123456789',
        retry: false,
      });
      const agent = createAgent({
        gemini,
        model: 'gemini-3-flash-preview',
        name: 'voice',
        tools: [login],
      });
      const recorder = createLiveRecorder({ dir });
      const session = await recordLiveSession(agent, {
        recorder,
        model: 'gemini-3.1-flash-live-preview',
      });
      const events = session[Symbol.asyncIterator]();
      const untilTurnEnd = async () => {
        for (;;) {
          const next = await events.next();
          if (next.done === true) throw new Error('the session ended early');
          if (next.value.type === 'turn-end') return;
        }
      };
      session.sendText('Sign me in as ada.');
      await untilTurnEnd();
      session.sendText('And then?');
      await untilTurnEnd();
      await session.close();
      await recorder.flush();
      expect(fake.errors).toEqual([]);
    } finally {
      await fake.close();
    }

    viewer = await openViewer(dir);
    const page = await viewer.context.newPage();
    await page.goto(viewer.server.url);
    const row = page.locator('#runs tr.run-row.live-row');
    await row.waitFor();
    expect(await row.locator('.live-badge').textContent()).toBe('live session');
    expect(await row.locator('.question').textContent()).toBe('Sign me in as ada.');
    await row.locator('a').first().click();
    await page.waitForSelector('#live-story');
    expect(await page.locator('h1.live-title').textContent()).toBe(
      'Live session · voice · gemini-3.1-flash-live-preview',
    );
    const kinds = await page
      .locator('#live-story > li')
      .evaluateAll((items) => items.map((item) => item.className.replace('live-line live-', '')));
    expect(kinds).toEqual([
      'user-text',
      'tool-call',
      'tool-result',
      'usage',
      'turn',
      'user-text',
      'turn',
      'reconnect',
      'turn',
      'end',
    ]);
    const story = page.locator('#live-story');
    expect(await story.locator('.live-args').textContent()).toContain('"password": "[redacted]"');
    expect(await story.locator('.live-output').textContent()).toContain('"ok": true');
    expect(await story.locator('li.live-turn').nth(0).textContent()).toContain(
      'You are signed in.',
    );
    expect(await story.locator('li.live-turn').nth(1).textContent()).toContain(
      'Turn 2 (discarded): cut by a reconnection',
    );
    expect(await story.locator('li.live-reconnect').textContent()).toContain(
      'the socket dropped, attempt 1 · the turn in progress was discarded',
    );
    expect(await story.locator('li.live-turn').nth(2).textContent()).toContain('Half an answer.');
    const totals = await page.locator('.live-totals').textContent();
    expect(totals).toContain('3 turns');
    expect(totals).toContain('1 tool calls');
    expect(totals).toContain('1 reconnections');
    // 1000 text input tokens at $0.75/M.
    expect(totals).toContain('$0.00075');
    const html = await page.content();
    expect(html).not.toContain('hunter2-pw');
    expect(html).not.toContain('view-live-key');
  });

  it("shows a plugin's reports, its end of the session and the guardrails' checks", async () => {
    pluginDir = await mkdtemp(join(tmpdir(), 'gemloop-view-live-plugins-'));
    const fake = await createFakeLive({
      script: [
        [
          {
            toolCalls: [{ name: 'login', args: { user: 'root', password: 'pw-root-1' }, id: 'r1' }],
          },
        ],
        [{ text: 'Not as root.' }],
        [{ toolCalls: [{ name: 'login', args: { user: 'ada', password: 'pw-ada-2' }, id: 'a1' }] }],
        [{ text: 'unheard' }],
      ],
    });
    try {
      const audit = definePlugin({
        name: 'audit',
        wrapToolCall: async (call, next, run) => {
          const execution = await next();
          run.emit('checked', { tool: call.toolName });
          return execution;
        },
        afterToolCall: (_result, run) => {
          run.finish('one login is enough');
        },
      });
      const agent = createAgent({
        gemini: createGemini({ baseUrl: fake.url, apiKey: 'view-live-key-2', retry: false }),
        model: 'gemini-3-flash-preview',
        name: 'voice',
        tools: [login],
        plugins: [audit],
        guardrails: guardrails({
          tools: [
            {
              name: 'no-root',
              before: (call) =>
                (call.args as { user: string }).user === 'root'
                  ? { type: 'deny', message: 'Never as root.' }
                  : undefined,
            },
          ],
        }),
      });
      const recorder = createLiveRecorder({ dir: pluginDir });
      const session = await recordLiveSession(agent, { recorder, model: 'gemini-live-test' });
      const events = session[Symbol.asyncIterator]();
      session.sendText('Sign me in as root.');
      for (;;) {
        const next = await events.next();
        if (next.done === true) throw new Error('the session ended early');
        if (next.value.type === 'turn-end') break;
      }
      session.sendText('Then as ada.');
      // The plugin ends the session once the call is answered.
      for (let next = await events.next(); next.done !== true; next = await events.next()) {}
      await session.closed;
      await recorder.flush();
      expect(fake.errors).toEqual([]);
    } finally {
      await fake.close();
    }

    pluginViewer = await openViewer(pluginDir);
    const page = await pluginViewer.context.newPage();
    await page.goto(pluginViewer.server.url);
    await page.locator('#runs tr.run-row.live-row a').first().click();
    await page.waitForSelector('#live-story');
    const story = page.locator('#live-story');
    const guardrailLines = await story.locator('li.live-guardrail').allTextContents();
    expect(guardrailLines).toHaveLength(2);
    expect(guardrailLines[0]).toContain(
      'Guardrail no-root (tool-input on login): deny — Never as root.',
    );
    expect(guardrailLines[1]).toContain('Guardrail no-root (tool-input on login): allow');
    expect(await story.locator('li.live-plugin').textContent()).toContain(
      'Plugin audit: checked {',
    );
    expect(await story.locator('li.live-plugin').getAttribute('title')).toContain(
      '"tool": "login"',
    );
    expect(await story.locator('li.live-finish').textContent()).toContain(
      'Ended by plugin audit: one login is enough',
    );
    const kinds = await story
      .locator('> li')
      .evaluateAll((items) => items.map((item) => item.className.replace('live-line live-', '')));
    // The finish line comes after the call it ended the session on, before the end.
    expect(kinds.slice(-2)).toEqual(['finish', 'end']);
    const html = await page.content();
    expect(html).not.toContain('pw-root-1');
    expect(html).not.toContain('pw-ada-2');
  });

  it('marks a tool call the server sent without an id (matrix41)', async () => {
    // Its id on the page is the session's own key (live-call-<n>), not one the server sent.
    idlessDir = await mkdtemp(join(tmpdir(), 'gemloop-view-live-idless-'));
    const fake = await createFakeLive({
      script: [
        [{ toolCalls: [{ name: 'login', args: { user: 'ada', password: 'pw-3' }, id: null }] }],
        [{ toolCalls: [{ name: 'login', args: { user: 'bo', password: 'pw-4' }, id: 's1' }] }],
        [{ text: 'Both signed in.' }],
      ],
    });
    try {
      const agent = createAgent({
        gemini: createGemini({ baseUrl: fake.url, apiKey: 'view-live-key-3', retry: false }),
        model: 'gemini-3-flash-preview',
        name: 'voice',
        tools: [login],
      });
      const recorder = createLiveRecorder({ dir: idlessDir });
      const session = await recordLiveSession(agent, { recorder, model: 'gemini-live-test' });
      const events = session[Symbol.asyncIterator]();
      session.sendText('Sign in ada, then bo.');
      for (;;) {
        const next = await events.next();
        if (next.done === true) throw new Error('the session ended early');
        if (next.value.type === 'turn-end') break;
      }
      await session.close();
      await recorder.flush();
      expect(fake.errors).toEqual([]);
    } finally {
      await fake.close();
    }

    idlessViewer = await openViewer(idlessDir);
    const page = await idlessViewer.context.newPage();
    await page.goto(idlessViewer.server.url);
    await page.locator('#runs tr.run-row.live-row a').first().click();
    await page.waitForSelector('#live-story');
    const calls = await page.locator('#live-story li.live-tool-call').allTextContents();
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatch(/\(BLOCKING, live-call-\d+\) · sent without an id/);
    expect(calls[1]).toContain('(BLOCKING, s1)');
    expect(calls[1]).not.toContain('without an id');
  });
});
