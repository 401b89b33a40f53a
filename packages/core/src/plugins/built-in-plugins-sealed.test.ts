import { describe, expect, it } from 'vitest';
import { createScriptedGemini, textTurn } from '../agent/__fixtures__/scripted-gemini.ts';
import { createAgent } from '../agent/create-agent.ts';
import { compaction, toolOutput } from '../compaction/index.ts';
import { handoff } from '../composition/index.ts';
import { modelFallback } from '../fallback/index.ts';
import { guardrails } from '../guardrails/index.ts';
import { loopGuard } from '../loop-guard/index.ts';
import { createSteering } from '../steering/index.ts';
import { toolResultCache } from '../tool-result-cache/index.ts';
import { type AgentPlugin, definePlugin } from './index.ts';

// definePlugin seals what it returns (docs/design/plugin-seam.md, "The seam's loose ends"): the
// built-ins carry their data as fields given to definePlugin (a guardrail level's `layer`, a
// handoff's `receiver`), where before they added them afterwards. Every plugin a run holds, the
// built-ins' among them, is sealed, and the built-ins still do their work.

const MODEL = 'gemini-2.5-flash';

describe("the built-ins' plugins", () => {
  it('are sealed in a run that holds them all, and the run answers through them', async () => {
    const held: AgentPlugin[] = [];
    const probe = definePlugin({
      name: 'probe',
      startRun: (run) => {
        held.push(...run.plugins);
      },
    });
    const billing = createAgent({
      gemini: createScriptedGemini([]),
      model: MODEL,
      name: 'billing',
    });
    const agent = createAgent({
      gemini: createScriptedGemini([textTurn('Call 555-1234.')]),
      model: MODEL,
      tools: [handoff(billing)],
      compaction: compaction({ maxTokens: 100_000 }),
      toolOutput: toolOutput({ maxTokens: 5_000 }),
      guardrails: guardrails({
        output: [
          {
            name: 'redact-phone',
            check: ({ text }) => ({
              type: 'rewrite',
              text: text.replace(/\d{3}-\d{4}/g, '[phone]'),
            }),
          },
        ],
        tools: [{ name: 'allow', before: () => ({ type: 'allow' }) }],
      }),
      plugins: [
        probe,
        loopGuard(),
        toolResultCache({ tools: { lookup: { effect: 'read' } } }),
        modelFallback({ models: ['gemini-2.5-pro'] }),
      ],
    });
    const result = await agent.run('What number do I call?', { steering: createSteering() });
    // The output guardrail (a level and the io plugin) did its work.
    expect(result.text).toBe('Call [phone].');
    const names = held.map((plugin) => plugin.name);
    for (const name of [
      'probe',
      'gemloop.compaction',
      'gemloop.tool-output',
      'handoff:transfer_to_billing',
      'gemloop.tool-guardrails',
      'steering',
      'loop-guard',
      'tool-result-cache',
      'model-fallback',
    ])
      expect(names).toContain(name);
    expect(names.some((name) => name.startsWith('gemloop.guardrails#'))).toBe(true);
    expect(names.some((name) => name.startsWith('gemloop.guardrails.tools#'))).toBe(true);
    expect(held.length).toBe(12);
    for (const plugin of held)
      expect([plugin.name, Object.isFrozen(plugin)]).toEqual([plugin.name, true]);
  });
});
