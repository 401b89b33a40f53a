import { DBOS } from '@dbos-inc/dbos-sdk';
import { type AgentEvent, createAgent, createGemini, defineTool } from '@gemloop/core';
import { createFakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import {
  createRunEventBuffer,
  type EventBatch,
  flushRunEvents,
  pushRunEvent,
} from './run-events.ts';
import { restoreLongStrings } from './shared-strings.ts';

// doors-bounds41: what a durable run writes to its event stream (gemloop's own rows) for a model
// that calls a tool it was never given, by a 2 MB name and a 2 MB id holding the client's key.
// The `tool-call` and `tool-error` events, and the call's record in the step-end's and run-end's
// `toolCalls`, carried both whole: 67 MB of stream for one call, 42 MB now. A name past 128
// characters is never a declared one (check-tool-name.ts), so such a call's name and id are
// written as a page is shown them (cut; the id with a hash, so the call and its end still pair),
// after the key is out. What is left is the Gemini wire, kept verbatim as a run's history is: the
// step's `content`, `response` and `toolResponseContent` (12.6 MB) and the result's `contents` and
// `newContents` (8.4 MB each) besides its steps.

const KEY = 'AIzaSyDoorsBounds41-dbos-0123456789abcd';
const MB2 = 2 * 1024 * 1024;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('a durable run’s stored events and an undeclared tool’s 2 MB name and id', () => {
  it('the call’s events are written small and keyless, under one id', async () => {
    const written: EventBatch[] = [];
    vi.spyOn(DBOS, 'writeStream').mockImplementation(async (_key, value) => {
      written.push(value as EventBatch);
    });
    const name = `${'k'.repeat(110)}${KEY}${'n'.repeat(MB2)}`;
    const id = `${'i'.repeat(200)}${KEY}${'d'.repeat(MB2)}`;
    const fake = createFakeGemini({
      script: [turn.parts([{ functionCall: { id, name, args: {} } }]), turn.text('Done.')],
    });
    const agent = createAgent({
      gemini: createGemini({ apiKey: KEY, retry: false, fetch: fake.fetch }),
      model: 'gemini-2.5-flash',
      tools: [defineTool({ name: 'lookup', parameters: z.object({}), execute: () => 'ok' })],
    });
    const buffer = createRunEventBuffer(() => [KEY]);
    for await (const event of agent.stream('Go')) pushRunEvent(buffer, event);
    await flushRunEvents(buffer, true);

    // Read as a reader reads them: a long string the entry holds twice is kept once (store-once42).
    const events = written.flatMap((batch) => {
      if (batch.sharedStrings !== undefined) restoreLongStrings(batch.events, batch.sharedStrings);
      return batch.events;
    }) as AgentEvent<unknown>[];
    const ofType = (type: string) => events.filter((event) => event.type === type);
    const [call] = ofType('tool-call') as Extract<AgentEvent<unknown>, { type: 'tool-call' }>[];
    const [ended] = ofType('tool-error') as Extract<AgentEvent<unknown>, { type: 'tool-error' }>[];
    for (const event of [call, ended]) {
      const text = JSON.stringify(event);
      expect(text.length).toBeLessThan(4_000);
      expect(text).not.toContain(KEY.slice(0, 12));
    }
    expect(call?.toolName).toContain('characters omitted');
    expect(ended?.toolCall).toMatchObject({
      toolName: call?.toolName,
      toolCallId: call?.toolCallId,
      outcome: 'unknown-tool',
    });
    const stepEnd = ofType('step-end')[0] as Extract<AgentEvent<unknown>, { type: 'step-end' }>;
    // The step's and the result's records of the call are written as its events are.
    const runEnd = ofType('run-end')[0] as Extract<AgentEvent<unknown>, { type: 'run-end' }>;
    for (const record of [stepEnd.step.toolCalls[0], runEnd.result.steps[0]?.toolCalls[0]]) {
      expect(JSON.stringify(record).length).toBeLessThan(4_000);
      expect(record).toMatchObject({ toolName: call?.toolName, toolCallId: call?.toolCallId });
    }
    // The model's own turn stays the wire's (without the key, as every stored event).
    expect(stepEnd.step.content?.parts?.[0]?.functionCall?.name?.length).toBeGreaterThan(MB2);
    expect(JSON.stringify(events)).not.toContain(KEY.slice(0, 12));
  });
});
