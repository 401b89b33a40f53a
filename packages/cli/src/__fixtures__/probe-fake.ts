import { createFakeGemini, type FakeGatewayMistake, type FakeGemini } from '@gemloop/testing';
import { probeModel } from '@gemloop/testing/dev-model';
import { PROBE_RATE_LIMIT_TEXT } from '../probe/probe-errors.ts';

/**
 * A fake Gemini (optionally a broken gateway) that answers the probe's rate-limit request with
 * the API's 429 (RetryInfo included).
 */
export async function startProbeFake(
  mistakes: readonly FakeGatewayMistake[] = [],
): Promise<FakeGemini & { baseUrl: string }> {
  const fake = createFakeGemini({
    script: probeModel(),
    gatewayMistakes: mistakes,
    faults: [
      {
        fault: { type: 'rate-limit', retryDelaySeconds: 7 },
        on: ({ body }) => JSON.stringify(body).includes(PROBE_RATE_LIMIT_TEXT),
      },
    ],
  });
  const { url } = await fake.listen();
  return Object.assign(fake, { baseUrl: url });
}
