// `toolOutput` is sugar for a plugin (afterToolCall) the agent adds after its own plugins: what
// that changes and keeps, seen from the requests a scripted client received.

import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  callsTurn,
  createScriptedGemini,
  textTurn,
} from '../agent/__fixtures__/scripted-gemini.ts';
import { createAgent } from '../agent/create-agent.ts';
import { definePlugin } from '../agent/plugins/define-plugin.ts';
import { handoff } from '../composition/handoff.ts';
import { silentLogger } from '../logging/logger.ts';
import { createRunRecorder } from '../recorder/create-run-recorder.ts';
import type { RecordedRunLine } from '../recorder/recorded-run.ts';
import { RUN_FILE_NAME } from '../recorder/run-file.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { TRUNCATED_RESULT_KEY } from '../tools/responses/cut-function-response.ts';
import type { Content, FunctionResponse } from '../wire/content.ts';
import type { ArtifactStore } from './artifact-store.ts';
import { TOOL_OUTPUT_PLUGIN, toolOutput } from './tool-output.ts';

const MODEL = 'gemini-2.5-flash';

function bigTool(name: string, size: number) {
  return defineTool({
    name,
    parameters: z.object({}),
    execute: () => ({ text: 'x'.repeat(size) }),
  });
}

/** The function responses the second request sent. */
function sentResponses(gemini: ReturnType<typeof createScriptedGemini>): FunctionResponse[] {
  const contents = (gemini.calls[1]?.request.contents ?? []) as Content[];
  return contents.flatMap((content) =>
    content.parts.flatMap((part) =>
      part.functionResponse === undefined ? [] : [part.functionResponse],
    ),
  );
}

describe('toolOutput as a plugin', () => {
  it("runs on the seam after the agent's own plugins: theirs see the cut result, the app the whole value", async () => {
    const seen: unknown[] = [];
    const watcher = definePlugin({
      name: 'watcher',
      afterToolCall: ({ result }) => {
        seen.push(result);
      },
    });
    const gemini = createScriptedGemini([callsTurn(['dump', {}, 'c1']), textTurn('Done.')]);
    const result = await createAgent({
      gemini,
      model: MODEL,
      tools: [bigTool('dump', 40_000)],
      plugins: [watcher],
      toolOutput: toolOutput({ maxTokens: 1_000 }),
    }).run('Dump it.');
    expect(result.text).toBe('Done.');
    // After-hooks run in reverse: the budget (added last) cuts before the watcher sees it.
    expect(seen).toHaveLength(1);
    expect(JSON.stringify(seen[0])).toContain(TRUNCATED_RESULT_KEY);
    const [sent] = sentResponses(gemini);
    expect(sent?.id).toBe('c1');
    expect(String(sent?.response['output']).length).toBe(4_000);
    expect(result.steps[0]?.toolCalls[0]?.output).toEqual({ text: 'x'.repeat(40_000) });
    // Named like every plugin, so a user's own plugin cannot take its name by accident.
    expect(TOOL_OUTPUT_PLUGIN).toBe('gemloop.tool-output');
  });

  it('gives a tool named like an Object.prototype key the default cap, not an inherited "limit"', async () => {
    const gemini = createScriptedGemini([callsTurn(['constructor', {}, 'c1']), textTurn('Done.')]);
    await createAgent({
      gemini,
      model: MODEL,
      tools: [bigTool('constructor', 200_000)],
      toolOutput: toolOutput({ perTool: { other: { maxTokens: 10 } } }),
    }).run('Dump it.');
    const [sent] = sentResponses(gemini);
    expect(sent?.response[TRUNCATED_RESULT_KEY]).toMatch(/truncated: kept 100000 of/);
  });

  it('keeps the whole result in the store before the model gets its id, and warns when the store fails', async () => {
    const kept = new Map<string, string>();
    const store: ArtifactStore = {
      put: async (id, text) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        kept.set(id, text);
      },
      get: (id) => kept.get(id),
    };
    const gemini = createScriptedGemini([callsTurn(['dump', {}, 'c1']), textTurn('Done.')]);
    await createAgent({
      gemini,
      model: MODEL,
      tools: [bigTool('dump', 40_000)],
      toolOutput: toolOutput({ maxTokens: 1_000, artifacts: store }),
    }).run('Dump it.');
    const marker = String(sentResponses(gemini)[0]?.response[TRUNCATED_RESULT_KEY]);
    const id = /id "([^"]+)"/.exec(marker)?.[1] as string;
    expect(kept.get(id)).toBe(JSON.stringify({ text: 'x'.repeat(40_000) }));

    const warnings: string[] = [];
    const logger = {
      ...silentLogger,
      warn: (_fields: unknown, message?: string) => void warnings.push(String(message)),
      child: () => logger,
    };
    const failing = createScriptedGemini([callsTurn(['dump', {}, 'c1']), textTurn('Done.')]);
    const result = await createAgent({
      gemini: failing,
      model: MODEL,
      logger: logger as never,
      tools: [bigTool('dump', 40_000)],
      toolOutput: toolOutput({
        maxTokens: 1_000,
        artifacts: { put: () => Promise.reject(new Error('disk full')), get: () => undefined },
      }),
    }).run('Dump it.');
    expect(result.text).toBe('Done.');
    expect(String(sentResponses(failing)[0]?.response[TRUNCATED_RESULT_KEY])).toMatch(
      /read_tool_output/,
    );
    expect(warnings.some((warning) => warning.includes('did not keep a truncated'))).toBe(true);
  });

  it("caps the receiving agent's results after a handoff with the widest of its limits (its plugin is not the run's)", async () => {
    const billingGemini = createScriptedGemini([callsTurn(['dump', {}, 'd1']), textTurn('Done.')]);
    const billing = createAgent({
      gemini: billingGemini,
      model: MODEL,
      name: 'billing',
      tools: [bigTool('dump', 400_000)],
      toolOutput: toolOutput({ maxTokens: 1_000 }),
    });
    const triage = createAgent({
      gemini: createScriptedGemini([callsTurn(['transfer_to_billing', {}, 't1'])]),
      model: MODEL,
      name: 'triage',
      tools: [handoff(billing)],
    });
    const result = await triage.run('Dump it.');
    expect(result.text).toBe('Done.');
    const sent = JSON.stringify(billingGemini.calls[1]?.request.contents);
    // Not the whole 400,000 characters: the loop's net for billing (8,192 tokens, ~32,768 chars).
    expect(sent).toContain(TRUNCATED_RESULT_KEY);
    expect(sent.length).toBeLessThan(40_000);
  });
});

