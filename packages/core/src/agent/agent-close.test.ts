import { getEventListeners } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createChatSession } from '../chat/create-chat-session.ts';
import { createGemini } from '../http/create-gemini.ts';
import { describeThrown } from '../shared/describe-thrown.ts';
import { googleSearch } from '../tools/builtin/built-in-tools.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { callsTurn, createScriptedGemini, textTurn } from './__fixtures__/scripted-gemini.ts';
import { createAgent } from './create-agent.ts';
import { AgentAbortedError } from './errors/agent-aborted-error.ts';
import { AgentClosedError } from './errors/agent-closed-error.ts';
import { ToolCloseError } from './errors/tool-close-error.ts';

const execute = (): string => 'ok';

/** A tool with a close that counts its calls (and the order it ran in, in `log`). */
function closingTool(name: string, log: string[], close?: () => Promise<void>) {
  const calls = { count: 0 };
  const tool = defineTool({
    name,
    parameters: z.object({}),
    execute,
    close:
      close ??
      (async () => {
        calls.count++;
        log.push(`close ${name}`);
      }),
  });
  return { tool, calls };
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('agent.close', () => {
  it('calls every distinct tool close once, one call for tools that share a close, and waits for all', async () => {
    const log: string[] = [];
    let sharedCalls = 0;
    let releaseSlow: () => void = () => {};
    let slowStarted: () => void = () => {};
    const slowStarting = new Promise<void>((resolve) => {
      slowStarted = resolve;
    });
    const shared = async (): Promise<void> => {
      sharedCalls++;
    };
    const slow = defineTool({
      name: 'slow',
      execute,
      close: () =>
        new Promise<void>((resolve) => {
          releaseSlow = () => {
            log.push('close slow');
            resolve();
          };
          slowStarted();
        }),
    });
    const a = closingTool('a', log);
    const agent = createAgent({
      gemini: createScriptedGemini([]),
      model: 'gemini-3-flash-preview',
      tools: [
        a.tool,
        defineTool({ name: 'mcp_one', execute, close: shared }),
        defineTool({ name: 'mcp_two', execute, close: shared }),
        defineTool({ name: 'no_close', execute }),
        slow,
        googleSearch(),
      ],
    });

    let closed = false;
    const closing = agent.close().then(() => {
      closed = true;
    });
    // The slow close starts after the others (tool order): once it has, every close has started,
    // and the agent still waits for the slow one (no fixed sleep: a loaded machine is slower).
    await slowStarting;
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(a.calls.count).toBe(1);
    expect(sharedCalls).toBe(1);
    expect(closed).toBe(false);
    releaseSlow();
    await closing;
    expect(closed).toBe(true);
    expect(log).toEqual(['close a', 'close slow']);
  });

  it('is idempotent: every call returns the same promise and closes once', async () => {
    const log: string[] = [];
    const { tool, calls } = closingTool('a', log);
    const agent = createAgent({
      gemini: createScriptedGemini([]),
      model: 'gemini-2.5-flash',
      tools: [tool],
    });
    const first = agent.close();
    const second = agent.close();
    expect(second).toBe(first);
    await Promise.all([first, second, agent.close()]);
    await agent.close();
    expect(calls.count).toBe(1);
  });

  it('attempts every close and throws one ToolCloseError with each failure, its tools and cause', async () => {
    const log: string[] = [];
    const refused = new Error('connection reset');
    const shared = async (): Promise<void> => {
      throw refused;
    };
    const fine = closingTool('fine', log);
    const agent = createAgent({
      gemini: createScriptedGemini([]),
      model: 'gemini-3-flash-preview',
      tools: [
        defineTool({ name: 'mcp_read', execute, close: shared }),
        defineTool({
          name: 'worker',
          execute,
          close: () => {
            throw new Error('worker already gone');
          },
        }),
        fine.tool,
        defineTool({ name: 'mcp_write', execute, close: shared }),
      ],
    });

    const error = await rejectionOf(agent.close());
    expect(ToolCloseError.isInstance(error)).toBe(true);
    const closeError = error as ToolCloseError;
    expect(fine.calls.count).toBe(1);
    expect(closeError.failures).toEqual([
      { toolNames: ['mcp_read', 'mcp_write'], cause: refused },
      { toolNames: ['worker'], cause: new Error('worker already gone') },
    ]);
    expect(closeError.errors).toEqual([refused, new Error('worker already gone')]);
    expect(closeError.cause).toBe(refused);
    expect(closeError.message).toContain('failed for 2 of 3 close function(s)');
    expect(closeError.message).toContain('mcp_read, mcp_write (connection reset)');
    expect(closeError.message).toContain('worker (worker already gone)');
    expect(JSON.parse(JSON.stringify(closeError))).toMatchObject({
      code: 'tool-close',
      failures: [
        {
          toolNames: ['mcp_read', 'mcp_write'],
          cause: { name: 'Error', message: 'connection reset' },
        },
        { toolNames: ['worker'], cause: { name: 'Error', message: 'worker already gone' } },
      ],
    });
    // The same outcome for a second call: nothing is closed twice.
    await expect(agent.close()).rejects.toBe(error);
    expect(fine.calls.count).toBe(1);
  });

  it("keeps the client's API key out of a close failure", async () => {
    const apiKey = 'AIzaSyD-close-test-0123456789abcdefghij';
    const agent = createAgent({
      gemini: createGemini({ apiKey }),
      model: 'gemini-3-flash-preview',
      tools: [
        defineTool({
          name: 'leaky',
          execute,
          close: () => {
            throw new Error(`could not close the session opened with key ${apiKey}`);
          },
        }),
      ],
    });
    const error = (await rejectionOf(agent.close())) as ToolCloseError;
    expect(ToolCloseError.isInstance(error)).toBe(true);
    expect(error.message).toContain('could not close the session');
    expect(error.message).not.toContain(apiKey);
    expect(JSON.stringify(error)).not.toContain(apiKey);
    expect(describeThrown(error.failures[0]?.cause)).not.toContain(apiKey);
  });

  it('makes later run, stream and chat sends fail with AgentClosedError, before any request', async () => {
    const gemini = createScriptedGemini([textTurn('never sent')]);
    const agent = createAgent({ gemini, model: 'gemini-3-flash-preview' });
    const chat = createChatSession({ agent });
    await agent.close();

    const runError = await rejectionOf(agent.run('Hi'));
    expect(AgentClosedError.isInstance(runError)).toBe(true);
    expect((runError as AgentClosedError).inFlight).toBe(false);
    expect((runError as Error).message).toContain('was closed with agent.close()');

    const stream = agent.stream('Hi');
    const iterationError = await rejectionOf(
      (async () => {
        for await (const _event of stream) {
          // nothing comes
        }
      })(),
    );
    expect(AgentClosedError.isInstance(iterationError)).toBe(true);
    await expect(stream.result).rejects.toSatisfy(AgentClosedError.isInstance);

    await expect(chat.send('Hi')).rejects.toSatisfy(AgentClosedError.isInstance);
    await expect(createChatSession({ agent }).send('Hi')).rejects.toSatisfy(
      AgentClosedError.isInstance,
    );
    expect(await chat.history()).toEqual([]);
    expect(gemini.calls).toHaveLength(0);
  });

  it('aborts runs in flight with a clear reason and closes the tools once they have settled', async () => {
    const log: string[] = [];
    const { tool } = closingTool('lookup', log);
    const gemini = createScriptedGemini([{ hang: true }, { hang: true }, { hang: true }]);
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash', tools: [tool] });
    const userSignal = new AbortController().signal;
    const running = agent.run('One', { signal: userSignal });
    const streaming = agent.stream('Two');
    const chatting = createChatSession({ agent }).send('Three');
    running.catch(() => log.push('run settled'));
    streaming.result.catch(() => log.push('stream settled'));
    await vi.waitFor(() => expect(gemini.calls).toHaveLength(3), { timeout: 60_000 });

    await agent.close();

    for (const promise of [running, streaming.result, chatting]) {
      const error = await rejectionOf(promise);
      expect(AgentAbortedError.isInstance(error)).toBe(true);
      expect((error as AgentAbortedError).phase).toBe('model-call');
      expect(AgentClosedError.isInstance((error as AgentAbortedError).cause)).toBe(true);
      expect(((error as AgentAbortedError).cause as AgentClosedError).inFlight).toBe(true);
      expect((error as AgentAbortedError).run.contents).toHaveLength(1);
    }
    expect(log.indexOf('close lookup')).toBeGreaterThan(log.indexOf('run settled'));
    expect(log.indexOf('close lookup')).toBeGreaterThan(log.indexOf('stream settled'));
    // The caller's own signal was left as it was, with no listener of the agent on it.
    expect(userSignal.aborted).toBe(false);
    expect(getEventListeners(userSignal, 'abort')).toHaveLength(0);
  });

  it("leaves no listener on the caller's signal once a run ends, and still follows it", async () => {
    const shutdown = new AbortController();
    const gemini = createScriptedGemini([
      callsTurn(['lookup', {}, 'a']),
      textTurn('done'),
      { hang: true },
    ]);
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [defineTool({ name: 'lookup', parameters: z.object({}), execute })],
    });
    await agent.run('First', { signal: shutdown.signal });
    expect(getEventListeners(shutdown.signal, 'abort')).toHaveLength(0);

    const second = agent.run('Second', { signal: shutdown.signal });
    await vi.waitFor(() => expect(gemini.calls).toHaveLength(3), { timeout: 60_000 });
    shutdown.abort(new Error('shutting down'));
    const error = (await rejectionOf(second)) as AgentAbortedError;
    expect(AgentAbortedError.isInstance(error)).toBe(true);
    expect((error.cause as Error).message).toBe('shutting down');
    expect(getEventListeners(shutdown.signal, 'abort')).toHaveLength(0);
  });

  it('closes through await using', async () => {
    const log: string[] = [];
    const { tool, calls } = closingTool('a', log);
    {
      await using agent = createAgent({
        gemini: createScriptedGemini([]),
        model: 'gemini-2.5-flash',
        tools: [tool],
      });
      expect(agent.model).toBe('gemini-2.5-flash');
      expect(calls.count).toBe(0);
    }
    expect(calls.count).toBe(1);
  });
});
