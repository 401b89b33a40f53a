// The recorded Gemini traffic, for the fake server's tests: see ../../__fixtures__/recorded-gemini.ts.
export {
  fixtureRoot,
  listFixtures,
  readFixtureJson,
  readFixtureText,
} from '../../__fixtures__/recorded-gemini.ts';
