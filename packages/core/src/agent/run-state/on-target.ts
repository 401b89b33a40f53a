/**
 * A constructor that returns the object it is given, so that a subclass's private fields go on
 * that object: a plain object (a tool call's context, a step) keeps its own shape and prototype
 * and carries state no spread, `JSON.stringify` or `Object.keys` sees (see `CallSignal`,
 * `StepCost`).
 * @internal
 */
export class OnTarget {
  constructor(target: object) {
    // biome-ignore lint/correctness/noConstructorReturn: on purpose (see above).
    return target;
  }
}
