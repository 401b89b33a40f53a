// attack49a: gemloop in an unusual environment, as users run it: a process of plain node on the
// built packages, with the environment a user's machine, container or CI gives it (a locale, a
// time zone, NODE_OPTIONS hardening flags, proxy variables with credentials, a low open-files
// limit), the model the fake Gemini on 127.0.0.1. Each try states what a demanding user expects;
// the one that broke (skills read in the order of the machine's locale) is fixed in loadSkills.

import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeGemini, turn } from '@gemloop/testing';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { nodeBinary } from '../scripts/node-binary.ts';
import { GUARDED_TEST_LIMIT_MS, runGuarded } from '../scripts/run-guarded.ts';
import { builtFile } from './fixtures/built-file.ts';

const CORE = builtFile('core/dist/index.js');
const TOOLS = builtFile('tools/dist/index.js');
const CHAT = builtFile('core/dist/chat/index.node.js');
const MEMORY = builtFile('core/dist/memory/index.node.js');

let folder = '';
beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'gemloop-a49a-environment-'));
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Writes `source` as a module in the test's folder; its path. */
function script(name: string, source: string): string {
  const path = join(folder, name);
  writeFileSync(path, source);
  return path;
}

/**
 * Runs `node <args>` with only PATH and `env` in its environment (no proxy, locale or NODE_OPTIONS
 * of this machine's), under the hang guard; its stdout's lines, each a JSON object, merged.
 */
async function runNode(
  args: readonly string[],
  env: Record<string, string>,
  node: string = process.execPath,
): Promise<Record<string, unknown>> {
  const { stdout } = await runGuarded(node, args, {
    env: { PATH: process.env['PATH'] ?? '', ...env },
  });
  // Each line a JSON object, together one report (a script may print a line per check).
  return Object.assign(
    {},
    ...stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>),
  ) as Record<string, unknown>;
}

/** An agent with one tool that answers from its arguments; prints the answer as JSON. */
const AGENT_RUN = `
import { createAgent, createGemini, defineTool, jsonSchema } from ${JSON.stringify(CORE)};
const echo = defineTool({
  name: 'look_up',
  description: 'Looks a word up.',
  parameters: jsonSchema({ type: 'object', properties: { word: { type: 'string' } }, required: ['word'] }),
  execute: ({ word }) => ({ word, upper: word.toUpperCase(), length: word.length }),
});
const gemini = createGemini({ baseUrl: process.env.FAKE_URL, apiKey: 'env-test-key', retry: false });
const agent = createAgent({ gemini, model: 'gemini-2.5-flash', tools: [echo] });
const result = await agent.run('Look up "istanbul".');
let streamed = '';
for await (const event of agent.stream('Look up "istanbul" again.')) {
  if (event.type === 'text-delta') streamed += event.text;
}
console.log(JSON.stringify({ text: result.text, streamed }));
`;

/** Reads the skills under argv[2]; prints their names and files in the order given. */
const SKILLS_ORDER = `
import { loadSkills } from ${JSON.stringify(TOOLS)};
const skills = await loadSkills(process.argv[2]);
console.log(JSON.stringify({ order: skills.map((skill) => [skill.name, ...skill.files.keys()]) }));
`;

/** Skills whose names and files sort apart by locale, in the test's folder; their folder. */
function writeSkills(): string {
  const skills = join(folder, 'skills');
  for (const name of ['zz-notes', 'ab-notes', 'aa-notes']) {
    mkdirSync(join(skills, name, 'references'), { recursive: true });
    writeFileSync(
      join(skills, name, 'SKILL.md'),
      `---\nname: ${name}\ndescription: Notes called ${name}.\n---\nRead the references.\n`,
    );
    // Turkish collation puts the capital I (dotless ı's) before i.
    writeFileSync(join(skills, name, 'references', 'Item.md'), 'item');
    writeFileSync(join(skills, name, 'references', 'index.md'), 'index');
  }
  return skills;
}

/**
 * The time zones and locales the agent runs under. Their processes read the skills too (the
 * skills test's locales C, Turkish and Danish): a locale is a process's (ICU reads it at start),
 * and one process makes both checks, printed on lines of their own, each test reading its own.
 */
