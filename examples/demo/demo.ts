// The gemloop demo: an agent with weather, unit-conversion and calculator tools (and Google
// Search where the model allows it) answers a question that needs several tool calls at once,
// and the whole run is printed live from agent.stream() events.
//
//   npm run demo                                   # offline, no key needed
//   GEMINI_API_KEY=... npm run demo                # the real Gemini API
//   npm run demo -- --model gemini-2.5-flash "What's the weather in Lima?"

import { createAgent, googleSearch } from '@gemloop/core';
import { getModelCapabilities } from '@gemloop/core/models';
import type { AnyTool } from '@gemloop/core/tools';
import { createCalculatorTool } from '@gemloop/tools';
import { createExampleRecorder, exampleViewCommand } from '../lib/create-example-recorder.ts';
import { formatError } from '../lib/format-error.ts';
import { run } from '../lib/run.ts';
import {
  createTracePrinter,
  eventsOfResult,
  formatUsage,
  shownText,
} from '../lib/trace-printer.ts';
import { createConvertUnitsTool } from './convert-units-tool.ts';
import { createWeatherTool } from './weather-tool.ts';

/** The question asked when none is given. */
const DEFAULT_QUESTION =
  "What's the weather right now in Paris and Tokyo, what is 18 °C in Fahrenheit, and what is 23 * 19?";

await run(
  async ({ gemini, model, offline, flags, positionals, style, logger }) => {
    const question =
      flags.question ?? (positionals.length > 0 ? positionals.join(' ') : DEFAULT_QUESTION);
    const capabilities = getModelCapabilities(model);
    const useSearch = flags['no-search'] !== true && capabilities.googleSearch;
    const tools: AnyTool[] = [
      createWeatherTool({ source: offline ? 'simulated' : 'live' }),
      createConvertUnitsTool(),
      createCalculatorTool(),
      ...(useSearch ? [googleSearch()] : []),
    ];
    const searchNote = !useSearch
      ? flags['no-search'] === true
        ? 'Google Search off (--no-search)'
        : `no Google Search (${model} is not known to support it)`
      : capabilities.combinesBuiltinAndFunctionTools
        ? 'Google Search (built-in, sent beside the functions)'
        : 'Google Search (as a google_search function: this model cannot mix built-ins with functions)';
    // Every run is recorded for `npx gemloop view` unless --no-record.
    const recorder = flags['no-record'] === true ? undefined : createExampleRecorder();
    const agent = createAgent({
      gemini,
      model,
      logger,
      name: 'gemloop-demo',
      ...(recorder === undefined ? {} : { recorder }),
      instructions:
        'You are a concise assistant. Use the tools for weather, unit conversions and arithmetic; call independent tools together in one turn. Say when weather data is simulated.',
      tools,
      ...(flags.thoughts === true && capabilities.thinking !== 'none'
        ? { thinking: { includeThoughts: true } }
        : {}),
    });

    const label = (name: string) => style.dim(name.padEnd(9));
    console.log(`${label('Model')}${model}`);
    console.log(
      `${label('Tools')}get_weather (${offline ? 'simulated, offline table' : 'live, Open-Meteo'}), convert_units, calculator; ${searchNote}`,
    );
    console.log(`${label('Question')}${style.bold(question)}`);
    console.log('');

    const printer = createTracePrinter({
      write: (text) => process.stdout.write(text),
      style,
      // One line per tool result in a terminal; piped output keeps more for grep.
      maxValueLength: process.stdout.isTTY ? Math.max(40, process.stdout.columns - 30) : 200,
    });
    const started = performance.now();
    const controller = new AbortController();
    // Ctrl-C stops the run cleanly (the history stays consistent); a second one quits at once.
    const onInterrupt = () => {
      if (controller.signal.aborted) process.exit(130);
      controller.abort();
    };
    process.on('SIGINT', onInterrupt);
    try {
      let result: Awaited<ReturnType<typeof agent.run>>;
      if (flags['no-stream'] === true) {
        result = await agent.run(question, { signal: controller.signal });
        for (const event of eventsOfResult(result)) printer.event(event);
      } else {
        const stream = agent.stream(question, { signal: controller.signal });
        for await (const event of stream) printer.event(event);
        result = await stream.result;
      }
      printer.finishLine();
      const seconds = ((performance.now() - started) / 1000).toFixed(2);
      const modelVersion = result.steps.at(-1)?.response.modelVersion;
      console.log('');
      console.log(
        style.bold(
          `Done (${result.finishReason}) after ${result.steps.length} step(s) in ${seconds} s · ${formatUsage(result.usage)}`,
        ),
      );
      if (modelVersion !== undefined)
        console.log(style.dim(`Answered by ${shownText(modelVersion)}.`));
      if (recorder !== undefined) {
        const view = exampleViewCommand(recorder.dir);
        const where = view === 'npm run view' ? '.gemloop/runs' : recorder.dir;
        console.log(style.dim(`Recorded in ${where}. See it: ${view}`));
      }
      if (offline) {
        console.log(
          style.dim(
            'That was the offline simulator. For a real model: GEMINI_API_KEY=<your key> npm run demo (keys: https://aistudio.google.com/apikey)',
          ),
        );
      }
    } catch (error) {
      printer.finishLine();
      // A cancel is not a failure to report as one: say so and exit like an interrupted program.
      if (controller.signal.aborted) {
        console.log(formatError(error, style));
        process.exitCode = 130;
        return;
      }
      throw error;
    } finally {
      process.off('SIGINT', onInterrupt);
      await recorder?.flush();
    }
  },
  {
    description:
      'The gemloop demo: parallel tool calls (weather, unit conversion, calculator, Google Search), traced live.',
    positionals: { name: 'question', description: 'the question to ask (same as --question)' },
    flags: {
      question: { type: 'string', short: 'q', description: 'The question to ask.' },
      'no-stream': {
        type: 'boolean',
        description: 'Use agent.run() and print the trace at the end instead of live.',
      },
      'no-search': { type: 'boolean', description: 'Leave Google Search out of the tools.' },
      thoughts: { type: 'boolean', description: 'Show thought summaries (thinking models).' },
      'no-record': {
        type: 'boolean',
        description: 'Do not record the run in .gemloop/runs (for npx gemloop view).',
      },
    },
  },
);
