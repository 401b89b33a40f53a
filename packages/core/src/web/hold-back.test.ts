import { createFakeGemini, type FakeGemini, routeByAgent, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AgentEvent } from '../agent/agent-event.ts';
import { createAgent } from '../agent/create-agent.ts';
import { subagent } from '../composition/subagent.ts';
import type { InputGuardrailVerdict, OutputGuardrail } from '../guardrails/guardrail.ts';
import { guardrails } from '../guardrails/index.ts';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { parseSse, readBody } from './__fixtures__/read-sse.ts';
import { toDurableEventStreamResponse } from './to-durable-event-stream-response.ts';
import { toEventStreamResponse } from './to-event-stream-response.ts';

// Issue 52, item 3: with `guardrails.holdBack`, no text the guardrails have not passed reaches a
// page: not a step's text before its calls, not a subagent's answer (its deltas, or the parent's
// tool-result preview of it), not the first call's text while an input guardrail beside it has
// not decided.

const MODEL = 'gemini-3-flash-preview';
const UNCHECKED = 'UNCHECKED-TEXT';

// Passes everything: what it passes is the only text a page may see.
const passAll: OutputGuardrail = { name: 'pass', check: () => ({ type: 'pass' }) };

function geminiOf(fake: FakeGemini) {
  return createGemini({ apiKey: 'test-key', retry: false, fetch: fake.fetch });
}

/** An agent whose first step says something, then calls a tool; its second step answers. */
function preambleAgent() {
  const echo = defineTool({ name: 'echo', parameters: z.object({}), execute: () => 'e' });
  const fake = createFakeGemini({
    script: [
      turn.calls([{ name: 'echo', args: {} }], { text: `${UNCHECKED} ` }),
      turn.text('The answer.'),
    ],
  });
  return createAgent({
    gemini: geminiOf(fake),
    model: MODEL,
    tools: [echo],
    guardrails: guardrails({ output: [passAll], holdBack: true }),
  });
}

async function pageText(stream: Parameters<typeof toEventStreamResponse>[0]): Promise<string> {
  return readBody(toEventStreamResponse(stream).body as ReadableStream<Uint8Array>);
}

function deltas(text: string): string[] {
  return parseSse(text)
    .events.filter((event) => event.event === 'text-delta')
    .map((event) => event.data.text as string);
}

