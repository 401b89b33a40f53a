import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { createChatSession } from '../chat/create-chat-session.ts';
import { memoryFake } from './__fixtures__/memory-fake.ts';
import { memoryPlugin } from './memory-plugin.ts';
import { memoryTools } from './memory-tools.ts';

// The `remember` tool stored under the store's random id: a call run again (a turn an app runs
// again after a failure, a durable re-run of the step without its record: the latter in
// memory-plugin.replay.test.ts) stored the same fact twice. It is now kept under an id of the
// turn (the history through the turn's input, the conversation, the run's path) and the words
// (scope, kind, text), not the call's id, which a turn generated again gets anew.

const MODEL = 'gemini-2.5-flash';
const remember = (text: string, id: string, kind?: 'fact' | 'episode') => ({
  name: 'remember',
  args: kind === undefined ? { text } : { text, kind },
  id,
});

describe('memoryPlugin: a remember run again keeps one memory', () => {
  it('a turn run again, its calls with new ids from the model, remembers the fact once and answers with its id', async () => {
    const { fake, gemini, memory } = await memoryFake([
      turn.calls([remember('Lea drinks tea.', 'call-a1')]),
      turn.text('Noted.'),
      turn.calls([remember('Lea drinks tea.', 'call-b7')]),
      turn.text('Noted.'),
    ]);
    const agent = createAgent({ gemini, model: MODEL, tools: [...memoryTools()] });
    const plugins = () => [memoryPlugin({ memory, scope: 'lea' })];
    await agent.run('I drink tea.', { plugins: plugins() });
    await agent.run('I drink tea.', { plugins: plugins() });
    const kept = await memory.list('lea');
    expect(kept.map(({ text }) => text)).toEqual(['Lea drinks tea.']);
    const answers = fake.requests
      .map(({ body }) => JSON.stringify(body))
      .filter((body) => body.includes('"functionResponse"'));
    expect(answers).toHaveLength(2);
    for (const answer of answers) expect(answer).toContain(`"id":"${kept[0]?.id}"`);
  });

  it('two calls of one turn with the same words keep one memory; another kind or another user, their own', async () => {
    const { gemini, memory } = await memoryFake([
      turn.calls([
        remember('Max went to Porto.', 'c1'),
        remember('Max went to Porto.', 'c2'),
        remember('Max went to Porto.', 'c3', 'episode'),
      ]),
      turn.text('Noted.'),
      turn.calls([remember('Max went to Porto.', 'c1')]),
      turn.text('Noted.'),
    ]);
    const agent = createAgent({ gemini, model: MODEL, tools: [...memoryTools()] });
    await agent.run('I went to Porto.', { plugins: [memoryPlugin({ memory, scope: 'max' })] });
    // The same turn (input, history) of another user.
    await agent.run('I went to Porto.', { plugins: [memoryPlugin({ memory, scope: 'nia' })] });
    // By kind: the turn's calls run in parallel, each embedding its words over HTTP, and the
    // store lists its memories in the order they were written.
    const kept = (await memory.list('max')).map(({ kind, text }) => [kind, text]);
    expect(kept.toSorted(([a = ''], [b = '']) => a.localeCompare(b))).toEqual([
      ['episode', 'Max went to Porto.'],
      ['fact', 'Max went to Porto.'],
    ]);
    const [nia] = await memory.list('nia');
    expect(nia?.text).toBe('Max went to Porto.');
    expect((await memory.list('max')).map(({ id }) => id)).not.toContain(nia?.id);
  });

  it('the same words remembered in two turns of a chat are two memories, as two things the user said', async () => {
    const { gemini, memory } = await memoryFake([
      turn.calls([remember('Ola went to the dentist.', 'c1', 'episode')]),
      turn.text('Noted.'),
      turn.calls([remember('Ola went to the dentist.', 'c1', 'episode')]),
      turn.text('Noted again.'),
    ]);
    const agent = createAgent({ gemini, model: MODEL, tools: [...memoryTools()] });
    const chat = createChatSession({
      agent,
      id: 's-ola',
      plugins: [memoryPlugin({ memory, scope: 'ola' })],
    });
    await chat.send('I went to the dentist.');
    await chat.send('I went to the dentist.');
    const kept = await memory.list('ola');
    expect(kept.map(({ text }) => text)).toEqual([
      'Ola went to the dentist.',
      'Ola went to the dentist.',
    ]);
    expect(new Set(kept.map(({ id }) => id)).size).toBe(2);
  });
});
