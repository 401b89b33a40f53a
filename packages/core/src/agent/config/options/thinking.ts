import { InvalidArgumentError } from '../../../errors/invalid-argument-error.ts';
import type { ModelCapabilities } from '../../../models/model-capabilities.ts';
import {
  checkedWhereUsed,
  closestNames,
  describeKey,
  describeValue,
} from '../../../options/define-options.ts';
import type { ThinkingConfig, ThinkingLevel } from '../../../wire/request.ts';
import type { ThinkingEffort, ThinkingOption } from '../agent-options.ts';
import { type AgentOptionGroup, defineAgentOptions } from './define-agent-options.ts';

/** `thinking`: how hard the model thinks. @internal */
export const thinkingOption: AgentOptionGroup<'thinking'> = defineAgentOptions({
  checks: {
    // Checked by resolveThinking, against the model's capabilities.
    thinking: checkedWhereUsed,
  },
});

const efforts: readonly ThinkingEffort[] = [
  'off',
  'minimal',
  'low',
  'medium',
  'high',
  'xhigh',
  'dynamic',
];

// Gemini 2.5 budgets per effort. Ranges (Gemini thinking docs): 2.5 Pro 128..32768 (no 0),
// 2.5 Flash 0..24576, 2.5 Flash-Lite 512..24576 (or 0); every value below fits all three.
// `xhigh` has no budget of its own: 2.5 budgets stop at `high`'s (the most all three take).
const budgetByEffort: Record<Exclude<ThinkingEffort, 'off' | 'dynamic'>, number> = {
  minimal: 512,
  low: 1024,
  medium: 8192,
  high: 24576,
  xhigh: 24576,
};

const levelByEffort: Record<'minimal' | 'low' | 'medium' | 'high' | 'xhigh', ThinkingLevel> = {
  minimal: 'MINIMAL',
  low: 'LOW',
  medium: 'MEDIUM',
  high: 'HIGH',
  xhigh: 'XHIGH',
};

// The order of the levels, to compare a requested level with the model's lowest and highest.
const levelRank: Readonly<Record<string, number>> = {
  MINIMAL: 0,
  LOW: 1,
  MEDIUM: 2,
  HIGH: 3,
  XHIGH: 4,
};

/**
 * Turns the agent's `thinking` option into the `thinkingConfig` the model takes: `thinkingLevel`
 * on Gemini 3 (`thinking: 'level'`), `thinkingBudget` on Gemini 2.5 (`'budget'`).
 *
 * Gemini 3.x cannot turn thinking off, and its lowest level differs by model
 * (`capabilities.lowestThinkingLevel`: MINIMAL on 3 Flash, LOW on 3 Pro, 3.1 Pro, 3.7 Flash): a
 * lower setting (`'off'`, `'minimal'`, budget 0) resolves to that lowest level and `warn` says so,
 * rather than sending a level the API answers with a 400. Rejects what cannot be resolved:
 * budget 0 on Gemini 2.5 Pro, any setting on a model without thinking.
 *
 * @throws {@link InvalidArgumentError} naming `thinking` and the fix.
 * @internal
 */
export function resolveThinking(
  thinking: ThinkingOption | undefined,
  model: string,
  capabilities: ModelCapabilities,
  warn?: ((message: string, fields: Record<string, unknown>) => void) | undefined,
): ThinkingConfig | undefined {
  if (thinking === undefined) return undefined;
  const { effort, budget, includeThoughts } = readOption(thinking);
  if (capabilities.thinking === 'none') {
    throw new InvalidArgumentError({
      argument: 'thinking',
      message:
        `thinking is set, but the capabilities of model '${model}' say it has no thinking settings. ` +
        "Remove thinking, or set capabilities.thinking to 'level' (Gemini 3 style) or 'budget' (Gemini 2.5 style) if the model has them.",
    });
  }
  const config: ThinkingConfig = {};
  if (includeThoughts !== undefined) config.includeThoughts = includeThoughts;
  if (capabilities.thinking === 'budget') {
    const value = budget ?? budgetForEffort(effort);
    if (value === 0 && capabilities.thinkingAlwaysOn) {
      throw new InvalidArgumentError({
        argument: 'thinking',
        message: `Model '${model}' cannot turn thinking off (it rejects thinkingBudget 0). Use thinking: 'minimal' or a budget of at least 128.`,
      });
    }
    if (effort === 'xhigh') {
      warn?.(
        `Model '${model}' takes a thinking budget, not levels; sending thinkingBudget ${value} (as for 'high') for 'xhigh'. Set thinking: 'high' to silence this.`,
        { model, requested: effort, thinkingBudget: value },
      );
    }
    if (value !== undefined) config.thinkingBudget = value;
  } else {
    let level = budget === undefined ? levelForEffort(effort) : levelForBudget(budget);
    // `XHIGH` only where the model takes it (Gemini 4 Hydrogen): elsewhere the API refuses it, so
    // it becomes the model's highest level, said once per agent (@ai-sdk/google 4.0.121 maps
    // portable `xhigh` "to xhigh only for Hydrogen models", CHANGELOG 4e43721).
    const highest = capabilities.highestThinkingLevel ?? 'HIGH';
    if (level !== undefined && rankOf(level) > rankOf(highest)) {
      warn?.(
        `Model '${model}' has no thinking level above ${highest}; sending thinkingLevel ${highest} instead of ${level}. Set thinking: '${highest.toLowerCase()}' to silence this.`,
        { model, requested: effort, thinkingLevel: highest },
      );
      level = highest;
    }
    const lowest =
      capabilities.lowestThinkingLevel ?? (capabilities.thinkingAlwaysOn ? 'LOW' : undefined);
    if (level !== undefined && lowest !== undefined && rankOf(level) < rankOf(lowest)) {
      warn?.(
        `Model '${model}' cannot turn thinking off or lower it below ${lowest}; ` +
          `sending thinkingLevel ${lowest} instead of ${level}. Set thinking: '${lowest.toLowerCase()}' to silence this.`,
        { model, requested: effort ?? budget, thinkingLevel: lowest },
      );
      level = lowest;
    } else if (effort === 'off' || budget === 0) {
      // Gemini 3.x has no "off": the lowest level is the closest it comes, said once per agent.
      warn?.(
        `Model '${model}' cannot turn thinking off; sending thinkingLevel ${level}, its lowest level. Set thinking: '${String(level).toLowerCase()}' to silence this.`,
        { model, requested: effort ?? budget, thinkingLevel: level },
      );
    }
    if (level !== undefined) config.thinkingLevel = level;
  }
  return Object.keys(config).length === 0 ? undefined : config;
}