// Issue 53 (letters45): the README's row named S C D. What the observers see of a capped result:
// the next call's span (content recorded), the recorded request and the tool's span (its result is
// the response sent) hold the cut the model read, marker included; `tool-call-end` holds the tool's
// whole value, as the run's `result.steps` does (what `gemloop view` shows as the call's result).
describe('a capped tool output in the spans and the recording', () => {
  it('the request as recorded and traced holds the cut; tool-call-end keeps the whole value', async () => {
    const gemini = createScriptedGemini([callsTurn(['dump', {}, 'c1']), textTurn('Done.')]);
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const dir = await mkdtemp(join(tmpdir(), 'gemloop-tool-output-observed-'));
    try {
      const recorder = createRunRecorder({ dir });
      await createAgent({
        gemini,
        model: MODEL,
        tools: [bigTool('dump', 40_000)],
        toolOutput: toolOutput({ maxTokens: 1_000 }),
        recorder,
        telemetry: { tracerProvider, conventions: 'latest', recordContent: true },
      }).run('Dump it.');
      await recorder.flush();
      const [name] = (await readdir(dir)).filter((file) => RUN_FILE_NAME.test(file));
      const lines = (await readFile(join(dir, name as string), 'utf8'))
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as RecordedRunLine);
      const starts = lines.filter((line) => line.type === 'model-call-start');
      const second = JSON.stringify(starts[1]);
      expect(second).toContain(TRUNCATED_RESULT_KEY);
      expect(second).not.toContain('x'.repeat(4_001));
      const end = lines.find((line) => line.type === 'tool-call-end');
      expect(end).toMatchObject({ outcome: 'success', output: { text: 'x'.repeat(40_000) } });
      const spans = exporter.getFinishedSpans();
      const calls = spans.filter((span) => span.name.startsWith('generate_content'));
      const input = String(calls[1]?.attributes['gen_ai.input.messages']);
      expect(input).toContain(TRUNCATED_RESULT_KEY);
      expect(input).not.toContain('x'.repeat(4_001));
      const tool = spans.find((span) => span.name === 'execute_tool dump');
      const sent = String(tool?.attributes['gen_ai.tool.call.result']);
      expect(sent).toContain(TRUNCATED_RESULT_KEY);
      expect(sent).not.toContain('x'.repeat(4_001));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
