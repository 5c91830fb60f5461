import { ExtensionError } from "@mcp-verticals/core";
import type { QtiResponseDeclaration } from "../../schemas/qti.js";

/** A QTI primitive: identifiers, strings, pairs and points are strings; numbers; booleans. */
export type Primitive = string | number | boolean;
/** A QTI value. NULL is `null`; an empty container is NULL too (QTI 3.0: "treated as NULL"). */
export type QtiValue = { cardinality: "single" | "multiple" | "ordered"; baseType: string; values: Primitive[] } | null;

/** A failure that names the unsupported or invalid construct, never a value. */
export const unsupported = (name: string): ExtensionError =>
  new ExtensionError("QTI_UNSUPPORTED", `${name} is not supported in response processing by this server`, { field: "xml" });

const NUMERIC = new Set(["integer", "float"]);

/** Converts one lexical value of a base type (a `qti-value`, a `qti-base-value`, a candidate's answer). */
export function primitiveOf(raw: string, baseType: string): Primitive | undefined {
  const value = raw.trim().replace(/\s+/g, " ");
  switch (baseType) {
    case "integer":
      return /^[+-]?\d+$/.test(value) ? Number.parseInt(value, 10) : undefined;
    case "float": {
      const n = Number(value);
      return value !== "" && Number.isFinite(n) ? n : undefined;
    }
    case "boolean":
      return value === "true" || value === "1" ? true : value === "false" || value === "0" ? false : undefined;
    case "point":
      return /^-?\d+ -?\d+$/.test(value) ? value : undefined;
    case "pair":
    case "directedPair":
      return /^\S+ \S+$/.test(value) ? value : undefined;
    default:
      return value;
  }
}

/** Makes a value from lexical strings; empty means NULL. */
export function valueOf(raws: readonly string[], cardinality: "single" | "multiple" | "ordered" | "record", baseType: string, what: string): QtiValue {
  if (cardinality === "record") throw unsupported("record cardinality");
  const values = raws.filter((raw) => raw.trim() !== "").map((raw) => {
    const value = primitiveOf(raw, baseType);
    if (value === undefined) throw new ExtensionError("RESPONSE_INVALID", `${what} is not a valid ${baseType}`, { field: "response" });
    return value;
  });
  if (values.length === 0) return null;
  if (cardinality === "single" && values.length > 1) throw new ExtensionError("RESPONSE_INVALID", `${what} takes a single value`, { field: "response" });
  return { cardinality, baseType, values };
}

const samePrimitive = (a: Primitive, b: Primitive, baseType: string): boolean => {
  if (baseType === "pair" && typeof a === "string" && typeof b === "string") {
    const [a1, a2] = a.split(" ");
    const [b1, b2] = b.split(" ");
    return (a1 === b1 && a2 === b2) || (a1 === b2 && a2 === b1);
  }
  return a === b;
};

/** `qti-match`: same cardinality and equal values (multiset for multiple, sequence for ordered); NULL if either is NULL. */
export function matchValues(a: QtiValue, b: QtiValue): boolean | null {
  if (a === null || b === null) return null;
  const baseType = a.baseType;
  if (a.cardinality !== b.cardinality) return false;
  if (a.values.length !== b.values.length) return false;
  if (a.cardinality === "ordered" || a.cardinality === "single") return a.values.every((value, index) => samePrimitive(value, b.values[index]!, baseType));
  const rest = [...b.values];
  for (const value of a.values) {
    const at = rest.findIndex((candidate) => samePrimitive(value, candidate, baseType));
    if (at < 0) return false;
    rest.splice(at, 1);
  }
  return true;
}

/** `qti-member`: whether a single value is in a container; NULL if either is NULL. */
export function memberOf(a: QtiValue, container: QtiValue): boolean | null {
  if (a === null || container === null) return null;
  const value = a.values[0]!;
  return container.values.some((candidate) => samePrimitive(value, candidate, container.baseType));
}

const bound = (total: number, lower: number | undefined, upper: number | undefined) => {
  let result = total;
  if (lower !== undefined) result = Math.max(lower, result);
  if (upper !== undefined) result = Math.min(upper, result);
  return result;
};

