import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  callsTurn,
  createScriptedGemini,
  textTurn,
} from '../agent/__fixtures__/scripted-gemini.ts';
import type { AgentEvent } from '../agent/agent-event.ts';
import { createAgent } from '../agent/create-agent.ts';
import { PluginError } from '../agent/plugins/plugin-error.ts';
import { createChatSession } from '../chat/create-chat-session.ts';
import { subagent } from '../composition/subagent.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { validateHistory } from '../history/validate-history.ts';
import type { AgentResult } from '../run/agent-result.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import type { Content } from '../wire/content.ts';
import { loopGuard } from './loop-guard.ts';
import { loopGuardReasons } from './loop-guard-reasons.ts';

const MODEL = 'gemini-2.5-flash';

/** A tool that records each city it was run for. */
function lookupTool(seen: string[]) {
  return defineTool({
    name: 'lookup',
    description: 'Looks a city up.',
    parameters: z.object({ city: z.string() }),
    execute: ({ city }) => {
      seen.push(city);
      return { city, temperature: 21 };
    },
  });
}

/** The same call turn, `count` times, ids numbered. */
function sameCalls(count: number, name: string, args: Record<string, unknown>) {
  return Array.from({ length: count }, (_, index) => callsTurn([name, args, `c${index + 1}`]));
}

/** An agent on a scripted model with the guard (20 steps at most, room for a loop). */
function guarded(
  gemini: ReturnType<typeof createScriptedGemini>,
  tools: Parameters<typeof createAgent>[0]['tools'],
  options?: Parameters<typeof loopGuard>[0],
) {
  return createAgent({ gemini, model: MODEL, maxSteps: 20, tools, plugins: [loopGuard(options)] });
}

type Mode = 'run' | 'stream';

async function runIn(
  mode: Mode,
  agent: ReturnType<typeof createAgent>,
  input: string,
): Promise<{ result: AgentResult<unknown>; events: AgentEvent[] }> {
  if (mode === 'run') return { result: await agent.run(input), events: [] };
  const stream = agent.stream(input);
  const events: AgentEvent[] = [];
  for await (const event of stream) events.push(event as AgentEvent);
  return { result: await stream.result, events };
}

/** The response of the only functionResponse part of a content. */
function responseOf(content: Content | undefined): Record<string, unknown> | undefined {
  const part = content?.parts.find((candidate) => candidate.functionResponse !== undefined);
  return part?.functionResponse?.response as Record<string, unknown> | undefined;
}

/** `{ a: { a: … {} } }`, `levels` deep. */
function nestedArgs(levels: number): unknown {
  let value: unknown = {};
  for (let level = 0; level < levels; level++) value = { a: value };
  return value;
}

function pluginEvents(events: AgentEvent[]) {
  return events.flatMap((event) =>
    event.type === 'plugin'
      ? [{ kind: event.kind, stepNumber: event.stepNumber, data: event.data }]
      : [],
  );
}

