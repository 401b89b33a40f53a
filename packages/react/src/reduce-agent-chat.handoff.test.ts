import type { BrowserEvent } from '@gemloop/client';
import { describe, expect, it } from 'vitest';
import type { AgentChatState, AssistantChatMessage } from './agent-chat-message.ts';
import {
  type AgentChatAction,
  initialAgentChatState,
  reduceAgentChat,
} from './reduce-agent-chat.ts';

// doors53: a plain agent handing off to one with an `output` schema. The run's answer is the
// receiver's JSON, but the message's `text` joined every step: `Let me hand you over.` (written
// beside the transfer call) and the JSON, which a page could not parse. The events are those
// `toEventStreamResponse` sends for that run on the fake Gemini: the receiver's first answer
// refused by its schema and taken back, then asked again.

const ANSWER = '{"city":"Paris","country":"France"}';

const run = (handoffPath: string[]): BrowserEvent[] =>
  [
    { type: 'start', path: [], runId: 'run-1', protocol: 1 },
    { type: 'step-start', path: [], stepNumber: 1, kind: 'tools' },
    { type: 'text-delta', path: [], stepNumber: 1, text: 'Let me hand you over.' },
    { type: 'handoff', path: handoffPath, stepNumber: 1, from: 'triage', to: 'cities' },
    { type: 'step-start', path: [], stepNumber: 2, kind: 'tools' },
    { type: 'text-delta', path: [], stepNumber: 2, text: '{"city": 42}' },
    { type: 'text-retraction', path: [], stepNumber: 2, text: '' },
    { type: 'step-start', path: [], stepNumber: 3, kind: 'tools' },
    { type: 'text-delta', path: [], stepNumber: 3, text: ANSWER.slice(0, 10) },
    { type: 'text-delta', path: [], stepNumber: 3, text: ANSWER.slice(10) },
    { type: 'finish', path: [], outcome: 'completed', finishReason: 'stop', cost: null },
  ] as BrowserEvent[];

const send: AgentChatAction = { type: 'send', userId: 'u1', assistantId: 'a1', text: 'Capital?' };

const assistant = (state: AgentChatState): AssistantChatMessage => {
  const message = state.messages.find((each) => each.id === 'a1');
  if (message?.role !== 'assistant') throw new Error('no assistant message');
  return message;
};

describe('reduceAgentChat and a hand-off (doors53)', () => {
  it("the message's text is the receiver's answer, event by event; its steps keep the rest", () => {
    let state = reduceAgentChat(initialAgentChatState(), send);
    const seen: string[] = [];
    for (const event of run([])) {
      state = reduceAgentChat(state, { type: 'event', messageId: 'a1', event });
      seen.push(assistant(state).text);
    }
    const message = assistant(state);
    expect(message.text).toBe(ANSWER);
    expect(JSON.parse(message.text)).toEqual({ city: 'Paris', country: 'France' });
    expect(message.handedOverAt).toBe(1);
    expect(message.stepTexts?.[0]).toEqual({ stepNumber: 1, text: 'Let me hand you over.' });
    // Shown until the hand-off, then the receiver's text alone.
    expect(seen[2]).toBe('Let me hand you over.');
    expect(seen[3]).toBe('');
    expect(seen.slice(4).every((text) => !text.includes('hand you over'))).toBe(true);
    expect(state.status).toBe('idle');
  });

  it('the same run in one batch of events', () => {
    const state = [
      send,
      { type: 'events', messageId: 'a1', events: run([]) } as AgentChatAction,
    ].reduce(reduceAgentChat, initialAgentChatState());
    expect(assistant(state).text).toBe(ANSWER);
  });

  it("a subagent's hand-off (inside a tool call) leaves the run's text whole", () => {
    const state = [
      send,
      { type: 'events', messageId: 'a1', events: run(['helper#1']) } as AgentChatAction,
    ].reduce(reduceAgentChat, initialAgentChatState());
    expect(assistant(state).text).toBe(`Let me hand you over.${ANSWER}`);
    expect(assistant(state).handedOverAt).toBeUndefined();
  });

  it('a page reloaded after the hand-off resumes into the same answer: the saved message keeps where', () => {
    const events = run([]);
    const before = [
      send,
      { type: 'events', messageId: 'a1', events: events.slice(0, 6) } as AgentChatAction,
    ].reduce(reduceAgentChat, initialAgentChatState());
    // Saved as a page saves it (JSON), the reload starts from it and resumes the run.
    const saved = JSON.parse(JSON.stringify(before.messages));
    const resumed = [
      { type: 'resume', assistantId: 'a9', runId: 'run-1' } as AgentChatAction,
      { type: 'events', messageId: 'a1', events: events.slice(6) } as AgentChatAction,
    ].reduce(reduceAgentChat, initialAgentChatState(saved));
    expect(assistant(resumed).text).toBe(ANSWER);
    expect(assistant(resumed).outcome).toBe('completed');
  });
});
