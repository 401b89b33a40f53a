import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import type { Logger } from './logger.ts';

// A logger is the application's code: one that throws must not fail a call or a run.

function throwingLogger(calls: string[]): Logger {
  const fail = (level: string) => () => {
    calls.push(level);
    throw new Error('the log file is closed');
  };
  const logger: Logger = {
    child: () => logger,
    trace: fail('trace'),
    debug: fail('debug'),
    info: fail('info'),
    warn: fail('warn'),
    error: fail('error'),
    isLevelEnabled: () => true,
  };
  return logger;
}

describe('a logger that throws', () => {
  it('does not fail generateContent, a stream or an agent run', async () => {
    const calls: string[] = [];
    const logger = throwingLogger(calls);
    const fake = createFakeGemini({
      script: [turn.text('one'), turn.text('two'), turn.call('tool', {}), turn.text('three')],
    });
    const gemini = createGemini({ apiKey: 'test-key', fetch: fake.fetch, logger, retry: false });

    const response = await gemini.generateContent({ model: 'gemini-2.5-flash', contents: 'Hi' });
    expect(response.candidates?.[0]?.content?.parts?.[0]?.text).toBe('one');
    const texts: string[] = [];
    for await (const chunk of gemini.streamGenerateContent({
      model: 'gemini-2.5-flash',
      contents: 'Hi',
    })) {
      texts.push(chunk.candidates?.[0]?.content?.parts?.[0]?.text ?? '');
    }
    expect(texts.join('')).toBe('two');

    const tool = defineTool({
      name: 'tool',
      parameters: z.object({}),
      execute: (_args, { logger: toolLogger }) => {
        toolLogger.info({}, 'from the tool');
        return { ok: true };
      },
    });
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash', tools: [tool], logger });
    const result = await agent.run('Go.');
    expect(result.text).toBe('three');
    expect(calls.length).toBeGreaterThan(3);
    expect(fake.modelRequests).toHaveLength(4);
  });

  it('does not fail an agent run when child() returns something that is not a logger', async () => {
    const lines: string[] = [];
    const record = (level: string) => (_fields: unknown, message?: string) => {
      lines.push(`${level}: ${message}`);
    };
    const logger: Logger = {
      // A hand-written logger whose child is half done: the run logs through the parent.
      child: () => ({}) as Logger,
      trace: record('trace'),
      debug: record('debug'),
      info: record('info'),
      warn: record('warn'),
      error: record('error'),
    };
    const fake = createFakeGemini({ script: [turn.call('tool', {}), turn.text('done')] });
    const gemini = createGemini({ apiKey: 'test-key', fetch: fake.fetch, logger, retry: false });
    const tool = defineTool({
      name: 'tool',
      parameters: z.object({}),
      execute: (_args, { logger: toolLogger }) => {
        toolLogger.info({}, 'from the tool');
        return { ok: true };
      },
    });
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash', tools: [tool], logger });
    expect((await agent.run('Go.')).text).toBe('done');
    expect(lines).toContain('info: from the tool');
  });

  it('is checked by createAgent like createGemini checks it', () => {
    const fake = createFakeGemini();
    const gemini = createGemini({ apiKey: 'test-key', fetch: fake.fetch });
    const make = () =>
      createAgent({ gemini, model: 'gemini-2.5-flash', logger: { info() {} } as never });
    expect(make).toThrow(InvalidArgumentError);
    expect(make).toThrow(/logger must have child, debug, info, warn and error/);
  });
});
