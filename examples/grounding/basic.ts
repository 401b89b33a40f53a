// Google Search grounding next to your own tools. The agent picks the wire shape from the model:
// - Gemini 3 combines built-in tools with functions: googleSearch() is sent beside the function
//   declarations (with toolConfig.includeServerSideToolInvocations) and Google runs the search
//   inside the model's turn;
// - Gemini 2.x rejects that mix, so gemloop declares search as a function, google_search(query),
//   and answers each call with a separate grounded request.
// Either way the sources come back as grounding metadata: result.grounding.
//
//   node scripts/run-example.mjs grounding

import { type AgentResult, createAgent, googleSearch, type Part } from '@gemloop/core';
import { getModelCapabilities } from '@gemloop/core/models';
import type { GenerateContentBody, GroundingMetadata } from '@gemloop/core/wire';
import { type FakeScriptFunction, turn } from '@gemloop/testing';
import { createWeatherTool } from '../demo/weather-tool.ts';
import { run } from '../lib/run.ts';
import { shownAnswer, shownText } from '../lib/trace-printer.ts';

const QUESTION =
  'Which city hosts the 2028 Summer Olympics, and what is the weather there right now?';

await run(
  async ({ gemini, model, offline, fake, style }) => {
    // Show both paths: the chosen model and one of the other kind.
    const other = getModelCapabilities(model).combinesBuiltinAndFunctionTools
      ? 'gemini-2.5-flash'
      : 'gemini-3-flash-preview';
    for (const name of [model, other]) {
      const combined = getModelCapabilities(name).combinesBuiltinAndFunctionTools;
      console.log(style.bold(`\n${name}`));
      console.log(
        style.dim(
          combined
            ? '  search: the googleSearch built-in, beside the function declarations'
            : '  search: a google_search function, answered by a separate grounded call',
        ),
      );
      const agent = createAgent({
        gemini,
        model: name,
        tools: [googleSearch(), createWeatherTool({ source: offline ? 'simulated' : 'live' })],
      });
      const firstRequest = fake?.requests.length ?? 0;
      const result = await agent.run(QUESTION);
      printCalls(result);
      // Offline, the fake kept the requests: this is what went on the wire in the first one.
      const sent = fake?.requests[firstRequest]?.body as GenerateContentBody | undefined;
      if (sent !== undefined) console.log(style.dim(`  wire: ${describeTools(sent)}`));
      console.log(`\n  ${shownAnswer(result.text).replace(/\n/g, '\n  ')}\n`);
      printSources(result.grounding);
    }
  },
  { script: groundingScript() },
);

function printCalls(result: AgentResult): void {
  for (const step of result.steps) {
    for (const part of step.content?.parts ?? []) {
      const queries = part.toolCall?.args?.['queries'];
      if (part.toolCall !== undefined) {
        console.log(
          `  [Google ran ${part.toolCall.toolType}] ${JSON.stringify(queries ?? part.toolCall.args)}`,
        );
      }
    }
    for (const call of step.toolCalls) {
      console.log(
        `  [gemloop ran ${shownText(call.toolName)}] ${shownText(JSON.stringify(call.args))}`,
      );
    }
  }
}

function describeTools(body: GenerateContentBody): string {
  const tools = (body.tools ?? []).map((tool) =>
    tool.functionDeclarations === undefined
      ? Object.keys(tool).join('+')
      : `functionDeclarations[${tool.functionDeclarations.map((declaration) => declaration.name).join(', ')}]`,
  );
  const config =
    body.toolConfig === undefined ? '' : `, toolConfig ${JSON.stringify(body.toolConfig)}`;
  return `tools [${tools.join(', ')}]${config}`;
}

function printSources(groundings: readonly GroundingMetadata[]): void {
  // Grounding is the model's bytes: lists that may be none, text that may hold terminal escapes.
  const listOf = <T>(value: readonly T[] | undefined): readonly T[] =>
    Array.isArray(value) ? value : [];
  const queries = groundings.flatMap((grounding) =>
    listOf(grounding?.webSearchQueries).filter((query) => typeof query === 'string'),
  );
  const sources = groundings.flatMap((grounding) =>
    listOf(grounding?.groundingChunks).flatMap((chunk) =>
      typeof chunk?.web?.uri === 'string' ? [chunk.web] : [],
    ),
  );
  if (queries.length > 0)
    console.log(`  searched: ${queries.map((query) => `"${shownText(query)}"`).join(', ')}`);
  if (sources.length === 0) console.log('  (no grounding sources)');
  for (const [index, source] of sources.slice(0, 20).entries()) {
    const title = typeof source.title === 'string' ? source.title : '';
    console.log(`  [${index + 1}] ${shownText(title)} ${shownText(source.uri ?? '')}`);
  }
  if (sources.length > 20) console.log(`  (and ${sources.length - 20} more)`);
}

/**
 * What the offline fake answers, for either path: Google's own search parts inside the turn on
 * Gemini 3, the google_search function call and its grounded request on 2.x, then an answer
 * written from the weather tool's actual result.
 */
function groundingScript(): FakeScriptFunction {
  const sources = [
    { uri: 'https://www.olympics.com/en/olympic-games/los-angeles-2028', title: 'olympics.com' },
    { uri: 'https://la28.org/', title: 'la28.org' },
  ];
  const query = '2028 Summer Olympics host city';
  const found = 'The 2028 Summer Olympics will be held in Los Angeles, from 14 to 30 July 2028.';
  return (request, context) => {
    const tools = (request.body.tools ?? []) as Record<string, unknown>[];
    const hasFunctions = tools.some((tool) => tool['functionDeclarations'] !== undefined);
    // The 2.x fallback's own request: search only, no functions.
    if (!hasFunctions) return turn.grounded(found, { sources, queries: [query] });
    const weather = context.functionResponses.find((response) => response.name === 'get_weather');
    if (weather !== undefined) {
      const report = (weather.response['output'] ?? weather.response) as Record<string, unknown>;
      const text = `${found} Right now it is ${String(report['temperatureC'])} °C there, ${String(report['conditions'])} (${String(report['source'])}).`;
      // Gemini 3 grounds the final answer itself; on 2.x the sources came through the function.
      return context.gemini3 ? turn.grounded(text, { sources, queries: [query] }) : turn.text(text);
    }
    if (context.functionResponses.some((response) => response.name === 'google_search')) {
      return turn.calls([{ name: 'get_weather', args: { city: 'Los Angeles' } }]);
    }
    if (context.gemini3) {
      const parts: Part[] = [
        { toolCall: { id: 'search01', toolType: 'GOOGLE_SEARCH_WEB', args: { queries: [query] } } },
        {
          toolResponse: {
            id: 'search01',
            toolType: 'GOOGLE_SEARCH_WEB',
            response: { search_suggestions: '' },
          },
        },
        { functionCall: { name: 'get_weather', args: { city: 'Los Angeles' } } },
      ];
      return turn.parts(parts);
    }
    return turn.calls([{ name: 'google_search', args: { query } }]);
  };
}
