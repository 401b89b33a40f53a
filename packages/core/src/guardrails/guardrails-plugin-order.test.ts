import { describe, expect, it } from 'vitest';
import { createScriptedGemini, textTurn } from '../agent/__fixtures__/scripted-gemini.ts';
import { type Agent, createAgent } from '../agent/create-agent.ts';
import type { AgentPlugin } from '../agent/plugins/agent-plugin.ts';
import { definePlugin } from '../agent/plugins/define-plugin.ts';
import { createChatSession } from '../chat/create-chat-session.ts';
import type { Guardrails } from './guardrails.ts';
import { guardrails } from './index.ts';

// Where the input and output guardrails check, among a run's plugins: first (docs/design/
// plugin-seam.md, "Guardrails as hooks, stage 2": "the guardrails' plugin is first among an
// agent's plugins, so a steer meets the input guardrails before any other plugin's check"; stage
// 1: "the guardrails' own rewrite comes first" before any plugin's `checkAnswer`), whether the
// guardrails are the agent's or a run's own (a chat session's, a send's). Before, a run's own
// guardrails checked after every plugin of the agent and of the run, so a third party's
// `checkAnswer` saw the model's words where, with the agent's own guardrails, it saw the
// guardrails' rewrite.

const MODEL = 'gemini-2.5-flash';

function checks(): Guardrails {
  return guardrails({
    input: [
      {
        name: 'mark-input',
        check: ({ text }) => ({ type: 'rewrite', input: `${text} [checked]` }),
      },
    ],
    output: [
      {
        name: 'redact-phone',
        check: ({ text }) => ({ type: 'rewrite', text: text.replace(/\d{3}-\d{4}/g, '[phone]') }),
      },
    ],
  });
}

/** A third party's plugin that notes what its checks see. */
function observer(seen: string[]): AgentPlugin {
  return definePlugin({
    name: 'observer',
    checkInput: (input) => {
      seen.push(`input: ${JSON.stringify(input.contents.at(-1)?.parts?.[0]?.text)}`);
      return undefined;
    },
    checkAnswer: (answer) => {
      seen.push(`answer: ${answer.text}`);
      return undefined;
    },
  });
}

type Where = 'agent' | 'session' | 'send';

function agentWith(seen: string[], where: Where): Agent {
  return createAgent({
    gemini: createScriptedGemini([textTurn('Call 555-1234')]),
    model: MODEL,
    plugins: [observer(seen)],
    ...(where === 'agent' && { guardrails: checks() }),
  });
}

async function send(
  where: Where,
  mode: 'run' | 'stream',
): Promise<{ seen: string[]; text: string }> {
  const seen: string[] = [];
  const session = createChatSession({
    agent: agentWith(seen, where),
    ...(where === 'session' && { guardrails: checks() }),
  });
  const options = where === 'send' ? { guardrails: checks() } : {};
  let text: string;
  if (mode === 'run') text = (await session.send('Who to call?', options)).text;
  else {
    const stream = session.sendStream('Who to call?', options);
    for await (const _event of stream) {
      // drained
    }
    text = (await stream.result).text;
  }
  await session.close();
  return { seen, text };
}

describe.each(['run', 'stream'] as const)(
  'the guardrails check before the other plugins (%s)',
  (mode) => {
    it.each(['agent', 'session', 'send'] as const)(
      "a third party's checks see the guardrails' rewrites when the guardrails are the %s's",
      async (where) => {
        const { seen, text } = await send(where, mode);
        expect(text).toBe('Call [phone]');
        expect(seen).toEqual(['input: "Who to call? [checked]"', 'answer: Call [phone]']);
      },
    );
  },
);
