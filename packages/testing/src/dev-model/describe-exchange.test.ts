import { describe, expect, it } from 'vitest';
import { composeDemoAnswer } from './compose-demo-answer.ts';
import { describeExchange } from './describe-exchange.ts';
import type { Exchange } from './read-loop-exchanges.ts';

// Result shapes as the real tools return them (examples/demo, @gemloop/tools), wrapped the way
// gemloop sends a tool's value back: `{ output: value }`.
const simulatedParis: Exchange = {
  name: 'get_weather',
  args: { city: 'Paris' },
  response: {
    output: {
      location: 'Paris, France',
      temperatureC: 18,
      conditions: 'partly cloudy',
      humidityPercent: 62,
      windKmh: 11,
      source: 'simulated: built-in offline table, not real weather',
    },
  },
};
const conversion: Exchange = {
  name: 'convert_units',
  args: { value: 18, from: 'C', to: 'F' },
  response: { output: { result: 64.4, unit: 'F', text: '18 °C = 64.4 °F' } },
};
const calculation: Exchange = {
  name: 'calculator',
  args: { expression: '23 * 19' },
  response: { output: { expression: '23 * 19', result: 437 } },
};

describe('describeExchange', () => {
  it.each<[string, Exchange, string]>([
    [
      'a simulated weather report, with the place as the tool resolved it',
      simulatedParis,
      'Paris, France: 18 °C, partly cloudy (simulated).',
    ],
    ['a conversion with its own text', conversion, '18 °C = 64.4 °F.'],
    ['a calculation', calculation, '23 × 19 = 437.'],
    [
      'a conversion without a text',
      {
        name: 'convert_temperature',
        args: { value: 20, from: 'C', to: 'F' },
        response: { output: { result: 68 } },
      },
      '20 °C is 68 °F.',
    ],
    [
      'a temperature with a unit field and an example-data note',
      {
        name: 'get_weather',
        args: { city: 'Paris', unit: 'celsius' },
        response: {
          output: {
            city: 'Paris',
            temperature: 18,
            unit: 'celsius',
            note: 'example data, not a live reading',
          },
        },
      },
      'Paris: 18 °C (example data).',
    ],
    [
      'a time, by its readable form',
      {
        name: 'get_current_time',
        args: { timeZone: 'Asia/Tokyo' },
        response: {
          output: {
            iso: '2024-05-17T21:30:00.000+09:00',
            timeZone: 'Asia/Tokyo',
            weekday: 'Friday',
            formatted: 'Friday, May 17, 2024 at 9:30:00 PM GMT+9',
            isoWeek: 20,
          },
        },
      },
      'Asia/Tokyo: Friday, May 17, 2024 at 9:30:00 PM GMT+9.',
    ],
    [
      'a date difference (from and to are dates, not units)',
      {
        name: 'date_difference',
        args: { from: 'today', to: '2025-12-25', units: ['days'] },
        response: { output: { from: '2025-01-01', to: '2025-12-25', text: '358 days' } },
      },
      'Date difference (today → 2025-12-25): 358 days.',
    ],
    [
      'a file, by its content',
      {
        name: 'read_file',
        args: { path: 'notes.md' },
        response: {
          output: {
            path: 'notes.md',
            size: 43,
            offset: 0,
            content: 'The team offsite is on 14 March in Lyon.\n',
          },
        },
      },
      'notes.md: The team offsite is on 14 March in Lyon.',
    ],
    [
      'a list, by its count and first items',
      {
        name: 'search_text',
        args: { query: 'TODO' },
        response: {
          output: {
            matches: [
              { path: 'notes.md', line: 3, text: 'TODO: book rooms' },
              { path: 'src/app.ts', line: 10, text: '// TODO' },
            ],
            filesSearched: 12,
            filesSkipped: 0,
          },
        },
      },
      'Search text (TODO): 2 matches: notes.md:3, src/app.ts:10.',
    ],
    [
      'an unknown shape, as a compact key: value list',
      {
        name: 'get_stock_price',
        args: { ticker: 'ACME' },
        response: { output: { ticker: 'ACME', price: 12.5, currency: 'USD', history: [1, 2] } },
      },
      'Stock price (ACME): ticker: ACME, price: 12.5, currency: USD, history: 2 item(s).',
    ],
    [
      'a plain value',
      {
        name: 'get_joke',
        args: {},
        response: { output: 'Why did the loop stop? It ran out of steps.' },
      },
      'Joke: Why did the loop stop? It ran out of steps.',
    ],
    [
      'a failure, with the tool’s message',
      {
        name: 'get_weather',
        args: { city: 'Atlantis' },
        response: { error: { message: 'Unknown city: Atlantis', name: 'Error' } },
      },
      'Weather (Atlantis) failed: Unknown city: Atlantis.',
    ],
    [
      'an action, by its verb',
      {
        name: 'delete_file',
        args: { path: 'tmp/cache.json' },
        response: { output: { deleted: 'tmp/cache.json' } },
      },
      'Deleted tmp/cache.json.',
    ],
    [
      'an action that reports a flag and details',
      {
        name: 'send_email',
        args: { to: 'team@example.com', subject: 'Hi' },
        response: { output: { sent: true, to: 'team@example.com' } },
      },
      'Sent (to team@example.com).',
    ],
    [
      'a Markdown file as running text',
      {
        name: 'read_file',
        args: { path: 'notes.md' },
        response: {
          output: {
            path: 'notes.md',
            size: 80,
            offset: 0,
            content: '# Notes\n\n- The offsite is on 14 March in Lyon.\n- Budget: 2,400 EUR\n',
          },
        },
      },
      'notes.md: Notes. The offsite is on 14 March in Lyon. Budget: 2,400 EUR.',
    ],
    [
      'a failure whose message ends a sentence, with one period',
      {
        name: 'delete_file',
        args: { path: 'notes.md' },
        response: { error: 'Only files in tmp/ may be deleted, not notes.md.' },
      },
      'Delete file (notes.md) failed: Only files in tmp/ may be deleted, not notes.md.',
    ],
    [
      'a call that got no response',
      { name: 'ping', args: {}, response: undefined },
      'Ping: no result.',
    ],
  ])('says %s in one sentence', (_, exchange, sentence) => {
    expect(describeExchange(exchange)).toBe(sentence);
  });
});

