import type { FakeTurn } from '@gemloop/testing';
import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { serveA2A, userMessage } from '../a2a/__fixtures__/serve-a2a.ts';
import { serveAgUi } from '../ag-ui/__fixtures__/serve-ag-ui.ts';
import { serveMcp } from '../mcp/__fixtures__/serve-mcp.ts';
import { KEYS, serveOpenAI } from '../openai/__fixtures__/serve-openai.ts';

// attack27: what a hostile model or gateway puts in the parts Gemini returns besides the answer
// (thought summaries, thought signatures, code and its output, inline media of `text/html` and
// SVG with script, `fileData` URIs of `javascript:` and the metadata address, grounding chunks
// of `javascript:` and internal addresses, URL context, citations), streamed and unary, through
// every door. A protocol client gets the answer's text and nothing of the rest: no door forwards
// thoughts by default (the AG-UI door only with `thoughts: true`), a signature, a link or media.
// Held on arrival (read: the doors map `text-delta` and `result.text` only); kept as a guard.

const ANSWER = 'The answer.';
const MARKERS = [
  'THOUGHT-MARKER',
  'SIGNATURE-MARKER',
  'CODE-MARKER',
  'OUTPUT-MARKER',
  'HTML-MARKER',
  'SVG-MARKER',
  '169.254.169.254',
  'javascript:',
  'file:///etc/passwd',
  'GROUNDING-MARKER',
  'CITATION-MARKER',
  'RENDERED-MARKER',
  'vbscript:',
  'data:text/html',
];

const base64 = (text: string) => Buffer.from(text).toString('base64');

/** One chunk (or one whole answer) of everything but the answer, then the answer. */
function richParts() {
  return [
    { text: 'I think THOUGHT-MARKER about it.', thought: true, thoughtSignature: 'U0lHTkFUVVJF' },
    { executableCode: { language: 'PYTHON', code: 'print("CODE-MARKER")' } },
    { codeExecutionResult: { outcome: 'OUTCOME_NEW', output: 'OUTPUT-MARKER\n'.repeat(1000) } },
    {
      inlineData: {
        mimeType: 'text/html',
        data: base64('<script>alert("HTML-MARKER")</script>'),
      },
    },
    {
      inlineData: {
        mimeType: 'image/svg+xml',
        data: base64('<svg onload="alert(`SVG-MARKER`)"></svg>'),
      },
    },
    { fileData: { mimeType: 'text/html', fileUri: 'javascript:alert(1)' } },
    { fileData: { mimeType: 'text/plain', fileUri: 'file:///etc/passwd' } },
    { fileData: { mimeType: 'text/plain', fileUri: 'http://169.254.169.254/latest/meta-data/' } },
    { text: ANSWER, thoughtSignature: 'SIGNATURE-MARKER' },
  ];
}

const metadata = {
  groundingMetadata: {
    webSearchQueries: ['GROUNDING-MARKER'],
    groundingChunks: [
      { web: { uri: 'javascript:alert("GROUNDING-MARKER")', title: 'GROUNDING-MARKER' } },
      { web: { uri: 'http://169.254.169.254/', title: 'metadata' } },
      // attack42c: the other schemes, a File Search chunk, and a title of bidi overrides.
      { web: { uri: 'vbscript:msgbox("GROUNDING-MARKER")', title: '\u202Egpj.exe' } },
      { web: { uri: 'data:text/html,<script>GROUNDING-MARKER</script>' } },
      { retrievedContext: { uri: '//evil.example/GROUNDING-MARKER', title: 'GROUNDING-MARKER' } },
    ],
    // The HTML Google asks apps to show (gemini-wire.md §3.4): no door passes it on.
    searchEntryPoint: {
      renderedContent:
        '<script>alert("RENDERED-MARKER")</script><img src=x onerror="RENDERED-MARKER">',
    },
    groundingSupports: [
      {
        segment: { startIndex: -5, endIndex: 1e9, text: 'GROUNDING-MARKER' },
        groundingChunkIndices: [0, 1, 99999],
      },
    ],
  },
  urlContextMetadata: {
    urlMetadata: [
      { retrievedUrl: 'file:///etc/passwd', urlRetrievalStatus: 'URL_RETRIEVAL_STATUS_SUCCESS' },
    ],
  },
  citationMetadata: {
    citations: [{ uri: 'javascript:alert("CITATION-MARKER")', startIndex: 0, endIndex: 3 }],
    citationSources: [
      { uri: 'javascript:alert("CITATION-MARKER")', startIndex: -1, endIndex: 1e9 },
    ],
  },
};

