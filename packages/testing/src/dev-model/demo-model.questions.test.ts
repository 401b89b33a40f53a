import { readFileSync } from 'node:fs';
import type { Part } from '@gemloop/core';
import type { FunctionDeclaration, GenerateContentResponse } from '@gemloop/core/wire';
import { describe, expect, it } from 'vitest';
import { createFakeGemini } from '../create-fake-gemini.ts';
import { postToFake } from './__fixtures__/post-to-fake.ts';
import { demoModel } from './demo-model.ts';

// The declarations the demo model sees in real use, as gemloop sends them: the demo's
// get_weather and convert_units (examples/demo), and from @gemloop/tools the calculator, the four
// date/time tools and the four read-only file tools. Regenerate after changing those tools:
// map `tool.declaration` over them and write the JSON array here.
const toolSet = JSON.parse(
  readFileSync(new URL('./__fixtures__/demo-tool-set.json', import.meta.url), 'utf8'),
) as FunctionDeclaration[];

type Call = { name: string; args: Record<string, unknown> };
type Case = { question: string; calls: Call[] } | { question: string; text: RegExp };

const weather = (city: string): Call => ({ name: 'get_weather', args: { city } });
const convert = (value: number, from: string, to: string): Call => ({
  name: 'convert_units',
  args: { value, from, to },
});
const calculate = (expression: string): Call => ({ name: 'calculator', args: { expression } });
const timeIn = (timeZone?: string): Call => ({
  name: 'get_current_time',
  args: timeZone === undefined ? {} : { timeZone },
});

