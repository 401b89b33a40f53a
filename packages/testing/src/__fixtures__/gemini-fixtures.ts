// The recorded Gemini traffic, for the fake's tests. core's test fixture stays the one place that
// knows where it lives (test/fixtures/gemini, or GEMLOOP_GEMINI_FIXTURES); test code only.
export {
  fixtureRoot,
  listFixtures,
  readFixtureJson,
  readFixtureText,
} from '../../../core/src/__fixtures__/recorded-gemini.ts';
