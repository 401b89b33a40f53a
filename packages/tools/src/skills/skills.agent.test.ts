import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Content } from '@gemloop/core';
import { createAgent, createGemini } from '@gemloop/core';
import { createChatSession, createMemoryHistoryStore } from '@gemloop/core/chat';
import { createRunRecorder } from '@gemloop/core/recorder';
import type { FakeGemini } from '@gemloop/testing';
import { createFakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileTools } from '../files/create-file-tools.ts';
import { SKILL_FIXTURES } from './__fixtures__/skill-test-helpers.ts';
import { loadSkills } from './load-skills.ts';
import { skills } from './skills.ts';

// Agent Skills end to end on the fake Gemini over HTTP on 127.0.0.1: the model sees the list,
// picks a skill, loads it, reads one of its files and answers; unary, streamed and in a chat.

const ANSWER = '### Fixed\nCrash on empty input\n\nThanks to every contributor.';

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

function script() {
  return [
    turn.call('load_skill', { name: 'release-notes' }),
    turn.call('read_skill_file', { name: 'release-notes', path: 'references/style.md' }),
    turn.text(ANSWER),
  ];
}

async function setUp(script_: NonNullable<Parameters<typeof createFakeGemini>[0]>['script']) {
  const fake = createFakeGemini({ script: script_, seed: 3 });
  fakes.push(fake);
  const { url } = await fake.listen();
  // The files tools' root is the skills folder: the only place a skill's script could be read from.
  const files = createFileTools({ root: SKILL_FIXTURES });
  const kit = skills({ skills: await loadSkills(SKILL_FIXTURES), agentTools: files.tools });
  const agent = createAgent({
    gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }),
    model: 'gemini-3-flash-preview',
    instructions: `You write for a small team.\n\n${kit.instructions}`,
    tools: [...files.tools, ...kit.tools],
  });
  return { fake, agent };
}

function body(fake: FakeGemini, index: number) {
  return fake.modelRequests[index]?.body as {
    systemInstruction: Content;
    contents: Content[];
    tools: { functionDeclarations?: { name: string }[] }[];
  };
}

function responses(contents: Content[]) {
  return contents.flatMap((content) =>
    content.parts.flatMap((part) => (part.functionResponse ? [part.functionResponse] : [])),
  );
}

function expectDisclosure(fake: FakeGemini) {
  const first = body(fake, 0);
  const system = JSON.stringify(first.systemInstruction);
  // Before the pick: names and descriptions only, never a body or a file.
  expect(system).toContain('- release-notes: Writes release notes from a list of changes.');
  expect(system).toContain('- unit-convert: Converts between metric and imperial units');
  expect(system).not.toContain('Thanks to every contributor');
  expect(system).not.toContain('past tense');
  const declared = first.tools
    .flatMap((tool) => tool.functionDeclarations ?? [])
    .map((f) => f.name);
  expect(declared).toEqual(expect.arrayContaining(['load_skill', 'read_skill_file', 'read_file']));
  expect(declared).not.toContain('run_shell');
  // After: the body, then the file, went back as tool results.
  const [loaded, read] = responses(body(fake, 2).contents);
  expect(loaded?.name).toBe('load_skill');
  expect(JSON.stringify(loaded?.response)).toContain('Thanks to every contributor.');
  expect(JSON.stringify(loaded?.response)).toContain('"unavailableTools":["run_shell","Bash"]');
  expect(read?.name).toBe('read_skill_file');
  expect(JSON.stringify(read?.response)).toContain('past tense');
}

