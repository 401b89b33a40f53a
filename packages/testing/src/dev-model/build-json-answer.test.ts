import { describe, expect, it } from 'vitest';
import { satisfiesSchema } from './__fixtures__/validate-json.ts';
import { buildJsonAnswer } from './build-json-answer.ts';
import { type Exchange, readLatestExchanges } from './read-loop-exchanges.ts';

const weather = (city: string, temperatureC: number, conditions: string): Exchange => ({
  name: 'get_weather',
  args: { city },
  response: {
    output: { location: `${city}, Somewhere`, temperatureC, conditions, humidityPercent: 50 },
  },
});

function valid(schema: unknown, value: unknown): boolean {
  return satisfiesSchema(schema, value);
}

describe('buildJsonAnswer', () => {
  it('fills fields from result keys by name, synonym and prefix', () => {
    const schema = {
      type: 'object',
      properties: {
        name: { type: 'string' },
        temperature: { type: 'number' },
        sky: { type: 'string' },
        humidity: { type: 'integer', minimum: 0, maximum: 100 },
      },
      required: ['name', 'temperature', 'sky', 'humidity'],
    };
    const value = buildJsonAnswer(schema, {
      question: 'Weather in Oslo?',
      exchanges: [weather('Oslo', 7, 'fog')],
      summary: 'Oslo: 7 °C, fog.',
    });
    expect(value).toEqual({ name: 'Oslo', temperature: 7, sky: 'fog', humidity: 50 });
  });

  it('stays valid when the results have the wrong types for the schema', () => {
    const schema = {
      type: 'object',
      properties: {
        tags: { type: 'array', items: { type: 'integer', minimum: 1 }, maxItems: 3 },
        grid: { type: 'array', items: { type: 'array', items: { type: 'string' } } },
        count: { type: 'integer', minimum: 3, maximum: 5 },
        level: { type: 'string', enum: ['low', 'high'] },
        label: { type: 'string', minLength: 5, maxLength: 8 },
        flag: { type: 'boolean' },
      },
      required: ['tags', 'grid', 'count', 'level', 'label', 'flag'],
      additionalProperties: false,
    };
    const odd: Exchange = {
      name: 'odd',
      args: {},
      response: {
        tags: ['a', 2.5, null, { x: 1 }, 9],
        grid: ['not', 'nested'],
        count: 'seven',
        level: 'medium',
        label: 'ab',
        flag: 'yes',
      },
    };
    const value = buildJsonAnswer(schema, { question: 'odd', exchanges: [odd], summary: 'odd' });
    expect(valid(schema, value), JSON.stringify(value)).toBe(true);
  });

  it('gives a list of records one item per call, each from its own call', () => {
    const schema = {
      type: 'array',
      items: {
        type: 'object',
        properties: { city: { type: 'string' }, temperatureC: { type: 'number' } },
        required: ['city', 'temperatureC'],
      },
    };
    const value = buildJsonAnswer(schema, {
      question: 'Weather in Oslo and Rome',
      exchanges: [weather('Oslo', 7, 'fog'), weather('Rome', 21, 'clear sky')],
      summary: '',
    });
    expect(value).toEqual([
      { city: 'Oslo', temperatureC: 7 },
      { city: 'Rome', temperatureC: 21 },
    ]);
  });

  it('uses a lone numeric result for a number field of any name', () => {
    const schema = {
      type: 'object',
      properties: { answer: { type: 'number' }, explanation: { type: 'string' } },
      required: ['answer', 'explanation'],
    };
    const value = buildJsonAnswer(schema, {
      question: 'What is 23 * 19?',
      exchanges: [
        {
          name: 'calculator',
          args: { expression: '23 * 19' },
          response: { output: { expression: '23 * 19', result: 437 } },
        },
      ],
      summary: '23 × 19 = 437.',
    });
    expect(value).toEqual({ answer: 437, explanation: '23 × 19 = 437.' });
  });
});

