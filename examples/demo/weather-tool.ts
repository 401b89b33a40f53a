import { type DefinedTool, defineTool } from '@gemloop/core';
import { z } from 'zod';
import { fetchCurrentWeather } from './open-meteo.ts';
import { simulateWeather } from './simulated-weather.ts';
import type { WeatherReport } from './weather-report.ts';

/** Options of {@link createWeatherTool}. */
export type WeatherToolOptions = {
  /** `live`: Open-Meteo over the network. `simulated`: the offline table. */
  source: 'live' | 'simulated';
  /** The fetch of the live source (inject one in tests). @defaultValue globalThis.fetch */
  fetch?: typeof globalThis.fetch | undefined;
};

/** The arguments of the weather tool. */
export type WeatherArgs = { city: string };

/**
 * `get_weather`: the current weather of a city. Live, it asks Open-Meteo (free, no key);
 * simulated, it reads a deterministic table and says so in every result.
 */
export function createWeatherTool({
  source,
  fetch,
}: WeatherToolOptions): DefinedTool<WeatherArgs, WeatherReport> {
  return defineTool({
    name: 'get_weather',
    description:
      'Current weather for one city: temperature (°C), feels-like, conditions, humidity and wind. Call it once per city; calls for several cities can run in parallel.',
    parameters: z.object({
      city: z
        .string()
        .min(1)
        .describe('City name, optionally with its country, e.g. "Paris" or "Paris, France".'),
    }),
    timeoutMs: 15_000,
    execute: ({ city }, { signal }) =>
      source === 'live' ? fetchCurrentWeather({ city, fetch, signal }) : simulateWeather(city),
  });
}
