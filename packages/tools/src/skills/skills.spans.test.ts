import { createAgent, createGemini } from '@gemloop/core';
import type { FakeGemini } from '@gemloop/testing';
import { createFakeGemini, turn } from '@gemloop/testing';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileTools } from '../files/create-file-tools.ts';
import { SKILL_FIXTURES } from './__fixtures__/skill-test-helpers.ts';
import { loadSkills } from './load-skills.ts';
import { skills } from './skills.ts';

// Agent Skills on OpenTelemetry spans (issue 53, letters46: the README's row named no T). A skill
// is loaded by a tool call, so what shows it is the call's `execute_tool load_skill` span under
// the run's: the tool's name always, which skill (the arguments) and its instructions (the
// result) only where message content is recorded, as for any tool.

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function toolSpans(recordContent: boolean) {
  const fake = createFakeGemini({
    script: [
      turn.call('load_skill', { name: 'release-notes' }),
      turn.call('read_skill_file', { name: 'release-notes', path: 'references/style.md' }),
      turn.text('Done.'),
    ],
    seed: 3,
  });
  fakes.push(fake);
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const files = createFileTools({ root: SKILL_FIXTURES });
  const kit = skills({ skills: await loadSkills(SKILL_FIXTURES), agentTools: files.tools });
  const agent = createAgent({
    gemini: createGemini({ fetch: fake.fetch, apiKey: 'test-key', retry: false }),
    model: 'gemini-3-flash-preview',
    instructions: kit.instructions,
    tools: [...files.tools, ...kit.tools],
    telemetry: { tracerProvider, conventions: 'latest', recordContent },
  });
  await agent.run('Release notes for: fixed a crash on empty input.');
  const spans = exporter.getFinishedSpans();
  const run = spans.find((span) => span.name.startsWith('invoke_agent'));
  const tools = spans.filter((span) => span.name.startsWith('execute_tool'));
  for (const span of tools) expect(span.parentSpanContext?.spanId).toBe(run?.spanContext().spanId);
  return Object.assign(tools, { runEvents: run?.events ?? [] });
}

describe('Agent Skills on the spans', () => {
  it("shows the skill loaded and the file read as their calls' spans, with the skill where content is recorded", async () => {
    const [load, read] = await toolSpans(true);
    expect(load?.name).toBe('execute_tool load_skill');
    expect(load?.attributes['gen_ai.tool.name']).toBe('load_skill');
    expect(load?.attributes['gen_ai.tool.call.arguments']).toBe('{"name":"release-notes"}');
    expect(String(load?.attributes['gen_ai.tool.call.result'])).toContain(
      'Thanks to every contributor.',
    );
    expect(read?.name).toBe('execute_tool read_skill_file');
    expect(read?.attributes['gen_ai.tool.call.arguments']).toBe(
      '{"name":"release-notes","path":"references/style.md"}',
    );
    expect(String(read?.attributes['gen_ai.tool.call.result'])).toContain('past tense');
  });

  it("names only the tools where content is not recorded: no skill's name or body", async () => {
    const spans = await toolSpans(false);
    expect(spans.map((span) => span.name)).toEqual([
      'execute_tool load_skill',
      'execute_tool read_skill_file',
    ]);
    const text = JSON.stringify(spans.map((span) => span.attributes));
    expect(text).not.toContain('release-notes');
    expect(text).not.toContain('Thanks to every contributor');
  });

  // leftovers60: the skill loaded as an event on the run span (`gemloop.plugin`, as any plugin
  // report): that one was loaded always, which one only where content is recorded (the skill's
  // name is the model's argument, as the call span keeps it), its body never.
  it('marks the skill loaded with a gemloop.plugin event on the run span, its name only with content', async () => {
    const withContent = await toolSpans(true);
    const loaded = withContent.runEvents.filter((event) => event.name === 'gemloop.plugin');
    expect(loaded.map((event) => event.attributes)).toEqual([
      {
        'gemloop.plugin.name': 'skills',
        'gemloop.plugin.kind': 'skill-loaded',
        'gemloop.plugin.step': 1,
        'gemloop.plugin.data': '{"name":"release-notes"}',
      },
    ]);
    const without = await toolSpans(false);
    const bare = without.runEvents.filter((event) => event.name === 'gemloop.plugin');
    expect(bare.map((event) => event.attributes)).toEqual([
      {
        'gemloop.plugin.name': 'skills',
        'gemloop.plugin.kind': 'skill-loaded',
        'gemloop.plugin.step': 1,
      },
    ]);
    expect(JSON.stringify(bare)).not.toContain('Thanks to every contributor');
  });
});
