import { setTimeout as sleep } from 'node:timers/promises';
import { type Content, createAgent, createGemini } from '@gemloop/core';
import { subagent } from '@gemloop/core/composition';
import { createSteering } from '@gemloop/core/steering';
import { createFakeGemini, type FakeScriptFunction, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';

// attack48a: what a server shares between the runs it starts on one agent — a subagent on a
// shared child agent, one history array, one options object, one steering controller — with a
// hundred runs at once.

const MODEL = 'gemini-2.5-flash';

function markersIn(text: string): number[] {
  return [...new Set([...text.matchAll(/run-(\d+)-/g)].map((match) => Number(match[1])))];
}

async function serve(script: FakeScriptFunction) {
  const fake = createFakeGemini({ script, keepRequests: 4 });
  const { url } = await fake.listen();
  return { fake, gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }) };
}

describe('a subagent on one child agent under a hundred parent runs at once', () => {
  it('gives each parent its own child’s answer, events and usage', async () => {
    const { fake, gemini } = await serve(async (request, context) => {
      const [run] = markersIn(JSON.stringify(request.body.contents));
      await sleep(((run ?? 0) * 7 + context.callIndex) % 6);
      const child = JSON.stringify(request.body).includes('You research');
      if (child) {
        return turn.text(`child found run-${run}-`, {
          usage: { promptTokenCount: 1_000 + (run ?? 0) },
        });
      }
      if (context.functionResponses.length === 0) {
        return turn.call(
          'research',
          { task: `look into run-${run}-` },
          { usage: { promptTokenCount: 1 } },
        );
      }
      return turn.text(`parent of run-${run}- says ${JSON.stringify(context.functionResponses)}`, {
        usage: { promptTokenCount: 1 },
      });
    });
    const researcher = createAgent({ gemini, model: MODEL, instructions: 'You research.' });
    const parent = createAgent({
      gemini,
      model: MODEL,
      tools: [subagent(researcher, { name: 'research', description: 'Researches one question.' })],
    });
    const results = await Promise.all(
      Array.from({ length: 100 }, async (_, run) => {
        const events: unknown[] = [];
        if (run % 2 === 0) return { result: await parent.run(`question run-${run}-`), events };
        const stream = parent.stream(`question run-${run}-`);
        for await (const event of stream) events.push(event);
        return { result: await stream.result, events };
      }),
    );
    await parent.close();
    await researcher.close();
    await fake.close();
    for (const [run, { result, events }] of results.entries()) {
      expect(result.text).toMatch(
        new RegExp(`^parent of run-${run}- says .*child found run-${run}-`),
      );
      expect(markersIn(JSON.stringify(result.contents))).toEqual([run]);
      // Two parent calls of 1 prompt token and one child call of 1,000 + run (the run's usage
      // sums its subagents').
      expect(result.usage.promptTokenCount).toBe(1_002 + run);
      expect(result.steps.at(0)?.usageWithChildren?.promptTokenCount).toBe(1_001 + run);
      expect(
        result.usageByAgent?.map((entry) => [entry.path.join('/'), entry.usage.promptTokenCount]),
      ).toEqual([
        ['', 2],
        ['research#1', 1_000 + run],
      ]);
      if (run % 2 === 1) expect(markersIn(JSON.stringify(events))).toEqual([run]);
    }
  });
});

describe('one history array and one options object given to a hundred runs at once', () => {
  it('leaves both as they were, each run with its own new turns', async () => {
    const { fake, gemini } = await serve((_request, context) =>
      turn.text(`answer to ${context.lastUserText}`),
    );
    const agent = createAgent({ gemini, model: MODEL });
    const history: Content[] = [
      { role: 'user', parts: [{ text: 'shared start' }] },
      { role: 'model', parts: [{ text: 'shared reply' }] },
    ];
    const before = JSON.stringify(history);
    const options = { history, generationConfig: { temperature: 0.5 } };
    const optionsBefore = JSON.stringify(options);
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, run) =>
        run % 2 === 0
          ? agent.run(`question run-${run}-`, options)
          : agent.stream(`question run-${run}-`, options).result,
      ),
    );
    await agent.close();
    await fake.close();
    expect(JSON.stringify(history)).toBe(before);
    expect(JSON.stringify(options)).toBe(optionsBefore);
    for (const [run, result] of results.entries()) {
      expect(result.contents).toHaveLength(4);
      expect(result.newContents).toHaveLength(2);
      expect(markersIn(JSON.stringify(result.contents))).toEqual([run]);
    }
  });
});

describe('one steering controller given to two runs at once', () => {
  it('is refused for the second run with a typed error naming the fix', async () => {
    const { fake, gemini } = await serve(async (_request, context) => {
      await sleep(20);
      return turn.text(`answer to ${context.lastUserText}`);
    });
    const agent = createAgent({ gemini, model: MODEL });
    const steering = createSteering();
    const outcomes = await Promise.allSettled([
      agent.run('question run-1-', { steering }),
      agent.run('question run-2-', { steering }),
    ]);
    steering.steer('late word');
    await agent.close();
    await fake.close();
    const failed = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(failed).toHaveLength(1);
    const reason = (failed[0] as PromiseRejectedResult).reason as Error;
    expect(reason.name).toBe('SteeringError');
    expect(reason.message).toContain('createSteering()');
  });
});