describe('readLatestExchanges', () => {
  it('finds the results of the loop before a follow-up note, with its question', () => {
    const contents = [
      { role: 'user', parts: [{ text: 'Weather in Oslo?' }] },
      {
        role: 'model',
        parts: [{ functionCall: { id: 'a', name: 'get_weather', args: { city: 'Oslo' } } }],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { id: 'a', name: 'get_weather', response: { output: { t: 7 } } } },
        ],
      },
      { role: 'model', parts: [{ text: 'Oslo: 7 °C.' }] },
      { role: 'user', parts: [{ text: 'Now give your final answer as JSON.' }] },
    ];
    expect(readLatestExchanges(contents)).toEqual({
      question: 'Weather in Oslo?',
      exchanges: [{ name: 'get_weather', args: { city: 'Oslo' }, response: { output: { t: 7 } } }],
    });
    expect(readLatestExchanges(contents.slice(0, 1))).toEqual({
      question: undefined,
      exchanges: [],
    });
  });
});

describe('buildJsonAnswer on a hostile schema', () => {
  const sources = { question: 'Anything?', exchanges: [], summary: 'A summary.' };

  it('answers a recursive type whose ten properties are all required, instead of building 10^12 values', () => {
    // Each level fans out ten ways down to the depth limit: this hung the demo model.
    const names = 'abcdefghij'.split('');
    const schema = {
      $ref: '#/$defs/Node',
      $defs: {
        Node: {
          type: 'object',
          properties: Object.fromEntries(names.map((name) => [name, { $ref: '#/$defs/Node' }])),
          required: names,
        },
      },
    };
    const answer = buildJsonAnswer(schema, sources) as Record<string, unknown>;
    expect(Object.keys(answer)).toEqual(names);
    // Cut, not hung: the size of what was built stays bounded.
    expect(JSON.stringify(answer).length).toBeLessThan(1_000_000);
  });

  it('caps minItems and minLength of a billion at a bound', () => {
    const answer = buildJsonAnswer(
      {
        type: 'object',
        properties: {
          tags: { type: 'array', items: { type: 'string' }, minItems: 1e9 },
          note: { type: 'string', minLength: 1e9 },
        },
        required: ['tags', 'note'],
      },
      sources,
    ) as { tags: string[]; note: string };
    expect(answer.tags).toHaveLength(1000);
    expect(answer.note).toHaveLength(100_000);
  });

  it('still honours a minItems and a minLength of ordinary size', () => {
    const answer = buildJsonAnswer(
      {
        type: 'object',
        properties: {
          tags: { type: 'array', items: { type: 'string' }, minItems: 3 },
          code: { type: 'string', minLength: 12 },
        },
        required: ['tags', 'code'],
      },
      sources,
    ) as { tags: string[]; code: string };
    expect(answer.tags).toHaveLength(3);
    expect(answer.code.length).toBeGreaterThanOrEqual(12);
  });
});

describe('buildJsonAnswer string lengths, counted as JSON Schema counts them', () => {
  it('keeps minLength and maxLength in characters: an emoji is one, and never cut in half', () => {
    const schema = {
      type: 'object',
      properties: {
        short: { type: 'string', maxLength: 3 },
        long: { type: 'string', minLength: 5 },
      },
      required: ['short', 'long'],
    };
    const value = buildJsonAnswer(schema, {
      question: 'Any?',
      exchanges: [
        { name: 'get_mood', args: {}, response: { output: { short: '😀😀😀😀', long: '😀😀' } } },
      ],
      summary: 'mood',
    }) as { short: string; long: string };
    expect(value).toEqual({ short: '😀😀😀', long: '😀😀...' });
    expect(valid(schema, value)).toBe(true);
  });
});

describe('buildJsonAnswer on an emoji question', () => {
  it('never writes half an emoji into a string made from the question', () => {
    const schema = {
      type: 'object',
      properties: { topic: { type: 'string' } },
      required: ['topic'],
    };
    // "topic for: " is 11 units; 109 emoji units after it put the 120-unit cut inside a pair.
    for (const pad of ['', 'x']) {
      const question = `${pad}${'😀'.repeat(80)}`;
      const answer = buildJsonAnswer(schema, { question, exchanges: [], summary: '' }) as {
        topic: string;
      };
      expect(answer.topic.startsWith('topic for: ')).toBe(true);
      expect(answer.topic).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    }
  });
});
