import type { GuardrailCheckRecord } from '../../../run/guardrail-check-record.ts';
import type { AgentEvent, UntaggedAgentEvent } from '../../agent-event.ts';
import type { AgentPlugin, EmitRunEvent, PluginRun } from '../agent-plugin.ts';
import { PluginError } from '../plugin-error.ts';
import type { PluginRunFacts } from '../run-view/plugin-run-view.ts';
import { reportedCheck } from '../run-view/reported-check.ts';
import { HeldToolReports } from './held-tool-reports.ts';
import type { HookValue } from './hook-value.ts';
import { PluginHookCalls } from './plugin-hook-calls.ts';

/** The run's events through the plugins' `wrapEvents`, and what plugins report (`emit`). @internal */
export class PluginEvents extends PluginHookCalls {
  /** Where the run's events go now: straight on until `wrapEvents` ran (see {@link events}). */
  protected through: EmitRunEvent | undefined;
  /** Where the innermost wrapper passes events on to: a later plugin's wrappers go there. */
  protected innermost: { next: EmitRunEvent } | undefined;
  /** Each wrapping plugin's switch: off once it left the run (a hand-off), its wrapper skipped. */
  protected wrappers: Map<AgentPlugin, { on: boolean }> | undefined;
  /** The first failure of a wrapper (see {@link wrapperFailed}), boxed: a thrown value may be anything. */
  private eventsFailure: { readonly error: unknown } | undefined;

  /** The run's events through {@link events}, made once (when nothing listens: never). */
  protected routeEvents(): void {
    const { emit, sink } = this.facts;
    if (this.events !== undefined || emit === undefined) return;
    // A run with a recorder (a durable run): its recorded tool hooks' reports wait for their
    // calls' result events, which pass here (./held-tool-reports.ts).
    if (this.facts.record !== undefined) this.heldReports = new HeldToolReports();
    this.events = this.eventsOf(emit, sink);
    this.facts = { ...this.facts, emit: this.events.emit };
  }

  /**
   * The run's events (`emit`) and its subagents' (`sink`, stamped with their longer path): they
   * pass on as they are until the plugins' `startRun` ran, then through every `wrapEvents`
   * ({@link wrapEvents}). The run's own events are stamped with its path here, so every hook
   * sees where one came from.
   */
  protected eventsOf(
    emit: NonNullable<PluginRunFacts['emit']>,
    sink: PluginRunFacts['sink'],
  ): { emit: NonNullable<PluginRunFacts['emit']>; sink: PluginRunFacts['sink'] } {
    const own = this.facts.path;
    const route: EmitRunEvent = (event) =>
      event.path.length > own.length ? sink?.(event) : emit(event);
    this.through = route;
    const held = this.heldReports;
    return {
      emit: (event: UntaggedAgentEvent<unknown>) => {
        const tagged = event as { path?: AgentEvent<unknown>['path'] };
        tagged.path ??= own;
        // The run's own events, seen first: a call's held reports go out before its result.
        if (held !== undefined && tagged.path.length === own.length)
          held.seen(event as AgentEvent<unknown>, this.releaseHeld);
        return (this.through as EmitRunEvent)(event as AgentEvent<unknown>);
      },
      sink:
        sink === undefined
          ? undefined
          : (event) => (this.through as EmitRunEvent)(event as AgentEvent<unknown>),
    };
  }

