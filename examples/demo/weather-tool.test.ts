import { silentLogger } from '@gemloop/core/logging';
import { describe, expect, it } from 'vitest';
import { fetchCurrentWeather } from './open-meteo.ts';
import { SIMULATED_SOURCE, simulateWeather } from './simulated-weather.ts';
import { createWeatherTool } from './weather-tool.ts';

type Route = (url: URL) => Response;

/** A fetch that answers Open-Meteo's two endpoints from `routes` and records the URLs asked. */
function fakeFetch(routes: { geocoding: Route; forecast: Route }) {
  const urls: URL[] = [];
  const fetch = (async (input: string | URL | Request) => {
    const url = new URL(input instanceof Request ? input.url : input);
    urls.push(url);
    return url.hostname === 'geocoding-api.open-meteo.com'
      ? routes.geocoding(url)
      : routes.forecast(url);
  }) as typeof globalThis.fetch;
  return { fetch, urls };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const PARIS_FR = {
  name: 'Paris',
  country: 'France',
  admin1: 'Île-de-France',
  latitude: 48.85,
  longitude: 2.35,
};
const PARIS_US = {
  name: 'Paris',
  country: 'United States',
  admin1: 'Texas',
  latitude: 33.66,
  longitude: -95.56,
};
const CURRENT = {
  timezone: 'Europe/Paris',
  current: {
    time: '2026-05-17T14:30',
    temperature_2m: 18.4,
    apparent_temperature: 17.9,
    relative_humidity_2m: 61,
    wind_speed_10m: 11.2,
    weather_code: 2,
  },
};

describe('fetchCurrentWeather (Open-Meteo)', () => {
  it('geocodes the city, then reads its current conditions', async () => {
    const { fetch, urls } = fakeFetch({
      geocoding: () => json({ results: [PARIS_FR, PARIS_US] }),
      forecast: () => json(CURRENT),
    });
    const report = await fetchCurrentWeather({ city: 'Paris', fetch });
    expect(report).toEqual({
      location: 'Paris, France',
      temperatureC: 18.4,
      feelsLikeC: 17.9,
      conditions: 'partly cloudy',
      humidityPercent: 61,
      windKmh: 11.2,
      observedAt: '2026-05-17T14:30 (Europe/Paris)',
      source: 'Open-Meteo (open-meteo.com), live data',
    });
    expect(urls[0]?.searchParams.get('name')).toBe('Paris');
    expect(urls[1]?.searchParams.get('latitude')).toBe('48.85');
    expect(urls[1]?.searchParams.get('current')).toContain('weather_code');
  });

  it('picks the place in the country the model named', async () => {
    const { fetch, urls } = fakeFetch({
      geocoding: () => json({ results: [PARIS_FR, PARIS_US] }),
      forecast: () => json(CURRENT),
    });
    const report = await fetchCurrentWeather({ city: 'Paris, Texas', fetch });
    expect(report.location).toBe('Paris, United States');
    expect(urls[1]?.searchParams.get('latitude')).toBe('33.66');
  });

  it('says when no place has that name, so the model can try another spelling', async () => {
    const { fetch } = fakeFetch({
      geocoding: () => json({ generationtime_ms: 0.5 }),
      forecast: () => json(CURRENT),
    });
    await expect(fetchCurrentWeather({ city: 'Atlantis', fetch })).rejects.toThrow(
      'No place called "Atlantis" was found. Try the English name, or add the country',
    );
  });

  it("reports Open-Meteo's own reason for a failed request", async () => {
    const { fetch } = fakeFetch({
      geocoding: () => json({ results: [PARIS_FR] }),
      forecast: () =>
        json({ error: true, reason: 'Latitude must be in range of -90 to 90°.' }, 400),
    });
    await expect(fetchCurrentWeather({ city: 'Paris', fetch })).rejects.toThrow(
      'Open-Meteo answered HTTP 400: Latitude must be in range of -90 to 90°.',
    );
  });
});

describe('simulateWeather', () => {
  it('gives table cities their fixed weather and every other place a stable one, always labelled', () => {
    expect(simulateWeather('Tokyo')).toMatchObject({ location: 'Tokyo, Japan', temperatureC: 24 });
    expect(simulateWeather('paris, France')).toMatchObject({
      location: 'Paris, France',
      temperatureC: 18,
    });
    const reykjavik = simulateWeather('Reykjavik');
    expect(simulateWeather('Reykjavik')).toEqual(reykjavik);
    expect(reykjavik.temperatureC).toBeGreaterThanOrEqual(-2);
    expect(reykjavik.temperatureC).toBeLessThanOrEqual(28);
    for (const report of [reykjavik, simulateWeather('Tokyo')])
      expect(report.source).toBe(SIMULATED_SOURCE);
  });
});

describe('createWeatherTool', () => {
  it('rejects a call without a city before anything runs', () => {
    const tool = createWeatherTool({ source: 'simulated' });
    expect(tool.parseArgs({}).success).toBe(false);
    expect(tool.parseArgs({ city: 'Lima' })).toEqual({ success: true, value: { city: 'Lima' } });
  });

  it('uses the injected fetch in live mode', async () => {
    const { fetch, urls } = fakeFetch({
      geocoding: () => json({ results: [PARIS_FR] }),
      forecast: () => json(CURRENT),
    });
    const tool = createWeatherTool({ source: 'live', fetch });
    const report = await tool.execute(
      { city: 'Paris' },
      {
        signal: new AbortController().signal,
        toolCallId: 'call-1',
        step: 1,
        logger: silentLogger,
        contents: [],
      },
    );
    expect(report.temperatureC).toBe(18.4);
    expect(urls).toHaveLength(2);
  });
});
