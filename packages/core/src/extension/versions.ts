/**
 * Picks the highest version both sides list, or `undefined` when they share none.
 *
 * Versions compare as dotted numbers when both look numeric (`1.10` > `1.9`), and as
 * plain strings otherwise, so ISO dates (`2026-07-28`) order correctly too.
 *
 * @example
 * ```ts
 * negotiateVersion(["1.0", "1.1"], ["1.1", "2.0"]); // "1.1"
 * ```
 * @category Extension
 */
export function negotiateVersion(serverVersions: readonly string[], clientVersions: readonly string[]): string | undefined {
  const offered = new Set(clientVersions);
  const common = serverVersions.filter((version) => offered.has(version));
  return common.sort(compareVersions).at(-1);
}

/**
 * Orders two version strings (dotted numeric when possible, else lexical).
 * @category Extension
 */
export function compareVersions(a: string, b: string): number {
  const numeric = /^\d+(\.\d+)*$/;
  if (numeric.test(a) && numeric.test(b)) {
    const left = a.split(".").map(Number);
    const right = b.split(".").map(Number);
    for (let index = 0; index < Math.max(left.length, right.length); index++) {
      const difference = (left[index] ?? 0) - (right[index] ?? 0);
      if (difference !== 0) return difference;
    }
    return 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}