const cases: Case[] = [
  // Places: lists with "and", commas, "as well as", names opening a clause or the question.
  {
    question: "What's the weather in Paris and Tokyo right now, and what is 18 °C in Fahrenheit?",
    calls: [weather('Paris'), weather('Tokyo'), convert(18, 'C', 'F')],
  },
  {
    question:
      "What's the weather right now in Paris and Tokyo, what is 18 °C in Fahrenheit, and what is 23 * 19?",
    calls: [weather('Paris'), weather('Tokyo'), convert(18, 'C', 'F'), calculate('23 * 19')],
  },
  { question: 'weather in Paris and Tokyo', calls: [weather('Paris'), weather('Tokyo')] },
  {
    question: 'Paris, Tokyo and New York weather',
    calls: [weather('Paris'), weather('Tokyo'), weather('New York')],
  },
  { question: 'London weather?', calls: [weather('London')] },
  { question: 'Tokyo weather, please', calls: [weather('Tokyo')] },
  { question: 'How hot is it in São Paulo?', calls: [weather('São Paulo')] },
  { question: 'Is it raining in Zürich?', calls: [weather('Zürich')] },
  {
    question: "What's the weather like in Kraków and Malmö today?",
    calls: [weather('Kraków'), weather('Malmö')],
  },
  {
    question: 'Weather in Paris as well as Berlin',
    calls: [weather('Paris'), weather('Berlin')],
  },
  {
    question: 'Weather in Rio de Janeiro, Buenos Aires and Mexico City',
    calls: [weather('Rio de Janeiro'), weather('Buenos Aires'), weather('Mexico City')],
  },
  { question: 'What is the weather in Paris, France?', calls: [weather('Paris, France')] },
  { question: 'weather in berlin', calls: [weather('Berlin')] },
  // A capitalised first word that is not a place.
  { question: 'Tell me the weather in Lima', calls: [weather('Lima')] },
  { question: 'Please check the weather for Sydney', calls: [weather('Sydney')] },
  {
    question: 'Compare the weather in Paris and Rome',
    calls: [weather('Paris'), weather('Rome')],
  },
  { question: 'Compare Paris and Rome weather', calls: [weather('Paris'), weather('Rome')] },
  { question: 'Rate the weather in Oslo', calls: [weather('Oslo')] },
  {
    question: 'Should I take an umbrella in Dublin tomorrow? What is the forecast?',
    calls: [weather('Dublin')],
  },
  // Units.
  { question: 'convert 20 C to F', calls: [convert(20, 'C', 'F')] },
  { question: '5 km to miles', calls: [convert(5, 'km', 'mi')] },
  { question: '3 lbs in kg', calls: [convert(3, 'lb', 'kg')] },
  { question: 'How many miles is 10 km?', calls: [convert(10, 'km', 'mi')] },
  { question: "What's 20 degrees Celsius in Fahrenheit?", calls: [convert(20, 'C', 'F')] },
  {
    question: 'Convert 100 km/h to mph and 72 F to C',
    calls: [convert(100, 'km/h', 'mph'), convert(72, 'F', 'C')],
  },
  // Arithmetic.
  { question: 'what is 23 * 19 / (2+3)^2', calls: [calculate('23 * 19 / (2+3)^2')] },
  { question: 'What is 12 times 4?', calls: [calculate('12 * 4')] },
  { question: 'What is 15% of 80?', calls: [calculate('15 / 100 * 80')] },
  { question: 'Calculate sqrt(2) / 2, please', calls: [calculate('sqrt(2) / 2')] },
  // Dates and times.
  { question: 'time in America/New_York', calls: [timeIn('America/New_York')] },
  {
    question: 'What time is it in Tokyo and London?',
    calls: [timeIn('Asia/Tokyo'), timeIn('Europe/London')],
  },
  {
    question: "What's the weather in New York and what time is it there?",
    calls: [weather('New York'), timeIn('America/New_York')],
  },
  { question: "What's the date today?", calls: [timeIn()] },
  {
    question: 'How many days until 2025-12-25?',
    calls: [
      { name: 'date_difference', args: { from: 'today', to: '2025-12-25', units: ['days'] } },
    ],
  },
  {
    question: 'How long is it between 2024-01-15 and 2024-03-01?',
    calls: [{ name: 'date_difference', args: { from: '2024-01-15', to: '2024-03-01' } }],
  },
  {
    question: 'What date is 90 days from today?',
    calls: [{ name: 'add_to_date', args: { dateTime: 'today', days: 90 } }],
  },
  // Files.
  { question: 'List the files in docs', calls: [{ name: 'list_files', args: { path: 'docs' } }] },
  { question: 'Read notes.md', calls: [{ name: 'read_file', args: { path: 'notes.md' } }] },
  {
    question: 'Find all *.md files',
    calls: [{ name: 'find_files', args: { pattern: '*.md' } }],
  },
  {
    question: 'Search the files for TODO',
    calls: [{ name: 'search_text', args: { query: 'TODO' } }],
  },
  // No tool: an answer in text.
  { question: 'Write me a haiku about autumn leaves', text: /None of my tools .* fits/ },
  { question: 'What is the capital of France?', text: /None of my tools .* fits/ },
  { question: 'Who wrote Hamlet?', text: /None of my tools .* fits/ },
  { question: 'Hello!', text: /^Hello! I'm the gemloop demo model/ },
  { question: 'Thanks, that is all', text: /simulator/ },
  { question: "What's the weather like?", text: /^Which place do you mean\?.*get_weather/ },
];

async function ask(question: string): Promise<Part[]> {
  const fake = createFakeGemini({ script: demoModel() });
  const result = await postToFake(fake, {
    contents: [{ role: 'user', parts: [{ text: question }] }],
    tools: [{ functionDeclarations: toolSet }],
  });
  expect(result.status, result.text).toBe(200);
  return (result.json as GenerateContentResponse).candidates?.[0]?.content?.parts ?? [];
}

describe('demoModel on the questions users type', () => {
  it('has a realistic table: at least 30 questions over eleven declared tools', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
    expect(toolSet.map((declaration) => declaration.name)).toEqual([
      'get_weather',
      'convert_units',
      'calculator',
      'get_current_time',
      'convert_time',
      'add_to_date',
      'date_difference',
      'list_files',
      'read_file',
      'find_files',
      'search_text',
    ]);
  });

  it.each(cases)('$question', async (testCase) => {
    const parts = await ask(testCase.question);
    const calls = parts.flatMap((part) =>
      part.functionCall === undefined
        ? []
        : [{ name: part.functionCall.name, args: part.functionCall.args }],
    );
    if ('calls' in testCase) {
      expect(calls).toEqual(testCase.calls);
    } else {
      expect(calls).toEqual([]);
      expect(parts.map((part) => part.text ?? '').join('')).toMatch(testCase.text);
    }
  });
});
