import { turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { estimateContentTokens } from '../history/estimate-tokens.ts';
import { validateHistory } from '../history/validate-history.ts';
import {
  cleanUp,
  pixel,
  recordingLogger,
  sentContents,
  serve,
  weather,
} from './__fixtures__/chat-fixtures.ts';
import { createChatSession } from './create-chat-session.ts';

afterEach(cleanUp);

const model = 'gemini-3-flash-preview';

describe('chat history limits', () => {
  it('sends only the newest whole turns on Gemini 3 tool loops; the store keeps everything', async () => {
    const { fake, gemini } = await serve({
      script: [
        turn.calls([
          { name: 'get_weather', args: { city: 'Paris' } },
          { name: 'get_weather', args: { city: 'Oslo' } },
        ]),
        turn.text('Paris sunny, Oslo snow.'),
        turn.call('get_weather', { city: 'Rome' }),
        turn.call('get_weather', { city: 'Rome' }),
        turn.text('Rome: snow, twice checked.'),
        turn.call('get_weather', { city: 'Oslo' }),
        turn.text('Looks like Oslo.'),
        turn.text('Bye.'),
      ],
      seed: 11,
    });
    const logger = recordingLogger();
    const chat = createChatSession({
      agent: createAgent({ gemini, model, tools: [weather] }),
      limit: { maxTurns: 1 },
      logger,
    });

    const first = await chat.send('Paris and Oslo?');
    const second = await chat.send('Rome?');
    // Image only: the active loop reaches back into the one kept turn, whose signatures the fake
    // checks.
    const third = await chat.send(pixel);
    const fourth = await chat.send('Bye');

    expect(fake.modelRequests.every((request) => request.status === 200)).toBe(true);
    expect(sentContents(fake, 2)).toEqual([...first.newContents, second.newContents[0]]);
    expect(sentContents(fake, 5)).toEqual([...second.newContents, third.newContents[0]]);
    expect(sentContents(fake, 7)).toEqual([...third.newContents, fourth.newContents[0]]);
    expect([first, second, third, fourth].map((result) => result.chat.droppedTurns)).toEqual([
      0, 0, 1, 2,
    ]);
    expect(fourth.contents).toEqual([...third.newContents, ...fourth.newContents]);
    for (const request of fake.modelRequests) {
      const sent = (request.body as { contents: unknown }).contents;
      expect(validateHistory(sent, { requireThoughtSignatures: true })).toEqual([]);
    }
    const history = await chat.history();
    expect(history).toEqual([first, second, third, fourth].flatMap((result) => result.newContents));
    expect(
      logger.lines.find(
        (line) => line.message === 'chat send started' && line.fields['droppedTurns'] === 2,
      )?.fields,
    ).toMatchObject({
      storedTurns: 3,
      sentTurns: 1,
    });
  });

  it('counts turns by the usage the API reported, and drops by those counts', async () => {
    const { fake, gemini } = await serve({
      script: [
        // Send 1: a tool step and an answer, with the usage a real API would report.
        turn.call(
          'get_weather',
          { city: 'Oslo' },
          { usage: { promptTokenCount: 100, candidatesTokenCount: 10 } },
        ),
        turn.text('Snow.', { usage: { promptTokenCount: 150, candidatesTokenCount: 40 } }),
        // Send 2: one answer.
        turn.text('Indeed.', { usage: { promptTokenCount: 300, candidatesTokenCount: 60 } }),
        turn.text('Third.'),
        turn.text('Fourth.'),
      ],
    });
    const chat = createChatSession({
      agent: createAgent({ gemini, model, tools: [weather] }),
      limit: { maxTokens: 120 },
    });

    const first = await chat.send('Weather in Oslo?');
    const second = await chat.send('Really?');
    await chat.send('Third?');
    await chat.send('Fourth?');

    const message = (text: string) => estimateContentTokens([{ role: 'user', parts: [{ text }] }]);
    // Last prompt + its answer − first prompt, plus the user's message (inside the first prompt).
    expect(first.chat.turn.tokenCount).toBe(150 + 40 - 100 + message('Weather in Oslo?'));
    expect(second.chat.turn.tokenCount).toBe(60 + message('Really?'));
    // Send 3: turn 2 (62) fits, turn 1 (92) does not: 62 + 92 + message > 120. By estimate alone
    // turn 1 is ~20 tokens and would have been sent.
    expect(estimateContentTokens(first.newContents)).toBeLessThan(30);
    const texts = (index: number) =>
      sentContents(fake, index).map((content) => content.parts[0]?.text);
    expect(texts(3)).toEqual(['Really?', 'Indeed.', 'Third?']);
    // Send 4: turn 3 is small (the fake's own usage), so turns 2 and 3 fit; turn 1 still not.
    expect(texts(4)).toEqual(['Really?', 'Indeed.', 'Third?', 'Third.', 'Fourth?']);
    expect(await chat.turns()).toHaveLength(4);
  });
});
