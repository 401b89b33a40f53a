import { describe, expect, it } from 'vitest';
import { createScriptedGemini, textTurn } from './__fixtures__/scripted-gemini.ts';
import { createAgent } from './create-agent.ts';
import { AgentClosedError } from './errors/agent-closed-error.ts';

// Issue 53 (helper step-run): a unary run given no signal runs under its agent's own, made with the
// agent and aborted only by close(), as close() aborts every run in flight. On Node 20
// each AbortSignal has a hidden class of its own, so a controller per run made every site that
// read the run's signal miss V8's caches once a run. A run given a signal keeps one of its own
// that follows it.

const MODEL = 'gemini-2.5-flash';

describe("the signal of an agent's unary runs", () => {
  it('is one for the runs given none, not aborted between runs, aborted by close() with a run in flight', async () => {
    const gemini = createScriptedGemini([textTurn('one'), textTurn('two'), { hang: true }]);
    const agent = createAgent({ gemini, model: MODEL });
    await agent.run('first');
    await agent.run('second');
    const [first, second] = gemini.calls.map((call) => call.signal);
    expect(first).toBeInstanceOf(AbortSignal);
    expect(second).toBe(first);
    expect(first?.aborted).toBe(false);
    const hanging = agent.run('third').catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(gemini.calls[2]?.signal).toBe(first);
    await agent.close();
    expect(await hanging).toBeInstanceOf(Error);
    expect(first?.aborted).toBe(true);
    expect(AgentClosedError.isInstance(first?.reason)).toBe(true);
  });

  it("is a run's own when given one: it follows the caller's, and the agent's runs are not aborted by it", async () => {
    const gemini = createScriptedGemini([textTurn('own'), { hang: true }, textTurn('again')]);
    const agent = createAgent({ gemini, model: MODEL });
    await agent.run('own');
    const caller = new AbortController();
    const given = agent.run('given', { signal: caller.signal }).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const [own, signal] = gemini.calls.map((call) => call.signal);
    expect(signal).not.toBe(own);
    expect(signal).not.toBe(caller.signal);
    caller.abort(new Error('stop'));
    expect(await given).toBeInstanceOf(Error);
    expect(signal?.aborted).toBe(true);
    expect(own?.aborted).toBe(false);
    await agent.run('again');
    expect(gemini.calls[2]?.signal).toBe(own);
    await agent.close();
  });

  it('is not shared between agents', async () => {
    const gemini = createScriptedGemini([textTurn('a'), textTurn('b')]);
    const one = createAgent({ gemini, model: MODEL });
    const other = createAgent({ gemini, model: MODEL });
    await one.run('a');
    await other.run('b');
    expect(gemini.calls[1]?.signal).not.toBe(gemini.calls[0]?.signal);
    await Promise.all([one.close(), other.close()]);
  });
});