describe('an agent with skills', () => {
  it('loads the skill it picks and reads its file (unary run)', async () => {
    const { fake, agent } = await setUp(script());
    const result = await agent.run('Release notes for: fixed a crash on empty input.');
    expect(result.text).toBe(ANSWER);
    expectDisclosure(fake);
  });

  it('does the same streamed', async () => {
    const { fake, agent } = await setUp(script());
    const stream = agent.stream('Release notes for: fixed a crash on empty input.');
    const calls: string[] = [];
    for await (const event of stream) {
      if (event.type === 'tool-call') calls.push(event.toolName);
    }
    expect((await stream.result).text).toBe(ANSWER);
    expect(calls).toEqual(['load_skill', 'read_skill_file']);
    expectDisclosure(fake);
  });

  // leftovers60: which skill the run loaded, as an event of its own (a UI, the spans, the
  // recording read it without parsing a tool's result), just before the call's result (its
  // `afterToolCall` runs before the result is final); its name only, and none for a skill the
  // model made up (that call fails).
  it("streams a plugin event naming the skill loaded, before the call's result, once", async () => {
    const { agent } = await setUp([
      ...script(),
      turn.call('load_skill', { name: 'no-such-skill' }),
      turn.text('Done.'),
    ]);
    const stream = agent.stream('Release notes for: fixed a crash on empty input.');
    const seen: unknown[] = [];
    for await (const event of stream) {
      if (event.type === 'plugin') seen.push(event);
      if (event.type === 'tool-result' && event.toolCall.toolName === 'load_skill')
        seen.push('load_skill result');
    }
    await stream.result;
    expect(seen).toEqual([
      {
        type: 'plugin',
        path: [],
        plugin: 'skills',
        kind: 'skill-loaded',
        stepNumber: 1,
        data: { name: 'release-notes' },
      },
      'load_skill result',
    ]);
  });

  // Issue 53 (letters45): the README's row named S C. A skill is read through tool calls, so the
  // recording holds each as any call: its name, its arguments, what it returned.
  it('is recorded as its tool calls: the skill loaded, its file read', async () => {
    const fake = createFakeGemini({ script: script(), seed: 3 });
    fakes.push(fake);
    const dir = await mkdtemp(join(tmpdir(), 'gemloop-skills-recorded-'));
    try {
      const recorder = createRunRecorder({ dir });
      const files = createFileTools({ root: SKILL_FIXTURES });
      const kit = skills({ skills: await loadSkills(SKILL_FIXTURES), agentTools: files.tools });
      const agent = createAgent({
        gemini: createGemini({ fetch: fake.fetch, apiKey: 'test-key', retry: false }),
        model: 'gemini-3-flash-preview',
        instructions: kit.instructions,
        tools: [...files.tools, ...kit.tools],
        recorder,
        telemetry: false,
      });
      await agent.stream('Release notes for: fixed a crash on empty input.').result;
      await recorder.flush();
      const [name] = await readdir(dir);
      const lines = (await readFile(join(dir, name as string), 'utf8'))
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { type: string; toolName?: string; args?: unknown });
      expect(
        lines
          .filter((line) => line.type === 'tool-call-start')
          .map((line) => [line.toolName, line.args]),
      ).toEqual([
        ['load_skill', { name: 'release-notes' }],
        ['read_skill_file', { name: 'release-notes', path: 'references/style.md' }],
      ]);
      const ends = lines.filter((line) => line.type === 'tool-call-end');
      expect(ends.map((line) => (line as { outcome?: string }).outcome)).toEqual([
        'success',
        'success',
      ]);
      expect(JSON.stringify(ends[0])).toContain('Thanks to every contributor.');
      expect(JSON.stringify(ends[1])).toContain('past tense');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('keeps the loaded skill in a chat session history for the next message', async () => {
    const { fake, agent } = await setUp([...script(), turn.text('Same style as before.')]);
    const store = createMemoryHistoryStore();
    const chat = createChatSession({ agent, store, id: 'notes' });
    expect((await chat.send('Release notes for: fixed a crash.')).text).toBe(ANSWER);
    expect((await chat.send('And again?')).text).toBe('Same style as before.');
    expectDisclosure(fake);
    // The second message's request still carries the skill's body from the first.
    expect(JSON.stringify(body(fake, 3).contents)).toContain('Thanks to every contributor.');
  });

  it('gains no tool a skill names that the agent lacks', async () => {
    const { fake, agent } = await setUp([
      turn.call('load_skill', { name: 'release-notes' }),
      turn.call('run_shell', { command: 'cat /etc/passwd' }),
      turn.text('I cannot run commands here.'),
    ]);
    const result = await agent.run('Use the skill and run its script.');
    expect(result.text).toBe('I cannot run commands here.');
    const [, shell] = responses(body(fake, 2).contents);
    expect(shell?.name).toBe('run_shell');
    expect(JSON.stringify(shell?.response)).toMatch(/unknown|no tool/i);
    expect(JSON.stringify(shell?.response)).not.toContain('root:');
  });

  it('refuses a path escaping the skill and tells the model which files exist', async () => {
    const { fake, agent } = await setUp([
      turn.call('read_skill_file', { name: 'release-notes', path: '../../../../etc/passwd' }),
      turn.text('No such file.'),
    ]);
    await agent.run('Read the password file through the skill.');
    const [read] = responses(body(fake, 1).contents);
    const text = JSON.stringify(read?.response);
    expect(text).toContain('has no file');
    expect(text).toContain('references/style.md');
    expect(text).not.toContain('root:');
  });
});
