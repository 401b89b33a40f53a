/** What the weather tool returns, live or simulated. */
export type WeatherReport = {
  /** `Paris, France` */
  location: string;
  temperatureC: number;
  feelsLikeC?: number | undefined;
  /** `partly cloudy` */
  conditions: string;
  humidityPercent?: number | undefined;
  windKmh?: number | undefined;
  /** Local time of the observation, live data only. */
  observedAt?: string | undefined;
  /** Where the numbers come from: the model (and the reader) should know simulated data. */
  source: string;
};
