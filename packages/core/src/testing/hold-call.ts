/** A call held at a known point of a job: see {@link holdNextCall}. */
export interface HeldCall {
  /** Resolves when the held method has been called and is waiting. */
  readonly reached: Promise<void>;
  /** Lets the held call (and every later one) go through. */
  release(): void;
  /** Releases, then puts the original method back. */
  restore(): void;
}

/**
 * Holds the next call of `target[method]` until {@link HeldCall.release}: a deterministic brake
 * that stops a job at a known step (e.g. before it reads the ledger), so a test can cancel it or
 * kill its worker there instead of racing the job with a timer. `options.after` lets that many calls
 * through first (to stop a job midway); later calls pass straight through.
 *
 * @example
 * ```ts
 * const held = holdNextCall(runtime.storage, "existingBankRefs");
 * const outcome = await tasks.callTool("finance_import_statement", args);
 * await held.reached;          // the job is parked before its first ledger read
 * await tasks.cancel(taskId);  // the cancellation is recorded first...
 * held.restore();              // ...then the job resumes and must observe it
 * ```
 * @category Testing
 */
export function holdNextCall<T extends object, K extends keyof T>(target: T, method: K, options: { after?: number } = {}): HeldCall {
  const original = target[method];
  if (typeof original !== "function") throw new TypeError(`${String(method)} is not a method`);
  const hadOwn = Object.prototype.hasOwnProperty.call(target, method);
  let signalReached!: () => void;
  const reached = new Promise<void>((resolve) => (signalReached = resolve));
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let held = false;
  let passed = 0;
  const wrapper = async function (this: unknown, ...args: unknown[]): Promise<unknown> {
    if (!held && passed++ >= (options.after ?? 0)) {
      held = true;
      signalReached();
      await gate;
    }
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  };
  (target as Record<PropertyKey, unknown>)[method as PropertyKey] = wrapper;
  return {
    reached,
    release: () => open(),
    restore: () => {
      open();
      if (hadOwn) (target as Record<PropertyKey, unknown>)[method as PropertyKey] = original;
      else delete (target as Record<PropertyKey, unknown>)[method as PropertyKey];
    },
  };
}
