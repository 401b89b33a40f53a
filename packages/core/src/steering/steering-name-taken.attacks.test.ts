import { describe, expect, it } from 'vitest';
import { createScriptedGemini, textTurn } from '../agent/__fixtures__/scripted-gemini.ts';
import { createAgent } from '../agent/create-agent.ts';
import { definePlugin } from '../agent/plugins/define-plugin.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { createSteering } from './create-steering.ts';

// A third party's plugin named "steering", the name of gemloop's own steering plugin: a stream's
// first steer() brings that plugin into the run, and the run failed there with "plugins[1]: two
// plugins are named "steering": plugins[0] and plugins[1]", blaming a place the caller never
// wrote (the agent had one plugin) and saying nothing of steering (run68). The refusal now names
// the plugin that joined and what to do.

const MODEL = 'gemini-2.5-flash';
const named = () => definePlugin({ name: 'steering', beforeModelCall: () => {} });

function expectNamesSteering(error: unknown): void {
  expect(InvalidArgumentError.isInstance(error), String(error)).toBe(true);
  const { message } = error as InvalidArgumentError;
  expect(message).toContain('"steering"');
  expect(message).toContain("gemloop's steering plugin");
  expect(message).toContain('rename');
  expect(message).not.toMatch(/plugins\[1\]/);
}

describe('a plugin named "steering" in a run that is steered', () => {
  it("a stream's first steer(): the run fails naming gemloop's steering plugin", async () => {
    const gemini = createScriptedGemini([textTurn('One.'), textTurn('Two.')]);
    const agent = createAgent({ gemini, model: MODEL, plugins: [named()] });
    const stream = agent.stream('Go.');
    let steered = false;
    const error = await (async () => {
      for await (const _event of stream) {
        if (steered) continue;
        steered = true;
        stream.steer('And more.');
      }
      return stream.result;
    })().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expectNamesSteering(error);
  });

  it('a run given a steering controller: refused as it starts, naming it', async () => {
    const gemini = createScriptedGemini([textTurn('One.')]);
    const agent = createAgent({ gemini, model: MODEL, plugins: [named()] });
    const error = await agent.run('Go.', { steering: createSteering() }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expectNamesSteering(error);
    expect(gemini.calls.length).toBe(0);
  });
});