/** The rich answer as one response (a unary call, or a stream of one chunk). */
function richTurn(): FakeTurn {
  return turn.raw({
    candidates: [
      {
        content: { role: 'model', parts: richParts() },
        finishReason: 'STOP',
        index: 0,
        ...metadata,
      },
    ],
  } as never);
}

/** The rich answer streamed a part a chunk, the metadata on the last. */
function richChunks(): FakeTurn {
  const parts = richParts();
  return turn.raw(
    parts.map((part, index) => ({
      candidates: [
        {
          content: { role: 'model', parts: [part] },
          index: 0,
          ...(index === parts.length - 1 ? { finishReason: 'STOP', ...metadata } : {}),
        },
      ],
    })) as never,
  );
}

function expectNoMarker(all: string) {
  for (const marker of MARKERS) expect(all, marker).not.toContain(marker);
}

describe('no door forwards what a model puts beside its answer (attack27)', () => {
  it('OpenAI chat completions, streamed and not', async () => {
    const { baseURL } = await serveOpenAI([richChunks(), richTurn()]);
    const ask = (stream: boolean) =>
      fetch(`${baseURL}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEYS.alice}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'support-agent',
          stream,
          messages: [{ role: 'user', content: 'Answer.' }],
        }),
      }).then((response) => response.text());
    const streamed = await ask(true);
    expectNoMarker(streamed);
    expect(streamed).toContain(ANSWER);
    const unary = await ask(false);
    expectNoMarker(unary);
    expect(JSON.parse(unary).choices[0].message.content).toBe(ANSWER);
  });

  it('OpenAI Responses, streamed and not', async () => {
    const { baseURL } = await serveOpenAI([richChunks(), richTurn()]);
    const ask = (stream: boolean) =>
      fetch(`${baseURL}/responses`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEYS.alice}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'support-agent', stream, input: 'Answer.' }),
      }).then((response) => response.text());
    const streamed = await ask(true);
    expectNoMarker(streamed);
    expect(streamed).toContain(ANSWER);
    const unary = await ask(false);
    expectNoMarker(unary);
    expect(unary).toContain(ANSWER);
  });

  it('MCP: the tool result and its progress', async () => {
    const { httpClient } = await serveMcp([richChunks()]);
    const { client } = await httpClient();
    const progress: unknown[] = [];
    const result = await client.callTool(
      { name: 'ask_support', arguments: { message: 'Answer.' } },
      undefined,
      { onprogress: (update) => void progress.push(update) },
    );
    expectNoMarker(JSON.stringify({ result, progress }));
    expect(result.structuredContent).toEqual({ answer: ANSWER });
  });

  it('AG-UI: every event of the run (thoughts off by default)', async () => {
    const { client, events } = await serveAgUi([richChunks()]);
    const { seen, run } = await events(client(), 'Answer.');
    expectNoMarker(JSON.stringify({ seen, run }));
    expect(seen.some((event) => event.type.startsWith('REASONING'))).toBe(false);
  });

  it('AG-UI with `thoughts: true`: the thought summary, and still no signature, link or media', async () => {
    const { client, events } = await serveAgUi([richChunks()], { handler: { thoughts: true } });
    const { seen } = await events(client(), 'Answer.');
    const all = JSON.stringify(seen);
    expect(all).toContain('THOUGHT-MARKER');
    expectNoMarker(all.replaceAll('THOUGHT-MARKER', ''));
  });

  it('A2A: the streamed status updates and artifacts, and the final task', async () => {
    const { client } = await serveA2A([richChunks(), richTurn()]);
    const a2a = await client();
    const streamed: unknown[] = [];
    for await (const event of a2a.sendMessageStream(userMessage('Answer.') as never))
      streamed.push(event);
    const task = await a2a.sendMessage(userMessage('Answer.') as never);
    const all = JSON.stringify({ streamed, task });
    expectNoMarker(all);
    expect(all).toContain(ANSWER);
  });
});
