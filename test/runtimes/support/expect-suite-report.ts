import { expect } from 'vitest';
import type { PortableSuiteReport } from '../suite/portable-suite.ts';
import { weatherText } from './start-fake.ts';

/** The checks every runtime's report must pass: the same answers as on Node. */
export function expectPortableSuiteReport(report: PortableSuiteReport): void {
  expect(report.unary).toEqual({
    text: weatherText('Oslo 7'),
    toolOutputs: [{ city: 'Oslo', temperatureC: 7 }],
    finishReason: 'stop',
  });
  // Streamed in 4-character chunks: the text arrives in several deltas, each character whole.
  expect(report.streamed.text).toBe(weatherText('Oslo 7'));
  expect(report.streamed.resultText).toBe(weatherText('Oslo 7'));
  expect(report.streamed.deltas).toBeGreaterThan(3);
  expect(report.streamed.eventTypes).toEqual(
    expect.arrayContaining(['step-start', 'tool-call', 'tool-result', 'text-delta', 'run-end']),
  );
  expect(report.parallel).toEqual({
    text: weatherText('Oslo 7, Bergen 9'),
    calls: ['get_weather({"city":"Oslo"})', 'get_weather({"city":"Bergen"})'],
    toolOutputs: [
      { city: 'Oslo', temperatureC: 7 },
      { city: 'Bergen', temperatureC: 9 },
    ],
  });
  expect(report.structured.output).toEqual({ city: 'Oslo', temperatureC: 7 });
  // A JSON Schema tool validated and a zod 3 tool converted, as on Node (off Node both libraries
  // are loaded with import(), each only for such a tool).
  expect(report.schemas.jsonSchema).toEqual({
    toolOutputs: [{ city: 'Oslo', temperatureC: 7 }],
    emptyCityIssues: [{ path: ['city'], message: 'String is too short (0 < 1).' }],
  });
  expect(report.schemas.zodV3.toolOutputs).toEqual([{ city: 'Oslo', temperatureC: 7 }]);
  expect(report.schemas.zodV3.declared).toMatchObject({
    type: 'object',
    properties: { city: { type: 'string' } },
    required: ['city'],
  });
  // Sent in the OpenAPI subset, converted as on Node (off Node the converter is imported for it).
  expect(report.schemas.openApi).toEqual({
    toolOutputs: [{ city: 'Oslo', temperatureC: 7 }],
    declared: { type: 'OBJECT', properties: { city: { type: 'STRING' } }, required: ['city'] },
  });
  // The API's 400, described as on Node (off Node the description is imported on this failure).
  expect(report.apiError).toMatchObject({
    name: 'ModelCallError',
    causeName: 'ApiCallError',
    status: 400,
  });
  expect(report.apiError.message).toMatch(/API key not valid/);
  expect(report.apiError.message).toMatch(/x-goog-api-key/);
  // The run stops where it was (the held model call), with the signal's reason as the cause.
  expect(report.aborted).toEqual({
    name: 'AgentAbortedError',
    phase: 'model-call',
    causeName: 'AbortError',
  });
  // The client's time limit (this runtime's timers) ends the held call: a typed TimeoutError.
  expect(report.timedOut).toEqual({ name: 'ModelCallError', causeIsTimeoutError: true });
  // Bytes without the key in an error's cause are kept, Buffer or not (attack25).
  expect(report.bytesInCause.kept).toBe('no key');
}
