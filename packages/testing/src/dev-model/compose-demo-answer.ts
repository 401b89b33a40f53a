import { describeExchange } from './describe-exchange.ts';
import type { Exchange } from './read-loop-exchanges.ts';

/**
 * The final answer built from tool results: one sentence per call ("Paris: 18 °C, partly cloudy
 * (simulated)." "23 × 19 = 437."), failures said as such. One result is the whole answer; several
 * get a short opening line and a closing one.
 * @internal
 */
export function composeDemoAnswer(exchanges: readonly Exchange[]): string {
  const sentences = exchanges.map(describeExchange);
  if (sentences.length === 1) return sentences[0] as string;
  const failed = exchanges.filter(
    (exchange) =>
      typeof exchange.response === 'object' &&
      exchange.response !== null &&
      (exchange.response as Record<string, unknown>)['error'] !== undefined,
  ).length;
  const intro =
    failed === exchanges.length
      ? 'I tried, but the tools reported errors:'
      : 'Here is what I found:';
  const outro =
    failed > 0 && failed < exchanges.length
      ? 'Some calls failed; ask again if you want me to retry them.'
      : 'Let me know if you need anything else.';
  return `${intro}\n\n${sentences.join('\n')}\n\n${outro}`;
}

/** The results in one line, for a `summary` field of a JSON answer. @internal */
export function summarizeExchanges(exchanges: readonly Exchange[]): string {
  return exchanges.map(describeExchange).join(' ');
}
