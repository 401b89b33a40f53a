import { describeWeatherCode } from './weather-codes.ts';
import type { WeatherReport } from './weather-report.ts';

const GEOCODING_URL = 'https://geocoding-api.open-meteo.com/v1/search';
const FORECAST_URL = 'https://api.open-meteo.com/v1/forecast';

/** Options of {@link fetchCurrentWeather}. */
export type FetchCurrentWeatherOptions = {
  city: string;
  /** @defaultValue globalThis.fetch */
  fetch?: typeof globalThis.fetch | undefined;
  signal?: AbortSignal | undefined;
};

type GeocodingResponse = {
  results?: {
    name: string;
    country?: string;
    admin1?: string;
    latitude: number;
    longitude: number;
  }[];
};

type ForecastResponse = {
  current?: {
    time?: string;
    temperature_2m?: number;
    apparent_temperature?: number;
    relative_humidity_2m?: number;
    wind_speed_10m?: number;
    weather_code?: number;
  };
  timezone?: string;
};

/**
 * The current weather of a city from Open-Meteo (free, no key): the place is geocoded first,
 * then its current conditions are read. "Paris, France" narrows the search to a country.
 *
 * @throws Error with a message the model can act on (no such place, service error).
 */
export async function fetchCurrentWeather({
  city,
  fetch = globalThis.fetch,
  signal,
}: FetchCurrentWeatherOptions): Promise<WeatherReport> {
  const [name, ...qualifiers] = city.split(',').map((piece) => piece.trim());
  const geocoding = new URL(GEOCODING_URL);
  geocoding.searchParams.set('name', name ?? city);
  geocoding.searchParams.set('count', '10');
  geocoding.searchParams.set('language', 'en');
  geocoding.searchParams.set('format', 'json');
  const places = (await getJson<GeocodingResponse>(fetch, geocoding, signal)).results ?? [];
  const wanted = qualifiers.join(' ').toLowerCase();
  const place =
    (wanted === ''
      ? undefined
      : places.find((candidate) =>
          [candidate.country, candidate.admin1].some(
            (area) => area !== undefined && wanted.includes(area.toLowerCase()),
          ),
        )) ?? places[0];
  if (place === undefined) {
    throw new Error(
      `No place called "${city}" was found. Try the English name, or add the country ("Paris, France").`,
    );
  }
  const forecast = new URL(FORECAST_URL);
  forecast.searchParams.set('latitude', String(place.latitude));
  forecast.searchParams.set('longitude', String(place.longitude));
  forecast.searchParams.set(
    'current',
    'temperature_2m,apparent_temperature,relative_humidity_2m,wind_speed_10m,weather_code',
  );
  forecast.searchParams.set('timezone', 'auto');
  const { current, timezone } = await getJson<ForecastResponse>(fetch, forecast, signal);
  if (current?.temperature_2m === undefined) {
    throw new Error(`Open-Meteo returned no current conditions for ${place.name}.`);
  }
  return {
    location: [place.name, place.country].filter(Boolean).join(', '),
    temperatureC: current.temperature_2m,
    feelsLikeC: current.apparent_temperature,
    conditions:
      current.weather_code === undefined ? 'unknown' : describeWeatherCode(current.weather_code),
    humidityPercent: current.relative_humidity_2m,
    windKmh: current.wind_speed_10m,
    observedAt: current.time === undefined ? undefined : `${current.time} (${timezone ?? 'local'})`,
    source: 'Open-Meteo (open-meteo.com), live data',
  };
}

async function getJson<T>(
  fetch: typeof globalThis.fetch,
  url: URL,
  signal: AbortSignal | undefined,
): Promise<T> {
  const response = await fetch(url, {
    signal: signal ?? null,
    headers: { accept: 'application/json' },
  });
  const text = await response.text();
  if (!response.ok) {
    // Open-Meteo explains a bad request as {"error": true, "reason": "..."}.
    let reason = text.slice(0, 200);
    try {
      const body = JSON.parse(text) as { reason?: unknown };
      if (typeof body.reason === 'string') reason = body.reason;
    } catch {}
    throw new Error(`Open-Meteo answered HTTP ${response.status}: ${reason}`);
  }
  return JSON.parse(text) as T;
}
