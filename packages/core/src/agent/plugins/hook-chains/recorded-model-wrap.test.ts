import { describe, expect, it } from 'vitest';
import type { AgentStep } from '../../../run/agent-result.ts';
import { type MapRecorder, mapRecorder } from '../../__fixtures__/map-recorder.ts';
import {
  createScriptedGemini,
  type ScriptedTurn,
  textTurn,
} from '../../__fixtures__/scripted-gemini.ts';
import { agentTurnsOf } from '../../agent-turns.ts';
import { createAgent } from '../../create-agent.ts';
import { ModelCallError } from '../../errors/model-call-error.ts';
import type { AgentPlugin } from '../agent-plugin.ts';
import { definePlugin } from '../define-plugin.ts';
import { PluginError } from '../plugin-error.ts';
import type { PluginHookRecorder } from '../run-plugins.ts';

// A recorded `wrapModelCall` in a run with a recorder (what @gemloop/dbos gives a durable run), in
// process: the wrapper's decisions are recorded in parts around its model calls, which run outside
// every record (in a durable run: each its own step, with its events and usage); see
// ./recorded-model-wrap.ts. The recorder keeps what @gemloop/dbos's createPluginHookRecorder keeps (JSON;
// a throw as its name and message), and the model says whether a record was open when it was
// called (a DBOS step: where a durable model call's own step would be a plain call).

const MODEL = 'gemini-2.5-flash';
const OTHER = 'gemini-2.5-pro';

/** A model turn that logs the call, the model it went to and the records open meanwhile. */
function logged(log: string[], recorder: MapRecorder, turn: ScriptedTurn): ScriptedTurn {
  return (request) => {
    log.push(`model open=${recorder.open()}`);
    if (typeof turn === 'object' && 'error' in turn) throw turn.error;
    return typeof turn === 'function' ? turn(request) : (turn as ReturnType<typeof textTurn>);
  };
}

/** A redial: a random mark before the call; a RETRY answer (or a failed call) sent to another model. */
function redial(log: string[], wrap?: AgentPlugin['wrapModelCall']): AgentPlugin {
  return definePlugin({
    name: 'redial',
    recorded: ['wrapModelCall'],
    wrapModelCall:
      wrap ??
      (async (call, next, run) => {
        const mark = Math.random();
        log.push('before');
        run.emit('dialled', { mark });
        let step: AgentStep;
        try {
          step = await next(call);
        } catch {
          log.push('failed');
          return next({ ...call, model: OTHER });
        }
        log.push(`after ${step.text}`);
        return step.text.startsWith('RETRY') ? next({ ...call, model: OTHER }) : step;
      }),
  });
}

async function runWith(turns: ScriptedTurn[], plugin: AgentPlugin, record?: PluginHookRecorder) {
  const agent = createAgent({
    gemini: createScriptedGemini(turns),
    model: MODEL,
    plugins: [plugin],
  });
  const stream = agentTurnsOf(agent).stream('Where is order 7?', {}, undefined, undefined, record);
  const events: unknown[] = [];
  for await (const event of stream)
    if (event.type === 'plugin') events.push([event.kind, event.data]);
    else if (event.type === 'text-delta') events.push(['text', event.text]);
    else if (event.type === 'step-start' || event.type === 'guardrail-retraction')
      events.push([event.type]);
  const result = await stream.result;
  return { events, result };
}

