/**
 * The source of the worker thread that turns HTML into markdown with turndown and its DOM,
 * domino. It is plain CommonJS kept in a string (run with `new Worker(source, { eval: true })`)
 * so the same code runs from `src` under vitest and from `dist`, with no build step for a worker
 * file. The main thread passes the resolved paths of turndown and domino in `workerData`.
 *
 * Why a worker at all: every HTML library measured has inputs that take super-linear time or
 * overflow the stack. On this machine domino (turndown's parser) needs 8 s for 8 000 nested
 * `<div>`s (40 KB) and did not finish 100 000 in 60 s; node-html-markdown needed 53 s for a real
 * 1.6 MB page (the Rust std `usize` docs); html-to-text overflowed its stack on 20 000 nested
 * lists. A hostile page must not freeze the agent's event loop, and a synchronous conversion
 * cannot be interrupted, so it runs here, where the main thread can terminate it on time-out or
 * abort, with a memory limit.
 *
 * Conversion: links and images made absolute against the page URL (`javascript:` links and
 * `data:` images dropped), scripts, styles, navigation, forms, footers and hidden elements
 * removed, the single `<main>`/`[role=main]`/`<article>` taken when it holds at least a quarter of
 * the text, tables as GitHub tables.
 * @internal
 */
export const HTML_WORKER_SOURCE: string = String.raw`
'use strict';
// domino answers some lookups with undefined instead of null, hence the loose == null checks.
const { parentPort, workerData } = require('node:worker_threads');
const TurndownService = require(workerData.turndownPath);
const domino = require(workerData.dominoPath);

const REMOVED = ['script', 'style', 'noscript', 'template', 'iframe', 'object', 'embed', 'svg',
  'canvas', 'form', 'button', 'input', 'select', 'textarea', 'nav', 'footer', 'head', 'link',
  'meta', 'dialog'];
const REMOVED_SELECTOR = REMOVED.filter(function (name) { return name !== 'head'; }).join(', ') +
  ', [hidden], [aria-hidden="true"]';

function isFirstElement(node) {
  return node.previousElementSibling == null;
}

function isHeaderRow(row) {
  if (!isFirstElement(row)) return false;
  const parent = row.parentNode;
  if (parent == null || parent.nodeName === 'TABLE') return true;
  const before = parent.previousElementSibling;
  return before == null || before.nodeName === 'CAPTION' || before.nodeName === 'COLGROUP';
}

function cellText(content) {
  const lines = content.split('\n').map(function (line) { return line.trim(); });
  return lines.filter(function (line) { return line !== ''; }).join(' ').split('|').join('\\|');
}

function createService() {
  const service = new TurndownService({
    headingStyle: 'atx',
    codeBlockStyle: 'fenced',
    bulletListMarker: '-',
    emDelimiter: '_',
    hr: '---',
  });
  service.remove(REMOVED);
  service.addRule('tableCell', {
    filter: ['th', 'td'],
    replacement: function (content, node) {
      return (isFirstElement(node) ? '| ' : ' ') + cellText(content) + ' |';
    },
  });
  service.addRule('tableRow', {
    filter: 'tr',
    replacement: function (content, node) {
      if (!isHeaderRow(node)) return '\n' + content;
      let cells = 0;
      for (let child = node.firstElementChild; child != null; child = child.nextElementSibling) {
        if (child.nodeName === 'TH' || child.nodeName === 'TD') cells++;
      }
      return '\n' + content + '\n|' + ' --- |'.repeat(Math.max(cells, 1));
    },
  });
  service.addRule('tableSection', {
    filter: ['thead', 'tbody', 'tfoot'],
    replacement: function (content) { return content; },
  });
  service.addRule('tableCaption', { filter: 'caption', replacement: function () { return ''; } });
  service.addRule('table', {
    filter: 'table',
    replacement: function (content, node) {
      const caption = node.querySelector('caption');
      const title = caption == null ? '' : caption.textContent.trim() + '\n\n';
      const rows = content.split('\n').filter(function (line) { return line.trim() !== ''; });
      return '\n\n' + title + rows.join('\n') + '\n\n';
    },
  });
  service.addRule('image', {
    filter: 'img',
    replacement: function (content, node) {
      const alt = (node.getAttribute('alt') || '').split('\n').join(' ').trim();
      const src = node.getAttribute('src') || '';
      if (alt === '') return '';
      if (src === '' || src.slice(0, 5).toLowerCase() === 'data:') return alt;
      return '![' + alt.split(']').join('\\]') + '](' + src + ')';
    },
  });
  return service;
}

function absolutize(element, attribute, base) {
  const value = element.getAttribute(attribute);
  try {
    const resolved = new URL(value, base);
    if (resolved.protocol === 'http:' || resolved.protocol === 'https:') {
      element.setAttribute(attribute, resolved.href);
      return;
    }
  } catch (error) {}
  element.removeAttribute(attribute);
}

function pickContent(document) {
  const body = document.body || document.documentElement;
  let main = document.querySelector('main, [role="main"]');
  if (main == null) {
    const articles = document.querySelectorAll('article');
    if (articles.length === 1) main = articles[0];
  }
  if (main != null && main.textContent.length * 4 >= body.textContent.length) return main;
  return body;
}

function tidy(markdown) {
  const lines = markdown.split('\n');
  const kept = [];
  let blank = 0;
  for (const line of lines) {
    const trimmed = line.trimEnd();
    if (trimmed === '') {
      blank++;
      if (blank > 1) continue;
    } else {
      blank = 0;
    }
    kept.push(trimmed);
  }
  return kept.join('\n').trim();
}

const service = createService();

parentPort.on('message', function (job) {
  try {
    const document = domino.createDocument(job.html);
    const title = (document.title || '').split(/\s+/).join(' ').trim().slice(0, 300);
    for (const anchor of document.querySelectorAll('a[href]')) absolutize(anchor, 'href', job.url);
    for (const image of document.querySelectorAll('img[src]')) absolutize(image, 'src', job.url);
    // Removed from the tree, not with turndown's remove(): turndown's own rules (p, div, ...)
    // win over remove(), so a hidden paragraph would still be converted.
    for (const element of document.querySelectorAll(REMOVED_SELECTOR)) element.remove();
    const root = pickContent(document);
    const markdown = root == null ? '' : tidy(service.turndown(root));
    parentPort.postMessage({ id: job.id, ok: true, title: title, markdown: markdown });
  } catch (error) {
    const message = error instanceof Error ? error.name + ': ' + error.message : String(error);
    parentPort.postMessage({ id: job.id, ok: false, error: message });
  }
});
`;
