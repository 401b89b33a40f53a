import type { WeatherReport } from './weather-report.ts';

/** The label every simulated report carries, so no one takes it for real weather. */
export const SIMULATED_SOURCE = 'simulated: built-in offline table, not real weather';

type Entry = {
  location: string;
  temperatureC: number;
  conditions: string;
  humidity: number;
  wind: number;
};

const TABLE: Readonly<Record<string, Entry>> = {
  paris: {
    location: 'Paris, France',
    temperatureC: 18,
    conditions: 'partly cloudy',
    humidity: 62,
    wind: 11,
  },
  tokyo: {
    location: 'Tokyo, Japan',
    temperatureC: 24,
    conditions: 'clear sky',
    humidity: 55,
    wind: 8,
  },
  london: {
    location: 'London, United Kingdom',
    temperatureC: 14,
    conditions: 'light drizzle',
    humidity: 81,
    wind: 17,
  },
  'new york': {
    location: 'New York, United States',
    temperatureC: 21,
    conditions: 'mainly clear',
    humidity: 48,
    wind: 14,
  },
  berlin: {
    location: 'Berlin, Germany',
    temperatureC: 16,
    conditions: 'overcast',
    humidity: 66,
    wind: 12,
  },
  lyon: {
    location: 'Lyon, France',
    temperatureC: 20,
    conditions: 'mainly clear',
    humidity: 58,
    wind: 9,
  },
  lima: { location: 'Lima, Peru', temperatureC: 19, conditions: 'overcast', humidity: 78, wind: 9 },
  sydney: {
    location: 'Sydney, Australia',
    temperatureC: 17,
    conditions: 'slight rain showers',
    humidity: 70,
    wind: 20,
  },
  'los angeles': {
    location: 'Los Angeles, United States',
    temperatureC: 22,
    conditions: 'clear sky',
    humidity: 40,
    wind: 10,
  },
  'san francisco': {
    location: 'San Francisco, United States',
    temperatureC: 15,
    conditions: 'fog',
    humidity: 85,
    wind: 19,
  },
};

const CONDITIONS = ['clear sky', 'partly cloudy', 'overcast', 'slight rain', 'fog', 'mainly clear'];

/**
 * Deterministic weather for the offline demo: a few cities from a table, any other place from a
 * hash of its name (same name, same weather, every run). Labelled as simulated in `source`.
 */
export function simulateWeather(city: string): WeatherReport {
  const key = city.split(',')[0]?.trim().toLowerCase() ?? '';
  const entry = TABLE[key] ?? fromHash(city.trim());
  return {
    location: entry.location,
    temperatureC: entry.temperatureC,
    conditions: entry.conditions,
    humidityPercent: entry.humidity,
    windKmh: entry.wind,
    source: SIMULATED_SOURCE,
  };
}

function fromHash(city: string): Entry {
  // FNV-1a: a stable spread of small numbers from the name.
  let hash = 0x811c9dc5;
  for (const char of city.toLowerCase()) {
    hash ^= char.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return {
    location: city,
    temperatureC: (hash % 31) - 2,
    conditions: CONDITIONS[(hash >>> 8) % CONDITIONS.length] as string,
    humidity: 35 + ((hash >>> 12) % 55),
    wind: 3 + ((hash >>> 20) % 30),
  };
}
