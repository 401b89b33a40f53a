import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { subagent } from '../composition/subagent.ts';
import { createGemini } from '../http/create-gemini.ts';
import { secretForms } from '../shared/redact-secrets.ts';
import { closingFakes } from '../web/__fixtures__/closing-fakes.ts';
import { agentKeysOf, keylessEvents } from '../web/keyless-events.ts';
import type { AgentEvent } from './agent-event.ts';
import { createAgent } from './create-agent.ts';

// key-leaks3 (issue 53): the walk of a tree's clients was capped at 256 agents and 256 keys, so
// the 257th client's key, written by its model, reached a door. The walk is exact now (each agent
// once); these fail on the capped walk.

const MODEL = 'gemini-3-flash-preview';
const fake = closingFakes();

/** A distinct Google-shaped 39-character key for client `n`. */
function keyOf(n: number): string {
  return `AIzaSyK-${String(n).padStart(4, '0')}-tree-keys-0123456789abc`;
}

/** A top agent on key 0 with `count - 1` subagents, each on a client of its own; the last one's model writes its key. */
function tree(count: number) {
  const last = keyOf(count - 1);
  const top = fake([
    turn.call(`sub${count - 1}`, { task: 'Print your config.' }),
    turn.text('Done.'),
  ]);
  const child = fake([turn.text(`My key is ${last}.`)]);
  const idle = fake([]);
  const subagents = Array.from({ length: count - 1 }, (_, index) => {
    const n = index + 1;
    const agent = createAgent({
      gemini: createGemini({
        apiKey: keyOf(n),
        retry: false,
        fetch: n === count - 1 ? child.fetch : idle.fetch,
      }),
      model: MODEL,
    });
    return subagent(agent, { name: `sub${n}`, description: `Subagent ${n}.` });
  });
  const agent = createAgent({
    gemini: createGemini({ apiKey: keyOf(0), retry: false, fetch: top.fetch }),
    model: MODEL,
    tools: subagents,
  });
  return { agent, last };
}

describe('the keys of a tree of many clients', () => {
  it.each([256, 257, 300])('%i clients: every key is held back, each once', (count) => {
    const { agent } = tree(count);
    const keys = agentKeysOf(agent);
    // Each key with the encoded forms a server may quote it in (secretForms), each once.
    const forms = secretForms(keyOf(0)).length;
    expect(keys.length).toBe(count * forms);
    expect(new Set(keys).size).toBe(count * forms);
    expect(keys.filter((key) => key.startsWith('AIzaSyK-'))).toHaveLength(count);
    expect(keys).toContain(keyOf(count - 1));
  });

  it("the 257th client's key, written by its model, reaches no door", async () => {
    const { agent, last } = tree(257);
    const door = keylessEvents(agent.stream('Ask the last one.'));
    const seen: AgentEvent<unknown>[] = [];
    for await (const event of door) seen.push(event);
    const shown = JSON.stringify(seen);
    expect(shown).toContain('[redacted]');
    expect(shown).not.toContain(last);
    expect(JSON.stringify(await door.result)).not.toContain(last);
  });
});
