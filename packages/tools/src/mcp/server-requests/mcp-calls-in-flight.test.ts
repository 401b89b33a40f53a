import { describe, expect, it } from 'vitest';
import type { McpCallInFlight } from './mcp-calls-in-flight.ts';
import {
  argumentsOfCall,
  callsInFlight,
  nextStableRequestId,
  runIdOfCall,
  trackCall,
  whenCallsEnd,
} from './mcp-calls-in-flight.ts';

const call = (toolCallId: string, toolName = 'mcp_search'): McpCallInFlight => ({
  toolCallId,
  toolName,
});

describe('the MCP calls-in-flight registry', () => {
  it('lists the calls running on a client, oldest first, and forgets each when it ends', () => {
    const client = {};
    const first = call('call_1_0');
    const second = call('call_1_1');
    const endFirst = trackCall(client, first);
    const endSecond = trackCall(client, second);
    expect(callsInFlight(client)).toEqual([first, second]);
    endFirst();
    expect(callsInFlight(client)).toEqual([second]);
    endSecond();
    expect(callsInFlight(client)).toEqual([]);
  });

  it('keeps the calls of two clients apart, even with the same call ids', () => {
    const a = {};
    const b = {};
    const onA = call('call_1_0');
    const onB = call('call_1_0');
    trackCall(a, onA);
    const endB = trackCall(b, onB);
    expect(callsInFlight(a)).toEqual([onA]);
    expect(callsInFlight(a)[0]).toBe(onA);
    expect(callsInFlight(b)[0]).toBe(onB);
    endB();
    expect(callsInFlight(a)).toEqual([onA]);
    expect(callsInFlight({})).toEqual([]);
  });

  it('returns a copy, so a caller cannot add or remove running calls', () => {
    const client = {};
    const running = call('call_2_0');
    trackCall(client, running);
    const listed = callsInFlight(client);
    listed.pop();
    listed.push(call('forged'));
    expect(callsInFlight(client)).toEqual([running]);
  });

  it('tolerates ending a call twice', () => {
    const client = {};
    const running = call('call_3_0');
    const end = trackCall(client, running);
    end();
    end();
    expect(callsInFlight(client)).toEqual([]);
    expect(whenCallsEnd([running])?.aborted).toBe(true);
  });

  it('hands back the very arguments object execute got, and the run id, only for tracked calls', () => {
    const client = {};
    const args = { query: '\u{1f600}', ['__proto__']: { polluted: true } };
    const tracked = call('call_4_0');
    trackCall(client, tracked, args, undefined, 'run:with:colons');
    expect(argumentsOfCall(tracked)).toBe(args);
    expect(runIdOfCall(tracked)).toBe('run:with:colons');
    // A look-alike object with the same ids is another call.
    const lookAlike = call('call_4_0');
    expect(argumentsOfCall(lookAlike)).toBeUndefined();
    expect(runIdOfCall(lookAlike)).toBeUndefined();
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('keeps the arguments out of the call object a page is shown', () => {
    const tracked = call('call_5_0');
    trackCall({}, tracked, { apiKey: 'secret' }, 'run-1:3.0:call_5_0', 'run-1');
    expect(Object.keys(tracked)).toEqual(['toolCallId', 'toolName']);
    expect(JSON.stringify(tracked)).not.toContain('secret');
  });

  describe('nextStableRequestId', () => {
    it('numbers the requests of one execution after the call key: key#1, key#2, ...', () => {
      const tracked = call('call_6_0');
      trackCall({}, tracked, {}, 'run-1:3.0:call_6_0');
      expect(nextStableRequestId(tracked)).toBe('run-1:3.0:call_6_0#1');
      expect(nextStableRequestId(tracked)).toBe('run-1:3.0:call_6_0#2');
    });

    it('starts again at #1 when the call is executed again (a re-run after a crash)', () => {
      const client = {};
      const firstRun = call('call_7_0');
      const end = trackCall(client, firstRun, {}, 'k');
      nextStableRequestId(firstRun);
      nextStableRequestId(firstRun);
      end();
      const reRun = call('call_7_0');
      trackCall(client, reRun, {}, 'k');
      expect(nextStableRequestId(reRun)).toBe('k#1');
    });

    it('has no id for a call without a key or one never tracked', () => {
      const plain = call('call_8_0');
      trackCall({}, plain, {});
      expect(nextStableRequestId(plain)).toBeUndefined();
      expect(nextStableRequestId(call('untracked'))).toBeUndefined();
    });
  });

  describe('whenCallsEnd', () => {
    it('is undefined for no calls or only untracked ones', () => {
      expect(whenCallsEnd([])).toBeUndefined();
      expect(whenCallsEnd([call('a'), call('b')])).toBeUndefined();
    });

    it('follows a single call exactly', () => {
      const tracked = call('call_9_0');
      const end = trackCall({}, tracked);
      const signal = whenCallsEnd([tracked]);
      expect(signal?.aborted).toBe(false);
      end();
      expect(signal?.aborted).toBe(true);
    });

    it('aborts only once every tracked call has ended, ignoring untracked ones', () => {
      const client = {};
      const a = call('call_10_0');
      const b = call('call_10_1');
      const c = call('call_10_2');
      const endA = trackCall(client, a);
      const endB = trackCall(client, b);
      const endC = trackCall(client, c);
      endC();
      const signal = whenCallsEnd([a, call('untracked'), b, c]) as AbortSignal;
      let aborts = 0;
      signal.addEventListener('abort', () => aborts++);
      expect(signal.aborted).toBe(false);
      endA();
      expect(signal.aborted).toBe(false);
      endB();
      expect(signal.aborted).toBe(true);
      endA();
      expect(aborts).toBe(1);
    });

    it('is already aborted when every call has ended before it is asked', () => {
      const a = call('call_11_0');
      const b = call('call_11_1');
      trackCall({}, a)();
      trackCall({}, b)();
      expect(whenCallsEnd([a, b])?.aborted).toBe(true);
    });

    it('counts a call listed twice once it ends', () => {
      const a = call('call_12_0');
      const end = trackCall({}, a);
      const signal = whenCallsEnd([a, a]) as AbortSignal;
      expect(signal.aborted).toBe(false);
      end();
      expect(signal.aborted).toBe(true);
    });

    it('follows 1000 concurrent calls on one client', async () => {
      const client = {};
      const calls = Array.from({ length: 1000 }, (_, index) => call(`call_13_${index}`));
      const ends = calls.map((each) => trackCall(client, each));
      const signal = whenCallsEnd(calls) as AbortSignal;
      await Promise.all(ends.map(async (end) => end()));
      expect(signal.aborted).toBe(true);
      expect(callsInFlight(client)).toEqual([]);
    });
  });
});
