import type { AgentStep, AgentUsage } from '../../run/agent-result.ts';
import type { Content } from '../../wire/content.ts';
import type { AgentPath } from '../agent-event.ts';
import type { PluginRun } from './agent-plugin.ts';

/** What a plugin's view reads of the run (a part of `PluginRunFacts`). @internal */
export type PluginRunViewFacts = {
  readonly agentName: string;
  readonly model: string;
  readonly path: AgentPath;
  readonly streaming: boolean;
  readonly conversationId: string | undefined;
  readonly signal: AbortSignal;
  readonly tracker: {
    readonly contents: readonly Content[];
    readonly steps: readonly AgentStep[];
    readonly usage: AgentUsage;
  };
};

/** Where a plugin's view reports and asks for the end of the run (the run's `RunPlugins`). @internal */
export type PluginRunOwner = {
  emit(plugin: string, kind: string, data: unknown): void;
  stop: { readonly plugin: string; readonly reason: string } | undefined;
};

/** What one plugin sees of the run (`PluginRun`). @internal */
export class PluginRunView implements PluginRun {
  state: unknown = undefined;
  private readonly name: string;
  private readonly owner: PluginRunOwner;
  private readonly facts: PluginRunViewFacts;
  constructor(name: string, owner: PluginRunOwner, facts: PluginRunViewFacts) {
    this.name = name;
    this.owner = owner;
    this.facts = facts;
  }
  get agentName(): string {
    return this.facts.agentName;
  }
  get model(): string {
    return this.facts.model;
  }
  get path(): AgentPath {
    return this.facts.path;
  }
  get streaming(): boolean {
    return this.facts.streaming;
  }
  get conversationId(): string | undefined {
    return this.facts.conversationId;
  }
  get signal(): AbortSignal {
    return this.facts.signal;
  }
  get contents(): readonly Content[] {
    return this.facts.tracker.contents;
  }
  get steps(): readonly AgentStep[] {
    return this.facts.tracker.steps;
  }
  get usage(): Readonly<AgentUsage> {
    return this.facts.tracker.usage;
  }
  emit(kind: string, data?: unknown): void {
    this.owner.emit(this.name, String(kind), data);
  }
  finish(reason: string): void {
    this.owner.stop ??= { plugin: this.name, reason: String(reason) };
  }
}
