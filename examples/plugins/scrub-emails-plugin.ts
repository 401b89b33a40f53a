// A plugin written outside gemloop, with public imports only (issue 53): it scrubs e-mail
// addresses from what the user sends and from what the model answers BEFORE any other plugin of
// the run sees them (`order: 'first'`), so a logger, an analytics hook or a moderation plugin that
// sends text to another service never gets an address, wherever it is registered: on the agent,
// on a run, handed down by a parent, or on the agent a run is handed to. The model gets the
// scrubbed input too (a rewrite replaces the input in the history); the caller gets the scrubbed
// answer (the history keeps the model's words). Deterministic: nothing to record in a durable run.

import type { Content } from '@gemloop/core';
import { type AgentPlugin, definePlugin } from '@gemloop/core/plugins';

/** What the plugin matches. Deliberately simple; bring your own pattern for production. */
const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;

/** Options of {@link scrubEmails}. */
export type ScrubEmailsOptions = {
  /** What an address becomes. @defaultValue `'[email]'` */
  readonly replacement?: string | undefined;
  /** Apply to the subagents of the run too. @defaultValue false */
  readonly inherit?: boolean | undefined;
};

/**
 * The plugin: `checkInput` and `checkAnswer` replace e-mail addresses, first among the run's
 * checks; each scrub is reported as a `plugin` event (`scrubbed`, with counts, never values).
 */
export function scrubEmails(options: ScrubEmailsOptions = {}): AgentPlugin {
  const replacement = options.replacement ?? '[email]';
  return definePlugin({
    name: 'scrub-emails',
    order: 'first',
    inherit: options.inherit ?? false,
    checkInput(input, run) {
      let found = 0;
      const contents: Content[] = input.contents.map((content) => ({
        ...content,
        parts: content.parts.map((part) => {
          if (typeof part.text !== 'string') return part;
          const text = part.text.replace(EMAIL, () => {
            found++;
            return replacement;
          });
          return text === part.text ? part : { ...part, text };
        }),
      }));
      if (found === 0) return undefined;
      run.emit('scrubbed', { where: 'input', count: found });
      return { contents };
    },
    checkAnswer(answer, run) {
      let found = 0;
      const text = answer.text.replace(EMAIL, () => {
        found++;
        return replacement;
      });
      if (found === 0) return undefined;
      run.emit('scrubbed', { where: 'answer', count: found });
      return { text, output: answer.output };
    },
  });
}
