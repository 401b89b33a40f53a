import type { GenerateContentBody } from '@gemloop/core/wire';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { demoModel } from '@gemloop/testing/dev-model';
import { describe, expect, it } from 'vitest';
import { describeRun, type ExampleRun, runExample } from './run-example-process.ts';

// The code the README shows lives in test/readme/*.ts: typechecked with the examples, and run
// here unmodified, with GEMINI_API_KEY and GEMINI_BASE_URL pointing createGemini() at a local
// fake that plays demoModel. cometapi.ts is only typechecked: it names the real gateway.

const KEY = 'readme-test-key-0123456789';

async function runSnippet(
  name: string,
  fake = createFakeGemini({ script: demoModel() }),
): Promise<{ run: ExampleRun; fake: FakeGemini }> {
  const { url } = await fake.listen();
  // Closed here, not in afterEach: the tests run concurrently, each with its own fake.
  const run = await runExample(`test/readme/${name}.ts`, {
    env: { GEMINI_API_KEY: KEY, GEMINI_BASE_URL: url },
  }).finally(() => fake.close());
  expect(run.code, describeRun(run)).toBe(0);
  expect(run.stdout + run.stderr).not.toContain(KEY);
  return { run, fake };
}

const body = (fake: FakeGemini, index: number) =>
  fake.modelRequests[index]?.body as GenerateContentBody;