  /**
   * Every `wrapEvents` around where the run's events go, the first registered outermost, once,
   * after the plugins' `startRun` (a hook gets its state); each sees the run's events and its
   * subagents', and the innermost passes each on where it was going.
   */
  protected wrapEvents(arriving?: readonly AgentPlugin[]): void {
    const route = this.through;
    if (route === undefined) return;
    this.wrappers ??= new Map();
    const wrappers = this.wrappers;
    const indexes = (this.hooks.wrapEvents ?? []).filter((index) => {
      const plugin = this.plugins[index] as AgentPlugin;
      return !wrappers.has(plugin) && (arriving === undefined || arriving.includes(plugin));
    });
    if (indexes.length === 0) return;
    // The plugins that wrap now come after those that wrapped before (they joined later): their
    // wrappers go inside, between the innermost wrapper so far and where the events go.
    const end = this.innermost?.next ?? route;
    const slot = { next: end };
    let through: EmitRunEvent = (event) => slot.next(event);
    for (let at = indexes.length - 1; at >= 0; at--) {
      const index = indexes[at] as number;
      const plugin = this.plugins[index] as AgentPlugin;
      let wrapped: unknown;
      try {
        wrapped = (plugin.wrapEvents as NonNullable<AgentPlugin['wrapEvents']>)(
          through,
          this.views[index] as PluginRun,
        );
      } catch (cause) {
        throw this.error(index, 'wrapEvents', cause);
      }
      if (typeof wrapped !== 'function')
        throw this.invalid(index, 'wrapEvents', 'it returned something that is not a function');
      const inner = through;
      const outer = wrapped as EmitRunEvent;
      const layer = { on: true };
      wrappers.set(plugin, layer);
      // What a wrapper returns is awaited by a producer that can wait (the streamed model call,
      // for a slow reader): one that never settled held the run past its abort (attack42a). The
      // wait ends with the abort (the producer sees the abort itself); the wrapper's own
      // rejection goes on as before.
      // Boxed (`settled`): a producer awaits what this gives, and awaiting the wrapper's own
      // object read its `then` again (misc64); nothing reads the value, so none is given.
      // What the wrapper throws, or its promise rejects with, is the plugin's failure as any
      // hook's is (its PluginError, the key redacted): it went on raw, a string holding the key
      // or a revoked Proxy ending the stream, a throw at a `tool-result` leaving the call
      // unanswered in the history, and a rejection no producer awaited (most events) was
      // unhandled, which ends a Node process (run68). Kept, not thrown into the producer (a tool
      // call, the model's stream): the run ends with it at its next boundary, its history whole.
      through = (event) => {
        let sent: HookValue<void> | Promise<HookValue<void>>;
        try {
          sent = this.settled((layer.on ? outer : inner)(event), 'wrapEvents');
        } catch (cause) {
          this.wrapperFailed(index, cause);
          return undefined;
        }
        // A rejection is seen at the run's next check; one that comes after its last (at
        // `run-end`, which nothing waits on: a unary run waits on no event) is dropped.
        return sent instanceof Promise
          ? sent.then(
              () => {},
              (error: unknown) => {
                if (error !== this.facts.signal.reason) this.wrapperFailed(index, error);
              },
            )
          : undefined;
      };
    }
    if (this.innermost === undefined) this.through = through;
    else this.innermost.next = through;
    this.innermost = slot;
  }

  /**
   * Keeps the failure of a wrapper (`plugins[index]`'s) as the run's first such: the run ends
   * with it at its next boundary ({@link throwIfEventsFailed}).
   */
  private wrapperFailed(index: number, cause: unknown): void {
    this.eventsFailure ??= { error: this.error(index, 'wrapEvents', cause) };
  }

  /**
   * Throws the first failure of a plugin's event wrapper, if one failed, holding the run as it is
   * now: at each step's start, after its model call (before its tools run) and as the run
   * finishes, so the run ends as the hook's PluginError with its history whole.
   */
  throwIfEventsFailed(): void {
    const failed = this.eventsFailure;
    if (failed === undefined) return;
    throw PluginError.isInstance(failed.error)
      ? failed.error.withRun(this.facts.tracker.state())
      : failed.error;
  }

  /**
   * The plugins that joined (late, or at a hand-off) and wrap events: their wrappers join the
   * run's, made now that their `startRun` ran (the first that wraps makes {@link events}).
   */
  wrapArriving(arriving: readonly AgentPlugin[]): void {
    if (this.hooks.wrapEvents === undefined) return;
    this.routeEvents();
    this.wrapEvents(arriving);
  }

  protected around(): void {
    const { hooks } = this;
    this.aroundModelCalls =
      hooks.checkInput !== undefined ||
      hooks.beforeModelCall !== undefined ||
      hooks.wrapModelCall !== undefined ||
      hooks.afterModelCall !== undefined;
    this.aroundToolCalls =
      hooks.beforeToolCall !== undefined ||
      hooks.checkToolCall !== undefined ||
      hooks.wrapToolCall !== undefined ||
      hooks.afterToolCall !== undefined;
    this.handsOffAfterCalls =
      hooks.afterToolCall?.some((index) => this.plugins[index]?.receivers !== undefined) === true;
  }

  /** Reports a plugin's event (see `PluginRun.emit`): on the stream, the spans and the recording. */
  emit(plugin: string, kind: string, data: unknown): void {
    this.report(plugin, this.stepNumber, kind, data);
  }

  /**
   * A plugin's check as a `guardrail` event (see `PluginRun.reportCheck`), its reason redacted
   * here, where the event is made; nothing is built when nobody receives the run's events.
   */
  reportCheck(check: GuardrailCheckRecord): void {
    const { emit } = this.facts;
    const checked = reportedCheck(check, this.facts.redact);
    if (emit === undefined) return;
    void emit({ type: 'guardrail', ...checked });
  }
}
