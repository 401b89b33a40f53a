import { describe, expect, it } from 'vitest';
import type { Content } from '../../../wire/content.ts';
import { createScriptedGemini, textTurn } from '../../__fixtures__/scripted-gemini.ts';
import { createAgent } from '../../create-agent.ts';
import { definePlugin } from '../define-plugin.ts';

// misc66: `run.addInput` checked the plugin's list (`isUserInput`) and then added the plugin's
// own contents to the history: a `parts` getter that answered the check could throw its own
// words at the request's build, or send other parts than the check saw. The run now adds its own
// copy, taken once at the check.

const SECRET = 'correct-horse-battery-staple';

const trap = (): never => {
  throw new Error(`trap saw ${SECRET}`);
};

/** A user content whose `parts` getter gives `parts` at its first read, then what `later` does. */
function shifting(later: () => unknown): Content {
  let reads = 0;
  const parts = [{ text: 'steer' }];
  return Object.defineProperty({ role: 'user' }, 'parts', {
    enumerable: true,
    get() {
      reads += 1;
      return reads === 1 ? parts : later();
    },
  }) as Content;
}

/** How `run.addInput` settled. */
type Added = { ok: true } | { ok: false; error: unknown };

/** A run whose `beforeModelCall` adds `contents` once, and what `addInput` settled with. */
async function runAdding(contents: () => readonly Content[]) {
  const gemini = createScriptedGemini([textTurn('done')]);
  let added: Added = { ok: true };
  const plugin = definePlugin({
    name: 'steerer',
    beforeModelCall: async (_draft, run) => {
      try {
        await run.addInput(contents());
      } catch (error) {
        added = { ok: false, error };
      }
    },
  });
  const agent = createAgent({ gemini, model: 'gemini-2.5-flash', plugins: [plugin] });
  const result = await agent.run('Hi').then(
    (value) => ({ ok: true as const, text: value.text }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  return { gemini, added: added as Added, result };
}

describe('run.addInput adds its own copy of the contents, read once', () => {
  it.each([
    ['throws on its second read', trap],
    ['gives other parts after its first read', () => [{ text: SECRET }]],
    [
      'gives a function call after its first read',
      () => [{ functionCall: { name: SECRET, args: {} } }],
    ],
  ])('a `parts` getter that %s: the first parts are added and sent', async (_name, later) => {
    const { gemini, added, result } = await runAdding(() => [shifting(later)]);
    expect(added).toEqual({ ok: true });
    expect(result).toEqual({ ok: true, text: 'done' });
    expect(gemini.contentsOf(0).at(-1)).toEqual({ role: 'user', parts: [{ text: 'steer' }] });
    expect(JSON.stringify(gemini.calls.map((call) => call.request))).not.toContain(SECRET);
  });

  it('a `parts` getter that always throws: refused, typed, without the getter’s words', async () => {
    const content = Object.defineProperty({ role: 'user' }, 'parts', {
      enumerable: true,
      get: trap,
    });
    const { added, result } = await runAdding(() => [content as Content]);
    expect(added.ok).toBe(false);
    if (added.ok) return;
    expect(added.error).toMatchObject({ name: 'InvalidArgumentError', argument: 'run.addInput' });
    expect(`${(added.error as Error).message}\n${(added.error as Error).stack}`).not.toContain(
      SECRET,
    );
    expect(result).toEqual({ ok: true, text: 'done' });
  });
});