describe('holdBack on a page', () => {
  it('never sends the text of a step that also calls a tool', async () => {
    const agent = preambleAgent();
    const text = await pageText(agent.stream('Go'));
    expect(text).not.toContain(UNCHECKED);
    expect(deltas(text)).toEqual(['The answer.']);
  });

  it("never sends a subagent's text: its deltas, or the parent's tool-result preview of its answer", async () => {
    // A fake and agents per run: the script is played once.
    const parent = () => {
      const fake = createFakeGemini({
        script: routeByAgent([
          {
            match: 'You coordinate',
            script: [turn.call('helper', { task: 'Look it up' }), turn.text('The answer.')],
          },
          { match: 'You look up', script: [turn.text(`${UNCHECKED} from the child`)] },
        ]),
      });
      const gemini = geminiOf(fake);
      const child = createAgent({ gemini, model: MODEL, instructions: 'You look up.' });
      return createAgent({
        gemini,
        model: MODEL,
        instructions: 'You coordinate.',
        tools: [subagent(child, { name: 'helper', description: 'Looks up.' })],
        guardrails: guardrails({ output: [passAll], holdBack: true }),
      });
    };
    const text = await pageText(parent().stream('Go'));
    expect(text).not.toContain(UNCHECKED);
    expect(deltas(text)).toEqual(['The answer.']);
    const result = parseSse(text).events.find(
      (event) => event.event === 'tool-result' && event.data.toolName === 'helper',
    );
    expect(result?.data).toMatchObject({ outcome: 'success' });
    expect(result?.data.preview).toBeUndefined();

    // agent.stream() itself: the same events, the child's answer only in the step's record.
    const events: AgentEvent<unknown>[] = [];
    const stream = parent().stream('Go');
    for await (const event of stream) events.push(event);
    const toolResult = events.find((event) => event.type === 'tool-result');
    expect(toolResult).toMatchObject({ outputHeld: true });
    expect(JSON.stringify(toolResult)).not.toContain(UNCHECKED);
    expect(events.some((event) => event.type === 'text-delta' && event.path.length > 0)).toBe(
      false,
    );
    const { steps } = await stream.result;
    expect(JSON.stringify(steps[0]?.toolCalls[0]?.output)).toContain(UNCHECKED);
  });

  it("applies to a durable run's stored events as they were emitted", async () => {
    const agent = preambleAgent();
    const stored: AgentEvent<unknown>[] = [];
    for await (const event of agent.stream('Go')) stored.push(JSON.parse(JSON.stringify(event)));
    const text = await readBody(
      toDurableEventStreamResponse(
        { headers: new Headers() },
        {
          runId: 'r',
          events: async function* (offset) {
            for (let index = offset; index < stored.length; index++)
              yield { offset: index, event: stored[index] as AgentEvent<unknown> };
          },
          heartbeatMs: 0,
        },
      ).body as ReadableStream<Uint8Array>,
    );
    expect(text).not.toContain(UNCHECKED);
    expect(deltas(text)).toEqual(['The answer.']);
  });

  describe('with only an input guardrail that runs beside the first model call', () => {
    /** A fake whose first answer is read to its end before `answered` resolves. */
    function watchedFake(...answers: string[]) {
      const fake = createFakeGemini({
        script: answers.map((answer) => turn.text(answer)),
        chunkSize: 4,
      });
      let done: () => void = () => {};
      const answered = new Promise<void>((resolve) => {
        done = resolve;
      });
      const watched = (async (input: RequestInfo | URL, init?: RequestInit) => {
        const response = await fake.fetch(input, init);
        const reader = (response.body as ReadableStream<Uint8Array>).getReader();
        const body = new ReadableStream<Uint8Array>({
          async pull(controller) {
            const { value, done: ended } = await reader.read();
            if (ended) {
              controller.close();
              done();
            } else controller.enqueue(value);
          },
        });
        return new Response(body, { status: response.status, headers: response.headers });
      }) as typeof fetch;
      const gemini = createGemini({ apiKey: 'test-key', retry: false, fetch: watched });
      return { gemini, answered };
    }

    /**
     * An agent whose parallel input guardrail decides `verdict` only once the first answer was
     * read and its deltas made.
     */
    function lateVerdictAgent(answers: string[], verdict: InputGuardrailVerdict) {
      const { gemini, answered } = watchedFake(...answers);
      return createAgent({
        gemini,
        model: MODEL,
        guardrails: guardrails({
          holdBack: true,
          input: [
            {
              name: 'late',
              runInParallel: true,
              check: async () => {
                await answered;
                await new Promise((resolve) => setTimeout(resolve, 50));
                return verdict;
              },
            },
          ],
        }),
      });
    }

    it('sends nothing of the answer when the guardrail trips after the model answered', async () => {
      const agent = lateVerdictAgent([`${UNCHECKED} is the whole answer here`], {
        type: 'block',
        reason: 'not allowed',
      });
      const text = await pageText(agent.stream('Hi'));
      expect(text).not.toContain(UNCHECKED);
      expect(deltas(text)).toEqual([]);
      expect(parseSse(text).events.at(-1)?.data.outcome).toBe('error');
    });

    it("sends only the answer to the rewritten input, none of the first call's text", async () => {
      const agent = lateVerdictAgent([`${UNCHECKED} to the raw input`, 'The answer.'], {
        type: 'rewrite',
        input: 'Hi, politely.',
      });
      const text = await pageText(agent.stream('Hi'));
      expect(text).not.toContain(UNCHECKED);
      expect(deltas(text).join('')).toBe('The answer.');
      expect(parseSse(text).events.at(-1)?.data.outcome).toBe('completed');
    });

    it('sends the answer once the guardrail passed', async () => {
      const { gemini } = watchedFake('All fine here');
      const agent = createAgent({
        gemini,
        model: MODEL,
        guardrails: guardrails({
          holdBack: true,
          input: [{ name: 'ok', runInParallel: true, check: () => ({ type: 'pass' }) }],
        }),
      });
      const text = await pageText(agent.stream('Hi'));
      expect(deltas(text).join('')).toBe('All fine here');
      expect(parseSse(text).events.at(-1)?.data.outcome).toBe('completed');
    });
  });
});