/**
 * `qti-map-response`: single values map to their entry (or the default); for containers
 * each distinct value is mapped once and the sum is bounded by lower-bound/upper-bound.
 * NULL maps to the default for single values and to 0 (bounded) for containers.
 */
export function mapResponse(declaration: QtiResponseDeclaration, value: QtiValue): number {
  const mapping = declaration.mapping;
  if (!mapping) throw new ExtensionError("QTI_INVALID", `qti-map-response needs a qti-mapping for ${declaration.identifier}`, { field: "xml" });
  const numeric = NUMERIC.has(declaration.baseType);
  const lookup = (given: Primitive): number => {
    const entry = mapping.entries.find((candidate) => {
      if (numeric) return Number(candidate.key) === given;
      if (typeof given !== "string") return String(given) === candidate.key;
      const key = primitiveOf(candidate.key, declaration.baseType);
      if (typeof key !== "string") return false;
      return candidate.caseSensitive ? samePrimitive(key, given, declaration.baseType) : samePrimitive(key.toLowerCase(), given.toLowerCase(), declaration.baseType);
    });
    return entry ? entry.value : mapping.defaultValue;
  };
  if (value === null) return declaration.cardinality === "single" ? bound(mapping.defaultValue, mapping.lowerBound, mapping.upperBound) : bound(0, mapping.lowerBound, mapping.upperBound);
  const distinct: Primitive[] = [];
  for (const given of value.values) if (!distinct.some((seen) => samePrimitive(seen, given, value.baseType))) distinct.push(given);
  return bound(distinct.reduce<number>((sum, given) => sum + lookup(given), 0), mapping.lowerBound, mapping.upperBound);
}

/** Whether a point lies in a QTI shape (coordinates as in HTML image maps). */
export function insideShape(shape: string, coords: readonly number[], x: number, y: number): boolean {
  switch (shape) {
    case "default":
      return true;
    case "rect": {
      const [left = 0, top = 0, right = 0, bottom = 0] = coords;
      return x >= Math.min(left, right) && x <= Math.max(left, right) && y >= Math.min(top, bottom) && y <= Math.max(top, bottom);
    }
    case "circle": {
      const [cx = 0, cy = 0, r = 0] = coords;
      return (x - cx) ** 2 + (y - cy) ** 2 <= r ** 2;
    }
    case "ellipse": {
      const [cx = 0, cy = 0, hr = 0, vr = 0] = coords;
      return hr > 0 && vr > 0 && (x - cx) ** 2 / hr ** 2 + (y - cy) ** 2 / vr ** 2 <= 1;
    }
    case "poly": {
      // Even-odd ray casting over the vertex list.
      let inside = false;
      const points = coords.length % 2 === 0 ? coords : coords.slice(0, -1);
      for (let i = 0, j = points.length - 2; i < points.length; j = i, i += 2) {
        const [xi, yi, xj, yj] = [points[i]!, points[i + 1]!, points[j]!, points[j + 1]!];
        if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
      }
      return inside;
    }
    default:
      return false;
  }
}

/**
 * `qti-map-response-point`: each area of the area mapping counts once if any response
 * point lies in it; a point in no area adds the default value; the sum is bounded.
 */
export function mapResponsePoint(declaration: QtiResponseDeclaration, value: QtiValue): number {
  const mapping = declaration.areaMapping;
  if (!mapping) throw new ExtensionError("QTI_INVALID", `qti-map-response-point needs a qti-area-mapping for ${declaration.identifier}`, { field: "xml" });
  if (value === null) return bound(0, mapping.lowerBound, mapping.upperBound);
  const hit = new Set<number>();
  let total = 0;
  for (const point of value.values) {
    const [x, y] = String(point).split(" ").map(Number) as [number, number];
    const index = mapping.entries.findIndex((entry) => insideShape(entry.shape, entry.coords, x, y));
    if (index < 0) total += mapping.defaultValue;
    else if (!hit.has(index)) {
      hit.add(index);
      total += mapping.entries[index]!.value;
    }
  }
  return bound(total, mapping.lowerBound, mapping.upperBound);
}