const thinkingKeys = ['effort', 'budget', 'includeThoughts'];

function rankOf(level: ThinkingLevel): number {
  return levelRank[level] ?? 0;
}

function readOption(thinking: ThinkingOption): {
  effort: ThinkingEffort | undefined;
  budget: number | undefined;
  includeThoughts: boolean | undefined;
} {
  if (typeof thinking === 'string') {
    checkEffort(thinking, 'thinking');
    return { effort: thinking, budget: undefined, includeThoughts: undefined };
  }
  if (typeof thinking !== 'object' || thinking === null || Array.isArray(thinking)) {
    throw new InvalidArgumentError({
      argument: 'thinking',
      message: `thinking must be one of ${efforts.map((effort) => `'${effort}'`).join(', ')} or { effort?, budget?, includeThoughts? }; got ${describeValue(thinking)}.`,
    });
  }
  for (const key of Object.keys(thinking)) {
    if (key !== 'effort' && key !== 'budget' && key !== 'includeThoughts') {
      // The key bounded and escaped: a megabyte of key was the message and the argument whole.
      const shown = describeKey(key);
      const [hint] = closestNames({ input: key, candidates: thinkingKeys, limit: 1 });
      throw new InvalidArgumentError({
        argument: `thinking.${shown}`,
        message: `thinking.${shown} is not an option;${hint === undefined ? '' : ` did you mean '${hint}'?`} thinking takes effort, budget and includeThoughts.`,
      });
    }
  }
  const { effort, budget, includeThoughts } = thinking;
  if (effort !== undefined) checkEffort(effort, 'thinking.effort');
  if (budget !== undefined && (!Number.isInteger(budget) || budget < -1)) {
    throw new InvalidArgumentError({
      argument: 'thinking.budget',
      message: `thinking.budget must be an integer token count, 0 (off) or -1 (dynamic); got ${describeValue(budget)}.`,
    });
  }
  if (effort !== undefined && budget !== undefined) {
    throw new InvalidArgumentError({
      argument: 'thinking',
      message: 'Set thinking.effort or thinking.budget, not both.',
    });
  }
  if (includeThoughts !== undefined && typeof includeThoughts !== 'boolean') {
    throw new InvalidArgumentError({
      argument: 'thinking.includeThoughts',
      message: `thinking.includeThoughts must be a boolean; got ${describeValue(includeThoughts)}.`,
    });
  }
  return { effort, budget, includeThoughts };
}

function checkEffort(effort: unknown, argument: string): asserts effort is ThinkingEffort {
  if (!efforts.includes(effort as ThinkingEffort)) {
    throw new InvalidArgumentError({
      argument,
      message: `${argument} must be one of ${efforts.map((value) => `'${value}'`).join(', ')}; got ${describeValue(effort)}.`,
    });
  }
}

function budgetForEffort(effort: ThinkingEffort | undefined): number | undefined {
  if (effort === undefined) return undefined;
  if (effort === 'off') return 0;
  if (effort === 'dynamic') return -1;
  return budgetByEffort[effort];
}

function levelForEffort(effort: ThinkingEffort | undefined): ThinkingLevel | undefined {
  if (effort === undefined || effort === 'dynamic') return undefined;
  // Gemini 3 has no "off": MINIMAL is the least thinking it does (and still signs its calls).
  if (effort === 'off') return 'MINIMAL';
  return levelByEffort[effort];
}

/** A 2.5-style budget on a Gemini 3 model: the nearest level (-1 is the model's default). */
function levelForBudget(budget: number): ThinkingLevel | undefined {
  if (budget === -1) return undefined;
  if (budget === 0) return 'MINIMAL';
  if (budget <= 1024) return 'LOW';
  if (budget <= 8192) return 'MEDIUM';
  return 'HIGH';
}
