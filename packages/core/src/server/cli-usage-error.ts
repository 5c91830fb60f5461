/**
 * Error raised for bad command-line usage; the bin prints it and exits with status 2.
 * `field` names the flag or environment variable at fault when there is one.
 *
 * @example
 * ```ts
 * throw new CliUsageError("--state expects a file path or memory:", { field: "--state" });
 * ```
 * @category Server
 */
export class CliUsageError extends Error {
  override readonly name = "CliUsageError";
  /** The flag or environment variable at fault, e.g. `--state`. */
  readonly field: string | undefined;

  constructor(message: string, options: { field?: string } = {}) {
    super(message);
    this.field = options.field;
  }
}
