import { createGemini } from '@gemloop/core';
import { createFakeGemini, type FakeGemini } from '@gemloop/testing';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatApp, startChatApp } from '../../examples/browser-chat/chat-app.ts';
import { scriptedModel } from '../../examples/browser-chat/scripted-model.ts';
import { REACT_PAGE } from '../../examples/react-chat/react-page.ts';
import {
  type BrowserSession,
  openBrowserContext,
} from '../../packages/cli/src/view/__fixtures__/open-browser-context.ts';

// A page's files through @gemloop/react's `send(text, { files })` in Debian's Chromium: the
// react-chat example's `<input type=file>` set by the driver, the hook reading the file in the page
// (@gemloop/client's readMessageFiles), the route reading it with @gemloop/serve's readPageMessage,
// the fake Gemini getting it as `inlineData`. A file the page or the route will not send ends as a
// typed error the page shows in its own words, never the server's.

/** The route's body limit here: small, so a 300 KB file meets it (the page's own bound is 4 MiB). */
const MAX_BODY = 256 * 1024;

/** Random bytes behind a PNG signature (the type is the file's, as the picker names it). */
function fakePng(bytes: number): Buffer {
  const buffer = Buffer.alloc(bytes);
  for (let index = 0; index < bytes; index++) buffer[index] = (index * 7919 + 13) % 251;
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(buffer);
  return buffer;
}

type ModelRequest = {
  contents: {
    role: string;
    parts: { text?: string; inlineData?: { mimeType: string; data: string } }[];
  }[];
};

describe('files from the page in Chromium (@gemloop/react send(text, { files }))', () => {
  let chromium: BrowserSession;
  let app: ChatApp;
  let fake: FakeGemini;
  beforeAll(async () => {
    fake = createFakeGemini({ script: scriptedModel, chunkSize: 16 });
    const gemini = createGemini({ apiKey: 'test-key', fetch: fake.fetch, retry: false });
    [chromium, app] = await Promise.all([
      openBrowserContext(),
      startChatApp({
        gemini,
        model: 'gemini-2.5-flash',
        page: REACT_PAGE,
        maxBodyBytes: MAX_BODY,
        // Fewer than the page's own 10, so the route's refusal is what the page meets.
        maxFiles: 2,
      }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([chromium?.close(), app?.close()]);
  });

  async function open(): Promise<{ page: Page; errors: string[] }> {
    const page = await chromium.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(app.url);
    return { page, errors };
  }
  type PickedFile = { name: string; mimeType: string; buffer: Buffer };
  async function ask(page: Page, question: string, file: PickedFile | PickedFile[]): Promise<void> {
    await page.fill('input[name=q]', question);
    await page.setInputFiles('input[name=files]', file);
    await page.click('form#ask button[type=submit]');
  }

  it('sends a picked image: the model gets its exact bytes and type inline, the page shows it and the answer', async () => {
    const { page, errors } = await open();
    const png = fakePng(20_000);
    const before = fake.requests.length;
    await ask(page, 'What is in this photo?', {
      name: 'cat.png',
      mimeType: 'image/png',
      buffer: png,
    });
    await page.waitForSelector('li.assistant[data-outcome=completed]');
    expect(fake.requests.length).toBe(before + 1);
    const request = fake.requests.at(-1)?.body as ModelRequest;
    expect(request.contents.at(-1)).toEqual({
      role: 'user',
      parts: [
        { text: 'What is in this photo?' },
        { inlineData: { mimeType: 'image/png', data: png.toString('base64') } },
      ],
    });
    expect(await page.locator('li.assistant p.text').textContent()).toBe(
      'I got 1 file(s): image/png, 20000 bytes.',
    );
    // The user's message shows the file: its name, type, size, and a preview from an object URL.
    const chip = page.locator('li.user figure.file');
    expect(await chip.getAttribute('data-type')).toBe('image/png');
    expect(await chip.getAttribute('data-size')).toBe('20000');
    expect(await chip.locator('figcaption').textContent()).toBe('cat.png (image/png, 20000 bytes)');
    const src = await chip.locator('img').getAttribute('src');
    expect(src).toMatch(/^blob:http:\/\/127\.0\.0\.1:\d+\/[\w-]+$/);
    // The preview is the file itself: the page can read it back through its object URL.
    const shown = await page.evaluate(
      async (url) => [...new Uint8Array(await (await fetch(url)).arrayBuffer()).slice(0, 8)],
      src as string,
    );
    expect(shown).toEqual([...png.subarray(0, 8)]);
    expect(await page.getAttribute('#status', 'data-status')).toBe('idle');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a file of a type the chat does not take, or too large for the page: a typed error, nothing sent', async () => {
    const { page, errors } = await open();
    const requests = app.chatRequests;
    await ask(page, 'Unpack this', {
      name: 'archive.zip',
      mimeType: 'application/zip',
      buffer: Buffer.from('PK\u0003\u0004 not really'),
    });
    await page.waitForSelector('#status[data-status=error]');
    expect(await page.textContent('#status')).toBe(
      'error: File 1: A file is of a type this chat does not take.',
    );
    // attack61f: nothing was sent, so the question is back in the input (the submit emptied it:
    // it was lost) and there is no Retry (which sent the question before it again).
    expect(await page.inputValue('input[name=q]')).toBe('Unpack this');
    expect(await page.locator('#retry').count()).toBe(0);
    await ask(page, 'Look at this', {
      name: 'huge.png',
      mimeType: 'image/png',
      buffer: fakePng(5 * 1024 * 1024),
    });
    await expect
      .poll(() => page.textContent('#status'), { timeout: 60_000 })
      .toBe('error: File 1: The files are too large to send; send smaller ones.');
    // Refused in the page: no request, no message added.
    expect(app.chatRequests).toBe(requests);
    expect(await page.locator('li.user').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a file past the route`s body limit: the 413 is the page`s own words, nothing of the server`s', async () => {
    const { page, errors } = await open();
    const requests = app.chatRequests;
    const modelCalls = fake.requests.length;
    await ask(page, 'And this one?', {
      name: 'big.png',
      mimeType: 'image/png',
      buffer: fakePng(300_000),
    });
    await page.waitForSelector('#status[data-status=error]');
    expect(await page.textContent('#status')).toBe(
      'error: The message was larger than the server takes (its files, most likely); send smaller files.',
    );
    expect(app.chatRequests).toBe(requests + 1);
    expect(fake.requests.length).toBe(modelCalls);
    // The server's own text (`The body is over 262144 bytes.`) and its address stay off the page.
    const text = (await page.textContent('body')) ?? '';
    expect(text).not.toContain(String(MAX_BODY));
    expect(text).not.toContain('127.0.0.1');
    expect(text).not.toContain('body is over');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a file the route refuses (readPageMessage): the page`s typed words, nothing of the server`s', async () => {
    const { page, errors } = await open();
    const modelCalls = fake.requests.length;
    const png = (name: string) => ({ name, mimeType: 'image/png', buffer: fakePng(1000) });
    await ask(page, 'Compare these', [png('a.png'), png('b.png'), png('c.png')]);
    await page.waitForSelector('#status[data-status=error]');
    expect(await page.textContent('#status')).toBe(
      'error: Too many files for one message; send fewer.',
    );
    expect(fake.requests.length).toBe(modelCalls);
    // The route's own message (`files holds 3 files: at most 2 ...`) stays off the page.
    const text = (await page.textContent('body')) ?? '';
    expect(text).not.toContain('files holds');
    expect(text).not.toContain('maxFiles');
    expect(errors).toEqual([]);
    await page.close();
  });
});
