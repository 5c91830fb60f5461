/**
 * A typed, domain-level error a binding throws to refuse a request.
 *
 * The `code` is stable and meant for callers to branch on (`IDEMPOTENCY_CONFLICT`,
 * `APPROVAL_EXPIRED`, ...). The message is for humans and must never echo request
 * payloads, secrets or personal data. `field` names the offending input path when
 * there is one.
 *
 * @example
 * ```ts
 * throw new ExtensionError("AMOUNT_PRECISION", "amount has more decimals than the currency allows", { field: "amount" });
 * ```
 * @category Errors
 */
export class ExtensionError extends Error {
  /** Stable machine-readable code, upper snake case. */
  readonly code: string;
  /** Dotted path of the input field at fault, when one is. */
  readonly field: string | undefined;
  /** Extra structured, non-sensitive detail for the caller. */
  readonly data: Record<string, string | number | boolean | null> | undefined;

  constructor(
    code: string,
    message: string,
    options: { field?: string; data?: Record<string, string | number | boolean | null>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ExtensionError";
    this.code = code;
    this.field = options.field;
    this.data = options.data;
  }

  /** The JSON shape sent to clients inside an `isError` tool result. */
  toJSON(): { code: string; message: string; field?: string; data?: Record<string, string | number | boolean | null> } {
    return {
      code: this.code,
      message: this.message,
      ...(this.field === undefined ? {} : { field: this.field }),
      ...(this.data === undefined ? {} : { data: this.data }),
    };
  }
}

/**
 * Whether a value is an {@link ExtensionError} (also across duplicated bundles).
 * @category Errors
 */
export function isExtensionError(value: unknown): value is ExtensionError {
  return (
    value instanceof ExtensionError ||
    (value instanceof Error && value.name === "ExtensionError" && typeof (value as { code?: unknown }).code === "string")
  );
}