describe('a recorded wrapModelCall in a run with a recorder', () => {
  it('records its decisions in parts and calls the model outside them; a replay calls the model, not the wrapper', async () => {
    const recorder = mapRecorder();
    const log: string[] = [];
    const turns = (into: string[]) => [logged(into, recorder, textTurn('Order 7 shipped.'))];
    const { events, result } = await runWith(turns(log), redial(log), recorder.record);
    expect(log).toEqual(['before', 'model open=0', 'after Order 7 shipped.']);
    // The draft it passed on is its own: recorded as no change (not the history again); its end
    // as the call's step, by index.
    expect(recorder.stored.get('plugin:redial:wrapModelCall:1')).toMatchObject({
      value: { next: {} },
    });
    expect(recorder.stored.get('plugin:redial:wrapModelCall.after:1')).toMatchObject({
      value: { step: 0 },
    });
    expect(events).toEqual([
      ['dialled', { mark: expect.any(Number) }],
      ['step-start'],
      ['text', 'Order 7 shipped.'],
    ]);

    recorder.replay();
    const again: string[] = [];
    const replayed = await runWith(turns(again), redial(again), recorder.record);
    // The model step is made again (a durable run's answers from its own record), the wrapper not.
    expect(again).toEqual(['model open=0']);
    expect(replayed.events).toEqual(events);
    expect(replayed.result.text).toBe(result.text);
    expect(replayed.result.usage).toEqual(result.usage);
  });

  it('records a fallback after a failed call and a retry after an answer, each call outside the records', async () => {
    for (const first of [
      { error: new Error('overloaded') },
      textTurn('RETRY later'),
    ] satisfies ScriptedTurn[]) {
      const recorder = mapRecorder();
      const log: string[] = [];
      const turns = (into: string[]) => [
        logged(into, recorder, first),
        logged(into, recorder, textTurn('Order 7 shipped.')),
      ];
      const { events, result } = await runWith(turns(log), redial(log), recorder.record);
      expect(log.filter((line) => line.startsWith('model'))).toEqual([
        'model open=0',
        'model open=0',
      ]);
      expect(result.text).toBe('Order 7 shipped.');
      expect(result.steps.map((step) => step.model)).toEqual([OTHER]);
      expect(recorder.stored.get('plugin:redial:wrapModelCall.after:1')).toMatchObject({
        value: { next: { model: OTHER } },
      });
      expect(recorder.stored.get('plugin:redial:wrapModelCall.after2:1')).toMatchObject({
        value: { step: 1 },
      });

      recorder.replay();
      const again: string[] = [];
      const replayed = await runWith(turns(again), redial(again), recorder.record);
      expect(again).toEqual(['model open=0', 'model open=0']);
      expect(replayed.events).toEqual(events);
      expect(replayed.result.steps.map((step) => step.model)).toEqual([OTHER]);
      expect(replayed.result.usage).toEqual(result.usage);
    }
  });

  it('runs the wrapper again, its first call answered at once, when a part after a call was not recorded (a worker killed between)', async () => {
    const recorder = mapRecorder();
    const log: string[] = [];
    const turns = (into: string[]) => [
      logged(into, recorder, textTurn('RETRY later')),
      logged(into, recorder, textTurn('Order 7 shipped.')),
    ];
    await runWith(turns(log), redial(log), recorder.record);
    recorder.stored.delete('plugin:redial:wrapModelCall.after:1');
    recorder.stored.delete('plugin:redial:wrapModelCall.after2:1');
    recorder.replay();
    const again: string[] = [];
    const replayed = await runWith(turns(again), redial(again), recorder.record);
    // The first call made again from its record's draft (a durable run's from its own step);
    // the wrapper from its start, its first next() answered with that call; its second a new call.
    expect(again).toEqual(['model open=0', 'before', 'after RETRY later', 'model open=0']);
    expect(replayed.result.text).toBe('Order 7 shipped.');
    const marks = replayed.events.filter((event) => (event as string[])[0] === 'dialled');
    expect(marks).toHaveLength(2);
  });

  it("fails the run with the call's own error when the wrapper passes it on, on a replay too", async () => {
    for (const replay of [false, true]) {
      const recorder = mapRecorder();
      const turns = [{ error: new Error('overloaded') }, { error: new Error('overloaded') }];
      const passOn = redial([], async (call, next) => next(call));
      await expect(runWith(turns, passOn, recorder.record)).rejects.toSatisfy(
        ModelCallError.isInstance,
      );
      expect(recorder.stored.get('plugin:redial:wrapModelCall.after:1')).toMatchObject({
        value: { rethrown: 0 },
      });
      if (!replay) continue;
      recorder.replay();
      await expect(runWith(turns, passOn, recorder.record)).rejects.toSatisfy(
        ModelCallError.isInstance,
      );
    }
  });

  it('answers without the model when it returns without next() (a cache): one record, no call', async () => {
    const kept = (await runWith([textTurn('Kept.')], redial([]))).result.steps[0];
    const recorder = mapRecorder();
    const { result } = await runWith(
      [],
      redial([], async () => kept as never),
      recorder.record,
    );
    expect(result.text).toBe('Kept.');
    expect([...recorder.stored.keys()]).toEqual(['plugin:redial:wrapModelCall:1']);
  });

  it('fails as the plugin when a part was changed in the database', async () => {
    const recorder = mapRecorder();
    await runWith([textTurn('Order 7 shipped.')], redial([]), recorder.record);
    recorder.stored.set('plugin:redial:wrapModelCall:1', { value: { next: { model: 7 } } });
    recorder.replay();
    const failed = await runWith([textTurn('Order 7 shipped.')], redial([]), recorder.record).catch(
      (error: unknown) => error,
    );
    expect(PluginError.isInstance(failed)).toBe(true);
    expect((failed as PluginError).message).toContain('its record holds a draft that is not');
  });

  it('is one call of the wrapper, unrecorded, in a run without a recorder', async () => {
    const log: string[] = [];
    const { result } = await runWith(
      [textTurn('RETRY later'), textTurn('Order 7 shipped.')],
      redial(log),
    );
    expect(log).toEqual(['before', 'after RETRY later']);
    expect(result.text).toBe('Order 7 shipped.');
  });
});
