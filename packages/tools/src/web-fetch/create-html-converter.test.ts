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
    const instance = make();
    const controller = new AbortController();
    const html = '<div>'.repeat(200_000);
    const started = Date.now();
    setTimeout(() => controller.abort(new Error('stop')), 200);
    await expect(
      instance.convert({ html, url: URL_BASE, signal: controller.signal }),
    ).rejects.toThrow('stop');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(
      (await instance.convert({ html: '<p>next</p>', url: URL_BASE, signal: never })).markdown,
    ).toBe('next');
  });

  it('fails instead of crashing when a page needs more memory than allowed', async () => {
    const instance = make(32);
    const html = `<table>${'<tr><td>cell</td><td>cell</td></tr>'.repeat(200_000)}</table>`;
    await expect(
      instance.convert({ html, url: URL_BASE, signal: AbortSignal.timeout(60_000) }),
    ).rejects.toThrow(/memory/i);
  }, 60_000);

  it('refuses to start after the signal has aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('too late'));
    await expect(
      make().convert({ html: '<p>x</p>', url: URL_BASE, signal: controller.signal }),
    ).rejects.toThrow('too late');
  });
});