describe('composeDemoAnswer', () => {
  it('answers one result with its sentence alone', () => {
    expect(composeDemoAnswer([calculation])).toBe('23 × 19 = 437.');
  });

  it('opens and closes an answer of several results, one sentence per line', () => {
    const tokyo: Exchange = {
      name: 'get_weather',
      args: { city: 'Tokyo' },
      response: {
        output: {
          location: 'Tokyo, Japan',
          temperatureC: 24,
          conditions: 'clear sky',
          source: 'simulated: built-in offline table, not real weather',
        },
      },
    };
    expect(composeDemoAnswer([simulatedParis, tokyo, conversion, calculation])).toBe(
      [
        'Here is what I found:',
        '',
        'Paris, France: 18 °C, partly cloudy (simulated).',
        'Tokyo, Japan: 24 °C, clear sky (simulated).',
        '18 °C = 64.4 °F.',
        '23 × 19 = 437.',
        '',
        'Let me know if you need anything else.',
      ].join('\n'),
    );
  });

  it('says when some or all lookups failed', () => {
    const failed: Exchange = {
      name: 'get_weather',
      args: { city: 'Lima' },
      response: { error: 'timeout' },
    };
    expect(composeDemoAnswer([simulatedParis, failed])).toMatch(
      /^Here is what I found:\n\nParis, France: 18 °C.*\nWeather \(Lima\) failed: timeout\.\n\nSome calls failed; ask again if you want me to retry them\.$/,
    );
    expect(composeDemoAnswer([failed, failed])).toMatch(/^I tried, but the tools reported errors:/);
  });
});
