import { availableParallelism } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import type { HtmlConverter } from './create-html-converter.ts';
import { createHtmlConverter } from './create-html-converter.ts';

const URL_BASE = 'https://example.com/docs/page.html';
let converter: HtmlConverter | undefined;

function make(maxMemoryMb = 512, stackSizeMb = 4): HtmlConverter {
  converter = createHtmlConverter({ maxMemoryMb, stackSizeMb });
  return converter;
}

afterEach(async () => {
  await converter?.close();
  converter = undefined;
});

const never = new AbortController().signal;

describe('createHtmlConverter', () => {
  it('prefers the main element and drops navigation, scripts and hidden parts', async () => {
    const html = `<html><head><title>T</title><script>alert(1)</script></head><body>
      <header><h1>Site</h1></header><nav><a href="/a">A</a></nav>
      <main><h2>Article</h2><p>${'Words. '.repeat(20)}</p><div aria-hidden="true">icon</div></main>
      <aside>Related</aside><form><input value="q"><button>Go</button></form></body></html>`;
    const result = await make().convert({ html, url: URL_BASE, signal: never });
    expect(result.title).toBe('T');
    expect(result.markdown).toBe(`## Article\n\n${'Words. '.repeat(20).trim()}`);
  });

  it('keeps the whole body when main holds too little of the text', async () => {
    const html = `<body><main>Hi</main><p>${'Most of the page. '.repeat(10)}</p></body>`;
    const result = await make().convert({ html, url: URL_BASE, signal: never });
    expect(result.markdown).toContain('Hi');
    expect(result.markdown).toContain('Most of the page.');
  });

  it('resolves relative links and drops script links and inline images', async () => {
    const html = `<p><a href="../api/x?y=1#z">rel</a> <a href="//cdn.example.org/f">proto</a>
      <a href="JAVASCRIPT:steal()">js</a> <a href="vbscript:x">vb</a>
      <img src="data:image/gif;base64,R0lGOD" alt="pixel"> <img src="/i.png"></p>`;
    const result = await make().convert({ html, url: URL_BASE, signal: never });
    expect(result.markdown).toBe(
      '[rel](https://example.com/api/x?y=1#z) [proto](https://cdn.example.org/f) js vb pixel',
    );
  });

  it('writes tables with a header row, escaped pipes and a caption', async () => {
    const html = `<table><caption>Prices</caption><thead><tr><th>Item</th><th>Cost</th></tr></thead>
      <tbody><tr><td>a|b</td><td>1</td></tr><tr><td>multi<br>line</td><td>2</td></tr></tbody></table>`;
    const result = await make().convert({ html, url: URL_BASE, signal: never });
    expect(result.markdown).toBe(
      [
        'Prices',
        '',
        '| Item | Cost |',
        '| --- | --- |',
        '| a\\|b | 1 |',
        '| multi line | 2 |',
      ].join('\n'),
    );
  });

  it('converts concurrent calls independently and keeps working afterwards', async () => {
    const instance = make();
    const pages = await Promise.all(
      [1, 2, 3].map((n) =>
        instance.convert({ html: `<p>page ${n}</p>`, url: URL_BASE, signal: never }),
      ),
    );
    expect(pages.map((page) => page.markdown)).toEqual(['page 1', 'page 2', 'page 3']);
    expect(
      (await instance.convert({ html: '<p>again</p>', url: URL_BASE, signal: never })).markdown,
    ).toBe('again');
  });

  it('reports a page too deeply nested to convert, then keeps working', async () => {
    // A small stack makes turndown's recursion overflow at a depth domino parses quickly.
    const instance = make(512, 0.5);
    const html = `${'<div>'.repeat(2000)}deep${'</div>'.repeat(2000)}`;
    await expect(instance.convert({ html, url: URL_BASE, signal: never })).rejects.toThrow(
      'RangeError: Maximum call stack size exceeded',
    );
    expect(
      (await instance.convert({ html: '<p>fine</p>', url: URL_BASE, signal: never })).markdown,
    ).toBe('fine');
  });

  it('terminates a conversion that is still running when the signal aborts', async () => {
    // One worker: the next call gets a thread only once the aborted one has exited (its `exit`
    // event frees the slot), so "next" converting proves the worker was terminated; the page
    // itself takes minutes to convert. A stopwatch (`< 2000` ms) judged this before.
    converter = createHtmlConverter({ maxMemoryMb: 512, maxWorkers: 1 });
    const instance = converter;
    const controller = new AbortController();
    const html = '<div>'.repeat(200_000);
    const running = instance.convert({ html, url: URL_BASE, signal: controller.signal });
    expect(instance.stats()).toMatchObject({ workers: 1, busy: 1 });
    const next = instance.convert({ html: '<p>next</p>', url: URL_BASE, signal: never });
    expect(instance.stats()).toMatchObject({ queued: 1 });
    controller.abort(new Error('stop'));
    await expect(running).rejects.toThrow('stop');
    expect((await next).markdown).toBe('next');
    expect(instance.stats()).toMatchObject({ workers: 1, peakWorkers: 1 });
  });

  it('fails instead of crashing when a page needs more memory than allowed', async () => {
    const instance = make(32);
    const html = `<table>${'<tr><td>cell</td><td>cell</td></tr>'.repeat(200_000)}</table>`;
    await expect(
      instance.convert({ html, url: URL_BASE, signal: AbortSignal.timeout(60_000) }),
    ).rejects.toThrow(/memory/i);
  }, 60_000);

  // Issue 10: one worker per concurrent call meant 32 calls started 32 threads (570 MB RSS, each
  // allowed a 512 MB heap). The pool bounds them; the rest wait in a queue.
  it('runs at most maxWorkers conversions at once and queues the rest', async () => {
    const instance = createHtmlConverter({ maxMemoryMb: 512, maxWorkers: 2 });
    converter = instance;
    const pages = [1, 2, 3, 4, 5, 6].map((n) =>
      instance
        .convert({ html: `<p>page ${n}</p>`, url: URL_BASE, signal: never })
        .then((page) => page.markdown),
    );
    expect(instance.stats()).toEqual({ workers: 2, busy: 2, queued: 4, peakWorkers: 2 });
    expect(await Promise.all(pages)).toEqual([1, 2, 3, 4, 5, 6].map((n) => `page ${n}`));
    expect(instance.stats()).toMatchObject({ busy: 0, queued: 0, peakWorkers: 2 });
  });

  it('uses at most two workers by default', () => {
    const instance = make();
    const pages = [1, 2, 3, 4].map((n) =>
      instance.convert({ html: `<p>${n}</p>`, url: URL_BASE, signal: never }),
    );
    expect(instance.stats().workers).toBe(Math.min(2, availableParallelism()));
    return Promise.all(pages);
  });

  it('lets a queued conversion time out or abort while it waits, and keeps the pool working', async () => {
    const instance = createHtmlConverter({ maxMemoryMb: 512, maxWorkers: 1 });
    converter = instance;
    const slow = new AbortController();
    const running = instance.convert({
      html: '<div>'.repeat(200_000),
      url: URL_BASE,
      signal: slow.signal,
    });
    const timedOut = instance.convert({
      html: '<p>late</p>',
      url: URL_BASE,
      signal: AbortSignal.timeout(100),
    });
    const aborted = new AbortController();
    const abortedCall = instance.convert({
      html: '<p>never</p>',
      url: URL_BASE,
      signal: aborted.signal,
    });
    expect(instance.stats()).toMatchObject({ workers: 1, busy: 1, queued: 2 });
    aborted.abort(new Error('not needed any more'));
    await expect(abortedCall).rejects.toThrow('not needed any more');
    await expect(timedOut).rejects.toMatchObject({ name: 'TimeoutError' });
    // Both left the queue while the first conversion was still running.
    expect(instance.stats()).toMatchObject({ workers: 1, busy: 1, queued: 0 });
    slow.abort(new Error('stop'));
    await expect(running).rejects.toThrow('stop');
    expect(
      (await instance.convert({ html: '<p>next</p>', url: URL_BASE, signal: never })).markdown,
    ).toBe('next');
    // The replacement worker started only after the terminated one had exited.
    expect(instance.stats().peakWorkers).toBe(1);
  });

  it('rejects queued conversions when closed', async () => {
    const instance = createHtmlConverter({ maxMemoryMb: 512, maxWorkers: 1 });
    converter = instance;
    const first = instance.convert({ html: '<div>'.repeat(200_000), url: URL_BASE, signal: never });
    const queued = instance.convert({ html: '<p>x</p>', url: URL_BASE, signal: never });
    const settled = Promise.allSettled([first, queued]);
    await instance.close();
    const [firstOutcome, queuedOutcome] = await settled;
    expect(firstOutcome.status).toBe('rejected');
    expect(queuedOutcome).toMatchObject({
      status: 'rejected',
      reason: { message: 'the HTML converter was closed' },
    });
  });

  it('refuses to start after the signal has aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('too late'));
    await expect(
      make().convert({ html: '<p>x</p>', url: URL_BASE, signal: controller.signal }),
    ).rejects.toThrow('too late');
  });
});
