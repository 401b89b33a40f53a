import type { Agent } from '@gemloop/core';
import {
  checkedApprovalBroker,
  checkOptionsCopy,
  checkReceiverNames,
} from '@gemloop/core/internal';
import {
  checkDoorOptions,
  type DoorSettings,
  failOption,
  wholeOption,
} from '../door/check-door-options.ts';
import { agUiKeys } from '../door/door-option-keys.ts';
import { checkAllowedHosts, type HostPolicy } from '../door/host-policy.ts';
import { checkAllowedOrigins, type OriginPolicy } from '../door/origin-policy.ts';
import { isRecord } from '../openai/to-contents.ts';
import type { AgUiHandlerOptions } from './ag-ui-handler-options.ts';
import { MAX_STATE_DEPTH, stateShapeProblem } from './ag-ui-state.ts';

// Moved out of create-ag-ui-handler.ts (doors50), which the thread's release on a client gone
// took past 500 lines.

/** The shared state's options, checked. @internal */
export type AgUiStateSettings = {
  reduce: NonNullable<AgUiHandlerOptions['state']>['reduce'];
  initial: unknown;
  acceptClientState: boolean;
  maxStateChars: number;
};

/** The options of `createAgUiHandler`, checked, with their defaults. @internal */
export type AgUiSettings = DoorSettings & {
  allowedOrigins: OriginPolicy;
  allowedHosts: HostPolicy;
  agent: AgUiHandlerOptions['agent'];
  authorize: AgUiHandlerOptions['authorize'];
  maxThreads: number;
  approvals: AgUiHandlerOptions['approvals'];
  maxToolResultChars: number;
  thoughts: boolean;
  state: AgUiStateSettings | undefined;
};

/** Checks the options of `createAgUiHandler`, naming the one it cannot serve with. @internal */
export function checkAgUiOptions(given: AgUiHandlerOptions): AgUiSettings {
  if (!isRecord(given))
    failOption('options', 'createAgUiHandler takes an options object: { agent, authorize }.');
  // Each option read once, `rateLimit` too (attack23), and checked.
  const options = checkOptionsCopy(agUiKeys, given);
  if (!isRecord(options.agent) || typeof (options.agent as { run?: unknown }).run !== 'function') {
    failOption('agent', 'agent must be an agent from createAgent().');
  }
  // Each thread is a chat session, which finds a hand-off's holder by name.
  checkReceiverNames(options.agent as Agent<unknown>, {
    caller: 'createAgUiHandler',
    argument: 'agent',
  });
  // An object no broker of this version made was ignored: no approval ever shown (attack46a).
  checkedApprovalBroker(options.approvals, 'createAgUiHandler');
  return {
    ...checkDoorOptions(options),
    allowedOrigins: checkAllowedOrigins(options.allowedOrigins, ['self']),
    allowedHosts: checkAllowedHosts(options.allowedHosts),
    agent: options.agent,
    authorize: options.authorize,
    maxThreads: wholeOption(options.maxThreads, 'maxThreads', 1000),
    approvals: options.approvals,
    maxToolResultChars: wholeOption(options.maxToolResultChars, 'maxToolResultChars', 2000, 0),
    thoughts: options.thoughts === true,
    state: checkStateOptions(options.state),
  };
}

function checkStateOptions(state: AgUiHandlerOptions['state']): AgUiStateSettings | undefined {
  if (state === undefined) return undefined;
  if (!isRecord(state) || typeof state.reduce !== 'function') {
    failOption('state', 'state must be { reduce(state, event) } (and optionally initial).');
  }
  const maxStateChars = wholeOption(state.maxStateChars, 'state.maxStateChars', 65536);
  const initial = state.initial === undefined ? {} : state.initial;
  const problem = stateShapeProblem(initial, MAX_STATE_DEPTH);
  if (problem !== undefined) failOption('state.initial', `state.initial ${problem}.`);
  const text = JSON.stringify(initial) as string | undefined;
  if (text === undefined || text.length > maxStateChars) {
    failOption(
      'state.initial',
      `state.initial must be JSON of at most ${maxStateChars} characters.`,
    );
  }
  return {
    reduce: state.reduce,
    initial: JSON.parse(text) as unknown,
    acceptClientState: state.acceptClientState === true,
    maxStateChars,
  };
}
