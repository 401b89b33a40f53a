import { headersOption } from '../../../http/check-headers.ts';
import { timeoutOption } from '../../../http/check-timeout.ts';
import type { CallOptions } from '../../../http/gemini.ts';
import {
  type DeclaredOptions,
  defineOptions,
  functionOption,
  nestedOption,
} from '../../../options/define-options.ts';
import { retryOption } from '../../../retry/retry-policy.ts';
import { type AgentOptionGroup, defineAgentOptions } from './define-agent-options.ts';

/** The agent's `callOptions`: a call's options, less the signal (it is given per run). */
const agentCallOptions: DeclaredOptions<Omit<CallOptions, 'signal'>> = defineOptions<
  Omit<CallOptions, 'signal'>
>({
  name: 'callOptions',
  example: '{ timeoutMs: 60_000 }',
  checks: {
    timeoutMs: timeoutOption,
    retry: retryOption,
    headers: headersOption,
    onRetry: functionOption(),
    onResponse: functionOption(),
    beforeSend: functionOption(),
  },
  removed: {
    signal: 'callOptions cannot hold a signal: pass it per run, agent.run(input, { signal }).',
  },
});

/** `callOptions`: the client options of every model call; used as given. @internal */
export const callOptionsOption: AgentOptionGroup<'callOptions'> = defineAgentOptions({
  checks: {
    callOptions: nestedOption(agentCallOptions),
  },
});