const ZONES = [
  { TZ: 'UTC', LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8' },
  { TZ: 'Pacific/Chatham', LC_ALL: 'tr_TR.UTF-8', LANG: 'tr_TR.UTF-8' },
  // POSIX style: "UTC+14" is fourteen hours west of UTC; Intl names no zone for it.
  { TZ: 'UTC+14', LC_ALL: 'da_DK.UTF-8', LANG: 'da_DK.UTF-8' },
];

describe('gemloop in a hostile or unusual environment (built packages, plain node)', () => {
  describe("the machine's time zone and locale", () => {
    /** What each of ZONES' processes printed, and the model request bodies it sent. */
    const zoned: { locale: string; report: Record<string, unknown>; bodies: string[] }[] = [];
    let skills = '';
    beforeAll(async () => {
      const fake = createFakeGemini({
        script: (_request, { functionResponses }) =>
          functionResponses.length > 0
            ? turn.text(`Found: ${JSON.stringify(functionResponses[0]?.response)}`)
            : turn.call('look_up', { word: 'istanbul' }),
      });
      const { url } = await fake.listen();
      try {
        skills = writeSkills();
        const agentScript = script('skills-then-agent-run.mjs', `${SKILLS_ORDER}${AGENT_RUN}`);
        for (const env of ZONES) {
          const from = fake.modelRequests.length;
          const report = await runNode([agentScript, skills], { ...env, FAKE_URL: url });
          const bodies = fake.modelRequests
            .slice(from)
            .map((request) => JSON.stringify(request.body));
          zoned.push({ locale: env.LC_ALL, report, bodies });
        }
      } finally {
        await fake.close();
      }
    }, GUARDED_TEST_LIMIT_MS);

    it('sends the same bytes under an exotic time zone and a Turkish or Danish locale', () => {
      for (const { report } of zoned) {
        const { order: _skillsTestsLine, ...agentLine } = report;
        // The Turkish dotted capital İ would show a locale-dependent upper-casing.
        expect(agentLine).toEqual({
          text: 'Found: {"word":"istanbul","upper":"ISTANBUL","length":8}',
          streamed: 'Found: {"word":"istanbul","upper":"ISTANBUL","length":8}',
        });
      }
      const [utc, turkish, danish] = zoned.map(({ bodies }) => bodies);
      expect(utc).toHaveLength(4);
      expect(turkish).toEqual(utc);
      expect(danish).toEqual(utc);
    });

    it('reads skills in the same order whatever the locale (Danish sorted "aa-" last)', {
      timeout: GUARDED_TEST_LIMIT_MS,
    }, async () => {
      const expected = {
        order: ['aa-notes', 'ab-notes', 'zz-notes'].map((name) => [
          name,
          'references/index.md',
          'references/Item.md',
        ]),
      };
      // C, Turkish and Danish read by ZONES' processes; English and Swedish here.
      const loadScript = script('load-skills.mjs', SKILLS_ORDER);
      const reports: Record<string, unknown>[] = zoned.map(({ locale, report }) => ({
        locale,
        order: report['order'],
      }));
      for (const locale of ['en_US.UTF-8', 'sv_SE.UTF-8']) {
        reports.push({
          locale,
          ...(await runNode([loadScript, skills], { LC_ALL: locale, LANG: locale })),
        });
      }
      expect(reports.map(({ locale }) => locale)).toEqual([
        'C.UTF-8',
        'tr_TR.UTF-8',
        'da_DK.UTF-8',
        'en_US.UTF-8',
        'sv_SE.UTF-8',
      ]);
      for (const report of reports)
        expect(report).toEqual({ locale: report['locale'], ...expected });
    });
  });

  it('runs under NODE_OPTIONS=--frozen-intrinsics --disallow-code-generation-from-strings', {
    timeout: GUARDED_TEST_LIMIT_MS,
  }, async () => {
    const fake = createFakeGemini({
      script: (_request, { functionResponses }) =>
        functionResponses.length > 0 ? turn.text('done') : turn.call('look_up', { word: 'frozen' }),
    });
    const { url } = await fake.listen();
    onTestFinished(() => fake.close());
    const agentScript = script('agent-hardened.mjs', AGENT_RUN);
    // Neither eval nor new Function anywhere on the run path (the schema validator, the SSE
    // parser, pino), and no write to a built-in's prototype.
    const report = await runNode([agentScript], {
      FAKE_URL: url,
      NODE_OPTIONS: '--frozen-intrinsics --disallow-code-generation-from-strings',
    });
    expect(report).toEqual({ text: 'done', streamed: 'done' });
  });

  it('reaches a model on 127.0.0.1 with proxy variables set, and never shows the proxy password', {
    timeout: GUARDED_TEST_LIMIT_MS,
  }, async () => {
    const fake = createFakeGemini({ script: () => turn.text('through') });
    const { url } = await fake.listen();
    onTestFinished(() => fake.close());
    const runScript = script(
      'proxied.mjs',
      `import { inspect } from 'node:util';
import { createAgent, createGemini } from ${JSON.stringify(CORE)};
const gemini = createGemini({ baseUrl: process.env.FAKE_URL, apiKey: 'env-test-key', retry: false });
try {
  const result = await createAgent({ gemini, model: 'gemini-2.5-flash' }).run('hi');
  console.log(JSON.stringify({ text: result.text }));
} catch (error) {
  console.log(JSON.stringify({ error: error.message, everything: inspect(error, { depth: 20 }) + JSON.stringify(error) }));
}
`,
    );
    // Nothing listens on port 9 (discard): a proxy that refuses every connection.
    const deadProxy = 'http://proxy-user:pr0xy-pa55word@127.0.0.1:9';
    const proxies = {
      HTTP_PROXY: deadProxy,
      HTTPS_PROXY: deadProxy,
      ALL_PROXY: deadProxy,
      http_proxy: deadProxy,
      https_proxy: deadProxy,
    };
    // Node 20's fetch and gemloop's undici transport take no proxy from the environment.
    expect(await runNode([runScript], { ...proxies, FAKE_URL: url })).toEqual({
      text: 'through',
    });
    // Node 24 with its env proxy on: NO_PROXY keeps the loopback direct...
    const node24 = nodeBinary(24);
    const envProxy = { ...proxies, NODE_USE_ENV_PROXY: '1', FAKE_URL: url };
    expect(await runNode([runScript], { ...envProxy, NO_PROXY: '127.0.0.1' }, node24)).toEqual({
      text: 'through',
    });
    // ...and without it the dead proxy fails the call with a message that says to check a
    // proxy, never its user or password, in the message or anywhere in the error.
    const failed = await runNode([runScript], envProxy, node24);
    expect(failed['error']).toMatch(
      /could not reach 127\.0\.0\.1:\d+: .*check the network, a proxy/,
    );
    expect(failed['everything']).not.toMatch(/pr0xy-pa55word|proxy-user/);
  });

  it('names a key that `node --env-file` read behind a byte-order mark, never its value', {
    timeout: GUARDED_TEST_LIMIT_MS,
  }, async () => {
    // A .env saved by Notepad or PowerShell 5 ("UTF-8 with BOM", CRLF line ends): Node's parser
    // keeps the BOM in the first name. Before, the error said no key was set at all.
    const envFile = join(folder, 'windows.env');
    writeFileSync(envFile, '\uFEFFGEMINI_API_KEY=bom-key-value-1234\r\nOTHER=1\r\n');
    const keyScript = script(
      'key-behind-bom.mjs',
      `import { createGemini } from ${JSON.stringify(CORE)};
try {
  createGemini();
  console.log(JSON.stringify({ created: true }));
} catch (error) {
  console.log(JSON.stringify({ name: error.name, message: error.message }));
}
`,
    );
    const report = await runNode([`--env-file=${envFile}`, keyScript], {});
    expect(report['name']).toBe('MissingApiKeyError');
    expect(report['message']).toContain(
      'A variable "\\uFEFFGEMINI_API_KEY" is set: the .env file it came from starts with a byte-order mark',
    );
    expect(report['message']).not.toContain('bom-key-value-1234');
    // The same file without the BOM gives the key.
    writeFileSync(envFile, 'GEMINI_API_KEY=bom-key-value-1234\r\nOTHER=1\r\n');
    expect(await runNode([`--env-file=${envFile}`, keyScript], {})).toEqual({ created: true });
  });

  it('refuses a read-only data folder with a typed error naming the path and the fix, no file left', {
    timeout: GUARDED_TEST_LIMIT_MS,
  }, async () => {
    // Root writes anyway: as `nobody` (setpriv) when this runs as root.
    chmodSync(folder, 0o755);
    const readOnly = join(folder, 'read-only');
    mkdirSync(readOnly, { mode: 0o555 });
    chmodSync(readOnly, 0o555);
    const fake = createFakeGemini({ script: () => turn.text('hello') });
    const { url } = await fake.listen();
    onTestFinished(() => fake.close());
    const storeScript = script(
      'read-only-stores.mjs',
      `import { createAgent, createGemini } from ${JSON.stringify(CORE)};
import { createChatSession, createFileHistoryStore } from ${JSON.stringify(CHAT)};
import { createFileMemoryStore } from ${JSON.stringify(MEMORY)};
const dir = process.argv[2];
const outcome = (error) => ({ name: error.name, message: error.message });
const memory = await createFileMemoryStore({ path: dir + '/memories.jsonl' })
  .add('user-1', { kind: 'fact', text: 'likes tea', embedding: [1, 0] })
  .then(() => 'written', outcome);
const agent = createAgent({ gemini: createGemini({ baseUrl: process.env.FAKE_URL, apiKey: 'k', retry: false }), model: 'gemini-2.5-flash' });
const chat = await createChatSession({ agent, id: 's1', store: createFileHistoryStore({ directory: dir + '/chats' }) })
  .send('hi')
  .then(() => 'written', outcome);
console.log(JSON.stringify({ memory, chat }));
`,
    );
    chmodSync(storeScript, 0o644);
    const asNobody = process.getuid?.() === 0;
    const { stdout } = await runGuarded(
      asNobody ? 'setpriv' : process.execPath,
      [
        ...(asNobody ? ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath] : []),
        storeScript,
        readOnly,
      ],
      { env: { PATH: process.env['PATH'] ?? '', FAKE_URL: url } },
    );
    const { memory, chat } = JSON.parse(stdout.trim()) as Record<string, Record<string, string>>;
    expect(memory?.['name']).toBe('MemoryError');
    expect(memory?.['message']).toContain(
      `The memory file ${readOnly}/memories.jsonl cannot be written: EACCES`,
    );
    expect(memory?.['message']).toContain(
      'give it write permission on the folder, or choose a folder it can write',
    );
    expect(chat?.['name']).toBe('ChatStoreError');
    expect(chat?.['message']).toContain(`EACCES: permission denied, mkdir '${readOnly}/chats'`);
    expect(chat?.['message']).toContain(
      'give it write permission on the folder, or choose a folder it can write',
    );
    expect(readdirSync(readOnly)).toEqual([]);
  });

  it('runs 300 parallel tool calls that each open a file under `ulimit -n 160`', {
    timeout: GUARDED_TEST_LIMIT_MS,
  }, async () => {
    const calls = Array.from({ length: 300 }, (_, index) => ({ name: 'read_it', args: { index } }));
    const fake = createFakeGemini({
      script: (_request, { functionResponses }) =>
        functionResponses.length > 0
          ? turn.text(`read ${functionResponses.length}`)
          : turn.calls(calls),
    });
    const { url } = await fake.listen();
    onTestFinished(() => fake.close());
    const readScript = script(
      'parallel-reads.mjs',
      `import { readFile } from 'node:fs/promises';
import { createAgent, createGemini, defineTool, jsonSchema } from ${JSON.stringify(CORE)};
const readIt = defineTool({
  name: 'read_it',
  description: 'Reads a file.',
  parameters: jsonSchema({ type: 'object', properties: { index: { type: 'number' } }, required: ['index'] }),
  execute: async ({ index }) => ({ index, bytes: (await readFile(new URL(import.meta.url))).length }),
});
const gemini = createGemini({ baseUrl: process.env.FAKE_URL, apiKey: 'env-test-key', retry: false });
const result = await createAgent({ gemini, model: 'gemini-2.5-flash', tools: [readIt] }).run('go');
const failed = result.steps[0].toolCalls.filter((call) => call.error !== undefined).length;
console.log(JSON.stringify({ text: result.text, calls: result.steps[0].toolCalls.length, failed }));
`,
    );
    // Loading the built packages (hundreds of files read at once by Node's ESM loader) needs
    // more than 64 descriptors on Node 20; 160 leaves the calls fewer than they would take at
    // once: the default toolConcurrency (8) keeps them under it.
    const { stdout } = await runGuarded(
      'sh',
      ['-c', `ulimit -n 160 && exec "${process.execPath}" "${readScript}"`],
      { env: { PATH: process.env['PATH'] ?? '', FAKE_URL: url } },
    );
    expect(JSON.parse(stdout.trim())).toEqual({ text: 'read 300', calls: 300, failed: 0 });
  });
});
