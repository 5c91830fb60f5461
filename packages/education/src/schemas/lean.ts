import { z } from "zod";

/**
 * A whole number whose JSON Schema is `{"type":"integer"}`: zod's default safe-integer bounds
 * (±(2^53−1)) tell a model nothing and cost ~60 bytes per field of every tools/list. Values are
 * still checked as safe integers.
 *
 * @example
 * ```ts
 * const Counts = z.object({ students: integer("Active students.") });
 * ```
 * @category Schemas
 */
export const integer = (description: string) => z.int().meta({ minimum: undefined, maximum: undefined, description });

/**
 * An ISO 8601 date-time with an offset, checked exactly as `z.iso.datetime({ offset: true })`;
 * its JSON Schema says `"format":"date-time"` without zod's 370-character pattern.
 *
 * @example
 * ```ts
 * const Input = z.object({ dueDate: dateTime("Due (ISO 8601).") });
 * ```
 * @category Schemas
 */
export const dateTime = (description: string) => z.iso.datetime({ offset: true }).meta({ pattern: undefined, description });
