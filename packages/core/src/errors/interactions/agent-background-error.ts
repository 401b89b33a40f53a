import { cutText } from '../../shared/cut-text.ts';
import { GemloopError } from '../gemloop-error.ts';

/**
 * Which way an agent's rule on `background` was broken: the agent runs only in the background
 * (Deep Research), or only in the foreground (Antigravity and the managed agents built on it).
 */
export type AgentBackgroundRule = 'needs-background' | 'refuses-background';

/**
 * An interaction (or a trigger's interaction template) named an agent with the wrong `background`
 * setting: Deep Research runs only with `background: true`, Antigravity only without it. Nothing
 * was sent. Set `background` as the message says.
 */
export class AgentBackgroundError extends GemloopError {
  override readonly code = 'agent-background';
  /** The agent named, e.g. `deep-research-pro-preview-12-2025`. */
  readonly agent: string;
  /** The rule the request broke. */
  readonly rule: AgentBackgroundRule;

  constructor(options: { agent: string; rule: AgentBackgroundRule; argument?: string }) {
    const agent = cutText(options.agent, 200);
    const where = options.argument ?? 'request';
    super({
      message:
        options.rule === 'needs-background'
          ? `Agent ${agent} runs only in the background: set ${where}.background to true, then wait for it (interactions.wait, or a webhook).`
          : `Agent ${agent} runs only in the foreground: remove ${where}.background (or set it to false); stream it with interactions.stream for progress.`,
    });
    this.agent = options.agent;
    this.rule = options.rule;
  }

  static override isInstance(error: unknown): error is AgentBackgroundError {
    return GemloopError.hasCode(error, 'agent-background');
  }
}
