import type { FunctionDeclaration } from '@gemloop/core/wire';
import { describe, expect, it } from 'vitest';
import { type CallingMode, planDemoCalls } from './plan-demo-calls.ts';

// The calls the demo model plans for a question: one per place for a place tool, only declared
// and allowed tools, and a question back when a place is needed and none is named.

const tool = (
  name: string,
  description: string,
  properties: Record<string, Record<string, unknown>>,
  required: string[] = [],
): FunctionDeclaration => ({
  name,
  description,
  parametersJsonSchema: { type: 'object', properties, required },
});
const weather = tool('get_weather', 'Current weather for a city', { city: { type: 'string' } }, [
  'city',
]);
const time = tool('get_current_time', 'The current time in a time zone', {
  timezone: { type: 'string' },
});
const calculator = tool('calculate', 'Evaluates arithmetic', { expression: { type: 'string' } }, [
  'expression',
]);
const tools = [weather, time, calculator];
const auto: CallingMode = { mode: 'AUTO', allowed: undefined };
const plan = (
  question: string,
  options: Partial<{
    calling: CallingMode;
    max: number;
    followUp: string[];
    declarations: FunctionDeclaration[];
  }> = {},
) =>
  planDemoCalls(
    question,
    options.declarations ?? tools,
    options.calling ?? auto,
    options.max ?? 8,
    options.followUp,
  );
const cities = (question: string, options = {}) =>
  plan(question, options).calls.map(
    (call) => `${call.name}:${String(call.args['city'] ?? call.args['timezone'] ?? '')}`,
  );

describe('planDemoCalls', () => {
  it('calls a place tool once per place, wherever the places are named', () => {
    expect(cities('weather in Paris and Tokyo')).toEqual([
      'get_weather:Paris',
      'get_weather:Tokyo',
    ]);
    expect(cities('Paris, Tokyo and London weather')).toEqual([
      'get_weather:Paris',
      'get_weather:Tokyo',
      'get_weather:London',
    ]);
  });

  it('reuses the places already named for a later clause', () => {
    const names = plan('weather in Paris and what time is it there?').calls.map(
      (call) => call.name,
    );
    expect(names).toEqual(['get_weather', 'get_current_time']);
  });

  it('gives a tool without places its own call', () => {
    expect(plan('what is 2 + 2').calls).toEqual([
      { name: 'calculate', args: { expression: '2 + 2' } },
    ]);
  });

  it('makes the same call once', () => {
    expect(cities('weather in Paris; weather in Paris')).toEqual(['get_weather:Paris']);
  });

  it('asks for the place instead of guessing one', () => {
    expect(plan('what is the weather')).toEqual({ calls: [], missingPlace: weather });
  });

  it('continues the last turn tool for a follow-up', () => {
    expect(cities('and in Tokyo?', { followUp: ['get_weather'] })).toEqual(['get_weather:Tokyo']);
    expect(cities('What about Lima', { followUp: ['get_weather'] })).toEqual(['get_weather:Lima']);
    expect(cities('and in Tokyo?')).toEqual([]);
  });

  it('calls nothing with mode NONE or no tools', () => {
    expect(plan('weather in Paris', { calling: { mode: 'NONE', allowed: undefined } })).toEqual({
      calls: [],
      missingPlace: undefined,
    });
    expect(plan('weather in Paris', { declarations: [] }).calls).toEqual([]);
  });

  it('calls only allowed tools', () => {
    const calling = { mode: 'AUTO', allowed: ['calculate'] };
    expect(plan('weather in Paris', { calling }).calls).toEqual([]);
    expect(plan('weather in Paris', { calling: { mode: 'AUTO', allowed: [] } }).calls).toHaveLength(
      1,
    );
  });

  it('always calls something with mode ANY, the allowed tool closest to the question', () => {
    const any = plan('hello there', { calling: { mode: 'ANY', allowed: ['get_current_time'] } });
    expect(any.calls.map((call) => call.name)).toEqual(['get_current_time']);
    const needsPlace = plan('what is the weather', {
      calling: { mode: 'ANY', allowed: undefined },
    });
    expect(needsPlace.calls.map((call) => call.name)).toEqual(['get_weather']);
    expect(needsPlace.missingPlace).toBeUndefined();
  });

  it('makes at most maxCalls calls', () => {
    expect(cities('weather in Paris, Tokyo, London and Berlin', { max: 2 })).toEqual([
      'get_weather:Paris',
      'get_weather:Tokyo',
    ]);
  });

  it('plans for hostile questions without throwing', () => {
    for (const question of [
      '',
      ' ',
      '😀'.repeat(500),
      '__proto__ weather',
      'weather in "',
      `${'and '.repeat(400)}Paris`,
    ]) {
      expect(() => plan(question), question.slice(0, 20)).not.toThrow();
    }
    const many = Array.from({ length: 200 }, () => 'Paris').join(', ');
    expect(plan(`weather in ${many}`).calls).toHaveLength(1);
  });
});
