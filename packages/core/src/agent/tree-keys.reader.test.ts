import { describe, expect, it } from 'vitest';
import { createGemini } from '../http/create-gemini.ts';
import { agentKeysOf, agentKeysReader } from '../web/keyless-events.ts';
import { createAgent } from './create-agent.ts';
import { type KeyedConfig, keysOf, treeKeySources, treeKeysOf } from './tree-keys.ts';

// A durable run's stream asks for its tree's keys at each event until one is named; an agent
// whose clients had none walked the whole tree at every event. The tree is walked once a run now,
// and only its clients' key readers are asked again: a client may learn a credential later.

/** A config whose tool list counts how often the walk read it. */
function counted(secrets?: () => readonly string[]) {
  const functions = new Map<string, object>([['plain', {}]]);
  let walks = 0;
  const config: KeyedConfig = {
    modelCall: { secrets },
    tools: {
      functions: {
        values: () => {
          walks += 1;
          return functions.values();
        },
      },
    },
  };
  return { config, walks: () => walks };
}

describe('the key walk, once a run', () => {
  it('walks the tree once for its readers, then asks only the clients, each time', () => {
    let learned: string[] = [];
    const { config, walks } = counted(() => learned);
    const sources = treeKeySources(config, () => undefined);
    expect(walks()).toBe(1);
    for (let event = 0; event < 100; event++) expect(keysOf(sources)).toEqual([]);
    // A credential the client learns later (a Vertex access token) is named at the next ask.
    learned = ['ya29.learned-later-token'];
    expect(keysOf(sources)).toEqual(['ya29.learned-later-token']);
    expect(walks()).toBe(1);
    // treeKeysOf still walks at each call, as its other callers (once a run) expect.
    expect(treeKeysOf(config, () => undefined)).toEqual(['ya29.learned-later-token']);
    expect(walks()).toBe(2);
  });

  it('asks a client shared by several agents once, and keeps each key once', () => {
    const secrets = () => ['key-aaaaaaaa', 'key-aaaaaaaa', 'key-bbbbbbbb'];
    expect(treeKeySources(counted(secrets).config, () => undefined)).toEqual([secrets]);
    expect(keysOf([secrets, secrets])).toEqual(['key-aaaaaaaa', 'key-bbbbbbbb']);
    expect(treeKeySources(undefined, () => undefined)).toEqual([]);
  });

  it('an agent’s reader names what agentKeysOf names, without walking again', () => {
    const key = 'AIza-reader-test-key-0123456789';
    const gemini = createGemini({ apiKey: key, retry: false, fetch: () => Promise.reject() });
    const agent = createAgent({ gemini, model: 'gemini-3-flash-preview' });
    const read = agentKeysReader(agent);
    expect(read()).toEqual(agentKeysOf(agent));
    expect(read()).toContain(key);
    // An agent whose client has no key reader (one gemloop did not make): nothing to ask.
    const own = createAgent({
      gemini: {
        generateContent: () => Promise.reject(),
        streamGenerateContent: () => Promise.reject(),
      } as never,
      model: 'gemini-3-flash-preview',
    });
    expect(agentKeysReader(own)()).toEqual([]);
  });
});