describe.concurrent('the README snippets', () => {
  it('dev model (testing README): a tool call and an answer with no script written', async () => {
    // The snippet starts its own fake with the dev model; the env's fake goes unused.
    const { run } = await runSnippet('dev-model');
    expect(run.stdout).toContain('Paris');
    expect(run.stdout).toContain('18 °C');
  });

  it('files and batches: an upload referred to by a part, then a batch of two', async () => {
    const { run, fake } = await runSnippet('files-and-batches');
    const sent = fake.modelRequests.flatMap((request) =>
      (request.body as GenerateContentBody).contents.flatMap((content) => content.parts),
    );
    // filePart inlined the 300 kB recording; the upload went through the Files API.
    expect(sent.some((part) => part.inlineData?.mimeType === 'audio/wav')).toBe(true);
    expect(run.stdout.trim().split('\n')).toHaveLength(3);
  });

  it('embeddings: two documents in one call, a query and an image embedded, the cost priced', async () => {
    const { run, fake } = await runSnippet('embeddings');
    expect(run.stdout.trim().split('\n')).toEqual([
      '2 768 3072',
      expect.stringMatching(/^0\.\d+$/),
    ]);
    expect(fake.requests.map((request) => request.method)).toEqual([
      'batchEmbedContents',
      'embedContent',
      'embedContent',
    ]);
  });

  it('long-term memory: remembered, recalled before the run, listed and forgotten', async () => {
    const { run, fake } = await runSnippet('long-term-memory');
    expect(run.stdout.trim().split('\n')).toEqual(['true', "[ 'Prefers trains to planes.' ]", '1']);
    expect(fake.requests.map((request) => request.method).slice(0, 2)).toEqual([
      'embedContent',
      'embedContent',
    ]);
  });

  it('file search: a store built, searched by the fileSearch tool, cited and deleted', async () => {
    const { run, fake } = await runSnippet('file-search');
    expect(body(fake, 0).tools).toEqual([
      {
        fileSearch: {
          fileSearchStoreNames: [expect.stringMatching(/^fileSearchStores\/handbook-/)],
          metadataFilter: 'team = "hr"',
        },
      },
    ]);
    expect(run.stdout).toContain(
      'cited: leave.txt: Every employee gets 25 days of paid leave a year.',
    );
    expect(fake.requests.at(-1)?.method).toBe('fileSearchStores.delete');
  });

  it('steering: the steer joins the running loop and the queued message follows the answer', async () => {
    const { fake } = await runSnippet('steering');
    const texts = fake.modelRequests.map((request) =>
      JSON.stringify((request.body as GenerateContentBody).contents),
    );
    expect(texts.some((text) => text.includes('Keep it under 500 EUR.'))).toBe(true);
    const last = texts.at(-1) ?? '';
    expect(last).toContain('Then list what to pack.');
    expect(fake.modelRequests.length).toBeGreaterThanOrEqual(2);
  });

  it('agents made of agents: the lead runs with a subagent tool and a handoff declared', async () => {
    const { run, fake } = await runSnippet('agents-made-of-agents');
    expect(run.stdout.trim()).toMatch(/^\d+ true$/);
    const names = (
      (fake.modelRequests[0]?.body as GenerateContentBody | undefined)?.tools ?? []
    ).flatMap((tool) => (tool.functionDeclarations ?? []).map((declaration) => declaration.name));
    expect(names).toEqual(expect.arrayContaining(['research', 'transfer_to_billing']));
  });

  it('guardrails: the answer the caller gets is redacted, the history keeps the model words', async () => {
    const fake = createFakeGemini({ script: [turn.text('Sent to ann@example.com.')] });
    const { run } = await runSnippet('guardrails', fake);
    expect(run.stdout.trim()).toBe('redacted');
  });

  it('quick start: one tool, one answer', async () => {
    const { run, fake } = await runSnippet('quick-start');
    expect(run.stdout).toContain('Paris: 18 °C, sunny.');
    expect(fake.modelRequests).toHaveLength(2);
  });

  it('streaming: prints tool calls, results and text as they come', async () => {
    const { run } = await runSnippet('streaming');
    expect(run.stdout).toContain("→ calculator { expression: '23 * 19' }");
    expect(run.stdout).toContain("✓ calculator { expression: '23 * 19', result: 437 }");
    expect(run.stdout).toMatch(/\n2 steps, \d+ tokens/);
  });

  it('structured output: sends the schema and prints a typed field', async () => {
    const { run, fake } = await runSnippet('structured-output');
    expect(run.stdout.trim()).toBe('demo@example.com');
    expect(body(fake, 0).generationConfig?.responseMimeType).toBe('application/json');
  });

  it('search with tools: sends googleSearch beside the functions on Gemini 3', async () => {
    const { fake } = await runSnippet('search-with-tools');
    expect(body(fake, 0).tools?.[0]).toEqual({ googleSearch: {} });
    expect(body(fake, 0).toolConfig).toEqual({ includeServerSideToolInvocations: true });
  });

  it('search with tools: a source title and an answer with terminal escapes print as text', async () => {
    // terminal42: an OSC 52 (clipboard write), a cursor-up and erase-line, a bidi override.
    const hostile = '\u001b]52;c;cm0=\u0007\u001b[1A\u001b[2K\u202E\u009b2J';
    const fake = createFakeGemini({
      script: [
        turn.text(`330 m${hostile}\nabout 1,083 ft 🗼`, {
          groundingMetadata: {
            groundingChunks: [
              { web: { uri: `https://a.example/${hostile}`, title: `Tour${hostile}` } },
            ],
          },
        }),
      ],
    });
    const { run } = await runSnippet('search-with-tools', fake);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
    expect(run.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    const shown = '\\u{1b}]52;c;cm0=\\u{7}\\u{1b}[1A\\u{1b}[2K\\u{202e}\\u{9b}2J';
    expect(run.stdout).toContain(`Tour${shown} https://a.example/`);
    expect(run.stdout).toContain(`330 m${shown}\nabout 1,083 ft 🗼`);
  });

  it('ready-made tools: the agent answers with the calculator and closes its tools', async () => {
    const { run, fake } = await runSnippet('ready-made-tools');
    expect(run.stdout).toContain('2 ^ 10 = 1024.');
    const declared = body(fake, 0).tools?.[0]?.functionDeclarations?.map(({ name }) => name);
    expect(declared).toEqual(
      expect.arrayContaining(['calculator', 'get_current_time', 'web_fetch', 'read_file']),
    );
  });

  it('approval: the denied call is answered with the reason', async () => {
    const { run } = await runSnippet('approval');
    expect(run.stdout).toContain('Deleted tmp/cache.json.');
    expect(run.stdout).toContain('Only files in tmp/ may be deleted, not notes.md.');
  });

  it('caching: the handbook is cached once, both runs use it, close() deletes it', async () => {
    const { run, fake } = await runSnippet('caching');
    const [first, second] = run.stdout.trim().split('\n');
    expect(first).toMatch(/^active [1-9]\d*$/);
    expect(second).toBe(first);
    expect(fake.requests.map(({ method }) => method)).toEqual([
      'countTokens',
      'caches.create',
      'generateContent',
      'generateContent',
      'caches.delete',
    ]);
    for (const index of [0, 1]) {
      expect(body(fake, index).cachedContent).toMatch(/^cachedContents\//);
      expect(body(fake, index).systemInstruction).toBeUndefined();
    }
  });

  it('observability: one invoke_agent span over its model and tool spans, and a recorded run', async () => {
    const { run } = await runSnippet('observability');
    expect(run.stdout).toContain("'execute_tool get_weather'");
    expect(run.stdout).toContain("'generate_content gemini-3-flash-preview'");
    expect(run.stdout).toContain("'invoke_agent weather-bot'");
  });

  it('chat: the second message is sent with the first exchange', async () => {
    const { fake } = await runSnippet('chat');
    expect(body(fake, 1).contents.map((content) => content.role)).toEqual([
      'user',
      'model',
      'user',
    ]);
  });

  it('errors: an API error is caught with its fields', async () => {
    const refusing = createFakeGemini({ apiKeys: ['another-key-0123456789'] });
    const { run } = await runSnippet('errors', refusing);
    expect(run.stderr).toContain('The API key sent in the x-goog-api-key header was rejected.');
    expect(run.stderr).toMatch(/ 400 INVALID_ARGUMENT false undefined/);
  });

  it('testing: a scripted fake drives the agent with no key at all', async () => {
    const run = await runExample('test/readme/testing.ts');
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.stdout).toContain("18 °C in Paris. { city: 'Paris', temperatureC: 18 } 2");
  });
});