describe.each<Mode>(['run', 'stream'])('loopGuard (%s)', (mode) => {
  it('steers the 4th identical call without running it, then ends the run when the model goes on', async () => {
    const seen: string[] = [];
    const gemini = createScriptedGemini(sameCalls(20, 'lookup', { city: 'Oslo' }));
    const agent = guarded(gemini, [lookupTool(seen)]);
    const { result, events } = await runIn(mode, agent, 'Weather in Oslo?');
    expect(seen).toEqual(['Oslo', 'Oslo', 'Oslo']);
    expect(gemini.calls).toHaveLength(5);
    expect(result.finishReason).toBe('plugin');
    expect(result.stoppedBy).toEqual({
      plugin: 'loop-guard',
      reason: loopGuardReasons.repeatedCall,
    });
    // The 4th call's response tells the model what it repeats and what it already got.
    const steered = responseOf(gemini.contentsOf(4).at(-1));
    expect(steered?.['loopGuard']).toMatch(/called lookup with these same arguments 3 times/);
    expect(steered?.['lastResponse']).toEqual({ city: 'Oslo', temperature: 21 });
    expect(validateHistory(result.contents)).toEqual([]);
    if (mode === 'stream')
      expect(pluginEvents(events)).toEqual([
        {
          kind: 'steer',
          stepNumber: 4,
          data: { reason: 'repeated-call', toolName: 'lookup', repeats: 3, steers: 1 },
        },
        {
          kind: 'finish',
          stepNumber: 5,
          data: { reason: 'repeated-call', toolName: 'lookup', repeats: 4, steers: 2 },
        },
      ]);
  });

  it('lets the run go on when the model heeds the steer', async () => {
    const seen: string[] = [];
    const gemini = createScriptedGemini([
      ...sameCalls(4, 'lookup', { city: 'Oslo' }),
      textTurn('It is 21 degrees in Oslo.'),
    ]);
    const agent = guarded(gemini, [lookupTool(seen)]);
    const { result } = await runIn(mode, agent, 'Weather in Oslo?');
    expect(result.finishReason).toBe('stop');
    expect(result.text).toBe('It is 21 degrees in Oslo.');
    expect(seen).toHaveLength(3);
  });

  it('steers an alternating pair and ends it when it goes on', async () => {
    const seen: string[] = [];
    const script = Array.from({ length: 12 }, (_, index) =>
      callsTurn(['lookup', { city: index % 2 === 0 ? 'Oslo' : 'Rome' }, `c${index + 1}`]),
    );
    const gemini = createScriptedGemini(script);
    const agent = guarded(gemini, [lookupTool(seen)]);
    const { result, events } = await runIn(mode, agent, 'Compare Oslo and Rome.');
    // Oslo, Rome, Oslo, Rome, Oslo ran; the 3rd Rome was steered; the 4th Oslo ended the run.
    expect(seen).toEqual(['Oslo', 'Rome', 'Oslo', 'Rome', 'Oslo']);
    expect(gemini.calls).toHaveLength(7);
    expect(result.stoppedBy?.reason).toBe(loopGuardReasons.alternatingCalls);
    const steered = responseOf(gemini.contentsOf(6).at(-1));
    expect(steered?.['loopGuard']).toMatch(/alternating between lookup and lookup/);
    expect(steered?.['lastResponse']).toEqual({ city: 'Rome', temperature: 21 });
    if (mode === 'stream')
      expect(pluginEvents(events).map((event) => event.kind)).toEqual(['steer', 'finish']);
  });

  it('steers a call that keeps failing the same way, then ends the run', async () => {
    let runs = 0;
    const flaky = defineTool({
      name: 'save_note',
      description: 'Saves a note.',
      parameters: z.object({ text: z.string() }),
      execute: () => {
        runs++;
        throw new Error('database is locked');
      },
    });
    const gemini = createScriptedGemini(sameCalls(10, 'save_note', { text: 'hi' }));
    const agent = guarded(gemini, [flaky]);
    const { result } = await runIn(mode, agent, 'Save "hi".');
    expect(runs).toBe(3);
    expect(result.stoppedBy?.reason).toBe(loopGuardReasons.repeatedFailure);
    const steered = responseOf(gemini.contentsOf(4).at(-1));
    expect(steered?.['loopGuard']).toMatch(/failed the same way 3 times/);
    expect(JSON.stringify(steered?.['lastResponse'])).toContain('database is locked');
  });

  it('counts calls with bad arguments, which never reach the tool, as failures too', async () => {
    const seen: string[] = [];
    const gemini = createScriptedGemini(sameCalls(10, 'lookup', { town: 'Oslo' }));
    const agent = guarded(gemini, [lookupTool(seen)]);
    const { result } = await runIn(mode, agent, 'Weather?');
    expect(seen).toEqual([]);
    expect(gemini.calls).toHaveLength(5);
    expect(result.stoppedBy?.reason).toBe(loopGuardReasons.repeatedFailure);
  });

  it('compares arguments as canonical JSON: key order does not hide a repeat', async () => {
    let runs = 0;
    const search = defineTool({
      name: 'search',
      description: 'Searches.',
      parameters: z.object({ query: z.string(), page: z.number() }),
      execute: () => {
        runs++;
        return { hits: [] };
      },
    });
    const gemini = createScriptedGemini([
      callsTurn(['search', { query: 'x', page: 1 }, 'c1']),
      callsTurn(['search', { page: 1, query: 'x' }, 'c2']),
      callsTurn(['search', { query: 'x', page: 1 }, 'c3']),
      callsTurn(['search', { page: 1, query: 'x' }, 'c4']),
      textTurn('Nothing found.'),
    ]);
    const agent = guarded(gemini, [search]);
    await runIn(mode, agent, 'Find x.');
    expect(runs).toBe(3);
    expect(responseOf(gemini.contentsOf(4).at(-1))?.['loopGuard']).toBeDefined();
  });

  it('counts only the latest answers that were the same: a call whose answer stopped moving is steered', async () => {
    let runs = 0;
    const status = defineTool({
      name: 'job_status',
      description: 'Reports a job.',
      parameters: z.object({ job: z.string() }),
      // queued, then running for good: the job is stuck.
      execute: () => ({ state: runs++ === 0 ? 'queued' : 'running' }),
    });
    const gemini = createScriptedGemini([
      ...sameCalls(5, 'job_status', { job: 'j1' }),
      textTurn('The job seems stuck.'),
    ]);
    const { result } = await runIn(mode, guarded(gemini, [status]), 'Wait for j1.');
    // queued, running ×3, then the 5th call is steered.
    expect(runs).toBe(4);
    expect(result.text).toBe('The job seems stuck.');
  });

  it('never steers a declared poll, nor an undeclared one whose answer changes', async () => {
    let polls = 0;
    const status = defineTool({
      name: 'job_status',
      description: 'Reports a job.',
      parameters: z.object({ job: z.string() }),
      execute: () => {
        polls++;
        return { state: polls < 7 ? 'running' : 'done' };
      },
    });
    let progress = 0;
    const percent = defineTool({
      name: 'job_progress',
      description: 'Reports progress.',
      parameters: z.object({ job: z.string() }),
      execute: () => {
        progress += 10;
        return { percent: progress };
      },
    });
    const gemini = createScriptedGemini([
      ...sameCalls(7, 'job_status', { job: 'j1' }),
      ...sameCalls(7, 'job_progress', { job: 'j1' }),
      textTurn('Done.'),
    ]);
    const agent = guarded(gemini, [status, percent], { polls: ['job_status'] });
    const { result } = await runIn(mode, agent, 'Wait for j1.');
    expect(result.finishReason).toBe('stop');
    expect(polls).toBe(7);
    expect(progress).toBe(70);
    expect(JSON.stringify(result.contents)).not.toContain('loopGuard');
  });

  it('starts over at a new user message, in a chat session whose history stays valid', async () => {
    const seen: string[] = [];
    const gemini = createScriptedGemini([
      ...sameCalls(5, 'lookup', { city: 'Oslo' }),
      // The next send asks again: the same call is no loop now.
      ...sameCalls(2, 'lookup', { city: 'Oslo' }),
      textTurn('Still 21 degrees.'),
    ]);
    const agent = guarded(gemini, [lookupTool(seen)]);
    const chat = createChatSession({ agent });
    const send = (message: string) =>
      mode === 'run'
        ? chat.send(message)
        : (async () => {
            const stream = chat.sendStream(message);
            for await (const _ of stream) {
              // drained
            }
            return stream.result;
          })();
    const first = await send('Weather in Oslo?');
    expect(first.finishReason).toBe('plugin');
    expect(first.stoppedBy?.reason).toBe(loopGuardReasons.repeatedCall);
    const second = await send('And now?');
    expect(second.text).toBe('Still 21 degrees.');
    expect(seen).toEqual(['Oslo', 'Oslo', 'Oslo', 'Oslo', 'Oslo']);
    // Only the first send's two steers: the second send's repeats were not counted with them.
    expect(JSON.stringify(second.contents).match(/"loopGuard"/g)).toHaveLength(2);
    await chat.close();
  });

  it('works beside the tool-result cache: the hits count as the same answer, the steer still comes', async () => {
    const { toolResultCache } = await import('../tool-result-cache/tool-result-cache.ts');
    const seen: string[] = [];
    const gemini = createScriptedGemini(sameCalls(10, 'lookup', { city: 'Oslo' }));
    const agent = createAgent({
      gemini,
      model: MODEL,
      tools: [lookupTool(seen)],
      plugins: [loopGuard(), toolResultCache({ tools: { lookup: { effect: 'read' } } })],
    });
    const { result, events } = await runIn(mode, agent, 'Weather in Oslo?');
    expect(seen).toEqual(['Oslo']);
    expect(result.stoppedBy?.reason).toBe(loopGuardReasons.repeatedCall);
    expect(gemini.calls).toHaveLength(5);
    if (mode === 'stream')
      expect(events.flatMap((event) => (event.type === 'plugin' ? [event.kind] : []))).toEqual([
        'hit',
        'hit',
        'steer',
        'finish',
      ]);
  });

  it('compares calls whose arguments nest past canonicalJson’s depth bound: a deep repeat is steered, never overflowing', async () => {
    const walked: number[] = [];
    const walk = defineTool({
      name: 'walk',
      description: 'Walks a tree.',
      parameters: z.object({ tree: z.unknown() }),
      execute: () => {
        walked.push(1);
        return { ok: true };
      },
    });
    // attack42b: 150 levels (past the bound of 100, within what a request carries) were like no
    // other call, so this run went on to maxSteps. Compared now: the 4th is steered, the 5th ends it.
    const gemini = createScriptedGemini([
      ...sameCalls(5, 'walk', { tree: nestedArgs(150) }),
      textTurn('Walked.'),
    ]);
    const { result, events } = await runIn(mode, guarded(gemini, [walk]), 'Walk it.');
    expect(walked).toHaveLength(3);
    expect(gemini.calls).toHaveLength(5);
    expect(result.stoppedBy).toEqual({
      plugin: 'loop-guard',
      reason: loopGuardReasons.repeatedCall,
    });
    if (mode === 'stream')
      expect(pluginEvents(events).map((event) => event.kind)).toEqual(['steer', 'finish']);
    // Deep calls that differ are not repeats: every one runs.
    walked.length = 0;
    const differing = createScriptedGemini([
      ...Array.from({ length: 5 }, (_, index) =>
        callsTurn(['walk', { tree: nestedArgs(150 + index) }, `w${index}`]),
      ),
      textTurn('Walked.'),
    ]);
    const other = await runIn(mode, guarded(differing, [walk]), 'Walk it.');
    expect(walked).toHaveLength(5);
    expect(other.result.text).toBe('Walked.');
    // 50,000 levels: the guard does not overflow the stack; the tool gets the call, and what
    // ends the run is the next request, which no JSON can carry (as without the guard).
    walked.length = 0;
    const deep = createScriptedGemini([callsTurn(['walk', { tree: nestedArgs(50_000) }, 'd1'])]);
    const error = await runIn(mode, guarded(deep, [walk]), 'Walk it.').catch((thrown) => thrown);
    expect(walked).toHaveLength(1);
    expect(PluginError.isInstance(error)).toBe(false);
  });

  it('guards a subagent (inherit), which ends its own run while the parent goes on', async () => {
    const seen: string[] = [];
    const childGemini = createScriptedGemini(sameCalls(10, 'lookup', { city: 'Oslo' }));
    const child = createAgent({
      gemini: childGemini,
      model: MODEL,
      name: 'researcher',
      tools: [lookupTool(seen)],
    });
    const gemini = createScriptedGemini([
      callsTurn(['researcher', { task: 'Oslo?' }, 'p1']),
      textTurn('Could not find out.'),
    ]);
    const parent = guarded(gemini, [
      subagent(child, { name: 'researcher', description: 'Researches.' }),
    ]);
    const { result, events } = await runIn(mode, parent, 'Oslo?');
    expect(seen).toHaveLength(3);
    expect(childGemini.calls).toHaveLength(5);
    expect(result.finishReason).toBe('stop');
    if (mode === 'stream')
      expect(events).toContainEqual(
        expect.objectContaining({
          type: 'plugin',
          plugin: 'loop-guard',
          kind: 'finish',
          path: ['researcher#1'],
        }),
      );
  });
});

describe('loopGuard options', () => {
  it.each<[string, Parameters<typeof loopGuard>[0], string]>([
    ['a window below 1', { window: 0 }, 'loopGuard.window'],
    ['a fractional maxRepeats', { maxRepeats: 2.5 }, 'loopGuard.maxRepeats'],
    ['a negative maxSteers', { maxSteers: -1 }, 'loopGuard.maxSteers'],
    ['a window smaller than maxRepeats', { window: 2, maxRepeats: 3 }, 'loopGuard.window'],
    ['polls that are not names', { polls: [3] as unknown as string[] }, 'loopGuard.polls'],
  ])('refuses %s, naming it', (_case, options, argument) => {
    let thrown: unknown;
    try {
      loopGuard(options);
    } catch (error) {
      thrown = error;
    }
    expect(InvalidArgumentError.isInstance(thrown)).toBe(true);
    expect((thrown as InvalidArgumentError).argument).toBe(argument);
  });
});
