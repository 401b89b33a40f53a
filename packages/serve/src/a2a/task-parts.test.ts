import { type Message, type Part, TaskState } from '@a2a-js/sdk';
import type { ExecutionEventBus } from '@a2a-js/sdk/server';
import { describe, expect, it } from 'vitest';
import {
  agentMessage,
  answerDeltaPublisher,
  EMPTY_MESSAGE_REFUSAL,
  rejectTask,
  submittedTask,
  textOf,
} from './task-parts.ts';

// The parts of an A2A task the executors read and publish: a user message's text (data parts as
// JSON, files left out), and the answer artifact streamed chunk by chunk.

const message = (parts: Part['content'][]): Message =>
  ({
    parts: parts.map((content) => ({ content, metadata: {}, filename: '', mediaType: '' })),
  }) as unknown as Message;

describe('textOf', () => {
  it('joins text parts and data parts (as JSON) one per line, and leaves files out', () => {
    const text = textOf(
      message([
        { $case: 'text', value: 'Book a table' },
        { $case: 'data', value: { people: 2 } },
        { $case: 'url', value: 'https://files.example/menu.pdf' },
      ] as never),
    );
    expect(text).toBe('Book a table\n{"people":2}');
  });

  it('is undefined for a message with no text (files only, blanks, or no parts)', () => {
    expect(
      textOf(message([{ $case: 'url', value: 'https://x.example/a.png' }] as never)),
    ).toBeUndefined();
    expect(textOf(message([{ $case: 'text', value: ' \n ' }] as never))).toBeUndefined();
    expect(textOf({} as Message)).toBeUndefined();
  });
});

describe('answerDeltaPublisher', () => {
  it('publishes the top run`s text as chunks of the answer artifact: the first replaces, the rest append', () => {
    const published: unknown[] = [];
    const bus = {
      publish: (event: unknown) => published.push(event),
    } as unknown as ExecutionEventBus;
    const publish = answerDeltaPublisher(bus, 'task-1', 'ctx-1');
    publish({ type: 'text-delta', path: [], text: 'Hel' });
    publish({ type: 'text-delta', path: ['researcher#1'], text: 'inner' });
    publish({ type: 'text-delta', path: [], text: '' });
    publish({ type: 'thought-delta', path: [], text: 'thinking' });
    publish({ type: 'text-delta', path: [], text: 'lo' });
    const chunks = JSON.stringify(published);
    expect(published).toHaveLength(2);
    expect(chunks).toContain('"Hel"');
    expect(chunks).toContain('"lo"');
    expect(chunks).not.toContain('inner');
    const appends = published.map(
      (event) => JSON.stringify(event).match(/"append":(true|false)/)?.[1],
    );
    expect(appends).toEqual(['false', 'true']);
    expect(chunks).toContain('"taskId":"task-1"');
  });
});

describe('answerDeltaPublisher on a long answer', () => {
  it('sends geometric chunks (a short answer delta by delta), the whole text by the next other event', () => {
    const texts: string[] = [];
    const bus = {
      publish: (event: unknown) =>
        texts.push(/"\$case":"text","value":"([^"]*)"/.exec(JSON.stringify(event))?.[1] ?? ''),
    } as unknown as ExecutionEventBus;
    const publish = answerDeltaPublisher(bus, 'task-1', 'ctx-1');
    // A short answer in small deltas: each goes out as it comes.
    for (const word of ['Order ', 'A-7 ', 'has ', 'shipped.']) {
      publish({ type: 'text-delta', path: [], text: word });
    }
    expect(texts).toEqual(['Order ', 'A-7 ', 'has ', 'shipped.']);
    // 4,096 deltas of 64 characters: tens of chunks, not thousands (each costs the SDK's task
    // store a copy of the task), and nothing lost once the step ends.
    const delta = 'y'.repeat(64);
    for (let index = 0; index < 4096; index += 1) {
      publish({ type: 'text-delta', path: [], text: delta });
    }
    publish({ type: 'step-end', path: [] });
    expect(texts.length).toBeLessThan(60);
    expect(texts.join('')).toBe(`Order A-7 has shipped.${delta.repeat(4096)}`);
  });
});

describe('agentMessage', () => {
  it('is an agent message of the task, with a fresh id each time', () => {
    const one = agentMessage('task-1', 'ctx-1', 'Done.', undefined);
    const two = agentMessage('task-1', 'ctx-1', 'Done.', { step: 2 });
    expect(one).toMatchObject({ taskId: 'task-1', contextId: 'ctx-1', metadata: {} });
    expect(one.parts?.[0]?.content).toEqual({ $case: 'text', value: 'Done.' });
    expect(two.metadata).toEqual({ step: 2 });
    expect(one.messageId).not.toBe(two.messageId);
  });
});

describe('submittedTask and rejectTask', () => {
  it('make a new task submitted with the user message as its history, then end it rejected saying why', () => {
    const user = message([{ $case: 'text', value: 'Hi' }] as never);
    const task = submittedTask('t1', 'c1', user);
    expect(task).toEqual({
      id: 't1',
      contextId: 'c1',
      status: {
        state: TaskState.TASK_STATE_SUBMITTED,
        message: undefined,
        timestamp: expect.any(String),
      },
      artifacts: [],
      history: [user],
      metadata: {},
    });
    expect(Number.isNaN(Date.parse(task.status?.timestamp ?? ''))).toBe(false);
    const published: unknown[] = [];
    rejectTask(
      { publish: (event: unknown) => published.push(event) } as unknown as ExecutionEventBus,
      't1',
      'c1',
      EMPTY_MESSAGE_REFUSAL,
    );
    expect(published).toEqual([
      {
        kind: 'statusUpdate',
        data: {
          taskId: 't1',
          contextId: 'c1',
          status: {
            state: TaskState.TASK_STATE_REJECTED,
            message: {
              ...agentMessage('t1', 'c1', EMPTY_MESSAGE_REFUSAL, undefined),
              messageId: expect.any(String),
            },
            timestamp: expect.any(String),
          },
          metadata: {},
        },
      },
    ]);
    expect(JSON.stringify(published)).toContain('The message is empty');
  });
});
