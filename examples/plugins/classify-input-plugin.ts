// A plugin written outside gemloop, with public imports only (issue 53): it labels what the user
// asks with a model call of its own, on the side of the run (`run.generate`), before the agent's
// model sees the input. The call goes through the agent's client (its key, base URL, retries), stops
// when the run is aborted, and is billed to the run: its tokens and cost show in `result.usage` and
// count against a run tree's `budget`, as compaction's summaries do. The label is reported as a
// `plugin` event; in a durable run, list `checkInput` in `recorded` to keep the first run's label.

import { type AgentPlugin, definePlugin } from '@gemloop/core/plugins';

/** Options of {@link classifyInput}. */
export type ClassifyInputOptions = {
  /** The labels the model chooses from. */
  readonly labels: readonly string[];
  /** The classifier's model. @defaultValue the model of the agent holding the run */
  readonly model?: string | undefined;
};

/** What the plugin keeps for a run: the label it chose (`undefined` before the input is checked). */
export type ClassifyInputState = { label: string | undefined };

/** The plugin: one side call per run, on its input; the label as a `classified` event. */
export function classifyInput(options: ClassifyInputOptions): AgentPlugin<ClassifyInputState> {
  return definePlugin<ClassifyInputState>({
    name: 'classify-input',
    startRun: () => ({ label: undefined }),
    async checkInput(input, run) {
      if (input.source !== 'input') return undefined;
      const asked = input.contents
        .flatMap((content) => content.parts.map((part) => part.text ?? ''))
        .join('\n');
      const { text, usage } = await run.generate({
        model: options.model,
        systemInstruction: `Answer with one word, one of: ${options.labels.join(', ')}.`,
        contents: asked,
      });
      const answer = text.trim().toLowerCase();
      const label = options.labels.find((known) => known.toLowerCase() === answer) ?? 'unknown';
      run.state.label = label;
      run.emit('classified', { label, tokens: usage.totalTokenCount });
      return undefined;
    },
  });
}
