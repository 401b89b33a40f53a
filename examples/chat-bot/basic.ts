// A chat bot that remembers: `createChatSession({ agent, store, id })` keeps each conversation in a store, here
// JSON-lines files (one line per turn, written whole, so a crash never leaves half a turn). A new
// process (or a new agent) with the same store and id continues where the last one stopped.
//
//   node scripts/run-example.mjs chat-bot
//   node scripts/run-example.mjs chat-bot --store ./chats   # then run it again

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgent, createChatSession } from '@gemloop/core';
import { createFileHistoryStore } from '@gemloop/core/chat';
import { type FakeScriptFunction, turn } from '@gemloop/testing';
import { createWeatherTool } from '../demo/weather-tool.ts';
import { run } from '../lib/run.ts';
import { shownAnswer } from '../lib/trace-printer.ts';

await run(
  async ({ gemini, model, offline, flags, style }) => {
    const directory = flags.store ?? mkdtempSync(join(tmpdir(), 'gemloop-chat-bot-'));
    const store = createFileHistoryStore({ directory });
    const id = 'ada';

    // Each "process" makes its own agent and session; only the store and the id are shared.
    const startBot = () =>
      createChatSession({
        agent: createAgent({
          gemini,
          model,
          instructions: 'You are a friendly assistant. Keep answers to one or two sentences.',
          tools: [createWeatherTool({ source: offline ? 'simulated' : 'live' })],
        }),
        store,
        id,
        limit: { maxTurns: 50 },
      });

    const talk = async (bot: ReturnType<typeof startBot>, message: string) => {
      console.log(`${style.cyan('you')}  ${message}`);
      const reply = await bot.send(message);
      const calls = reply.steps.flatMap((step) => step.toolCalls.map((call) => call.toolName));
      const used = calls.length > 0 ? style.dim(` [${calls.join(', ')}]`) : '';
      console.log(`${style.green('bot')}  ${shownAnswer(reply.text.trim())}${used}`);
      console.log(
        style.dim(`     (sent ${reply.chat.sentTurns} earlier turn(s) with the message)`),
      );
    };

    const bot = startBot();
    const before = (await bot.turns()).length;
    console.log(style.dim(`store: ${store.filePath(id)} (${before} turn(s) already there)\n`));

    await talk(bot, 'Hi! My name is Ada and I live in Lyon.');
    await talk(bot, "What's the weather where I live?");

    console.log(
      style.dim('\n-- a new agent and session, as after a restart: same store, same id --\n'),
    );
    const restarted = startBot();
    await talk(restarted, 'Do you remember my name?');

    const lines = readFileSync(store.filePath(id), 'utf8').trim().split('\n');
    console.log(
      style.dim(`\n${lines.length} turn(s) in ${store.filePath(id)}, one JSON line each.`),
    );
    if (flags.store === undefined) {
      console.log(style.dim(`Run again with --store ${directory} to continue this conversation.`));
    }
  },
  {
    script: rememberingScript(),
    flags: {
      store: {
        type: 'string',
        description: 'The folder of the conversation files (default: a new temporary folder).',
      },
    },
  },
);

/**
 * Offline answers computed from the history the fake receives, so they show what the store sent:
 * the name and the city come from earlier turns, or the bot does not know them.
 */
function rememberingScript(): FakeScriptFunction {
  return (request, context) => {
    const userTexts = request.body.contents
      .filter((content) => content.role !== 'model')
      .flatMap((content) =>
        content.parts.flatMap((part) => (part.text === undefined ? [] : [part.text])),
      );
    const said = userTexts.join('\n');
    const name = /my name is (\w+)/i.exec(said)?.[1];
    const city = /I live in ([A-Z][\w-]+)/.exec(said)?.[1];
    const question = context.lastUserText ?? '';
    const weather = context.functionResponses.find((response) => response.name === 'get_weather');
    if (weather !== undefined) {
      const report = (weather.response['output'] ?? weather.response) as Record<string, unknown>;
      return turn.text(
        `In ${String(report['location'])} it is ${String(report['temperatureC'])} °C and ${String(report['conditions'])} (${String(report['source'])}).`,
      );
    }
    if (/weather/i.test(question)) {
      return city === undefined
        ? turn.text("You haven't told me where you live yet.")
        : turn.call('get_weather', { city });
    }
    if (/my name\?|remember my name/i.test(question)) {
      return turn.text(
        name === undefined
          ? "I don't know your name yet."
          : `Of course: you are ${name}, from ${city ?? 'somewhere I do not know'}.`,
      );
    }
    return turn.text(
      name === undefined
        ? 'Hello!'
        : `Nice to meet you, ${name}! I'll remember that you live in ${city ?? 'an unknown place'}.`,
    );
  };
}
