/**
 * Judges the mapping proof (scripts/scan-mappings.ts): a case holds when its scanner reports
 * its check on the violating object and not on the same object with our skip annotations.
 * Pure, so it is tested without the scanners.
 */
import { Scanner, SCANNERS } from '../lib/policy/scanner-map';

/** One case: a mapping (or object skip) of one scanner, proven on two objects. */
export interface CaseUnderTest {
  readonly scanner: Scanner;
  readonly check: string;
  /** What is proven, in words: `CKV_K8S_22 -> read-only-root-filesystem`. */
  readonly label: string;
  /** An object skip (`OBJECT_SKIPS`, or an add-on binding's) rather than a mapped row. */
  readonly objectSkip: boolean;
  /** Kind of the object the check must be reported on. */
  readonly kind: string;
  /**
   * Other kinds the scanner may name for it: Checkov reports a graph check (CKV2_*) on the Pod
   * it derives from a workload's template, under the workload's name.
   *
   * @default - none
   */
  readonly alsoReportedAs?: readonly string[];
  /** Name of the violating object, without skip annotations. */
  readonly flaggedName: string;
  /** Name of the same object with them. */
  readonly skippedName: string;
  /** Why the case cannot be run at all (no fixture, no annotation written), when so. */
  readonly problem?: string;
}

/** A check a scanner reported as failed on one object. */
export interface Finding {
  readonly scanner: Scanner;
  readonly check: string;
  readonly kind: string;
  readonly name: string;
}

/** `Kind namespace/name` or `Kind name` (scan-results' references) as kind and name. */
export function parseRef(ref: string): { kind: string; name: string } {
  const space = ref.indexOf(' ');
  const rest = space < 0 ? '' : ref.slice(space + 1);
  return { kind: space < 0 ? ref : ref.slice(0, space), name: rest.slice(rest.lastIndexOf('/') + 1) };
}

/** Why `c` does not hold given the scanners' `findings`, or undefined when it does. */
export function caseProblem(c: CaseUnderTest, findings: readonly Finding[]): string | undefined {
  if (c.problem) return c.problem;
  const reported = (name: string) =>
    findings.some(
      (f) => f.scanner === c.scanner && f.check === c.check && [c.kind, ...(c.alsoReportedAs ?? [])].includes(f.kind) && f.name === name,
    );
  if (!reported(c.flaggedName))
    return `not reported on the violating ${c.kind} ${c.flaggedName}: the check id or the kinds are wrong, or the object does not violate it`;
  if (reported(c.skippedName))
    return `still reported on ${c.kind} ${c.skippedName}, which carries the skip annotations: the scanner ignores them`;
  return undefined;
}

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** One line per scanner (`checkov: 32 mappings and 1 object skip proven ...`), then one per case that does not hold; ok when none. */
export function verdict(cases: readonly CaseUnderTest[], findings: readonly Finding[]): { ok: boolean; lines: string[] } {
  const failures: string[] = [];
  const lines = SCANNERS.map((scanner) => {
    const proven = { mappings: 0, skips: 0 };
    const mine = cases.filter((c) => c.scanner === scanner);
    for (const c of mine) {
      const problem = caseProblem(c, findings);
      if (problem) failures.push(`scan-mappings: ${scanner} ${c.label}: ${problem}`);
      else if (c.objectSkip) proven.skips++;
      else proven.mappings++;
    }
    const broken = mine.length - proven.mappings - proven.skips;
    return (
      `${scanner}: ${count(proven.mappings, 'mapping')} and ${count(proven.skips, 'object skip')} proven (flagged without the skip, silent with it)` +
      (broken ? `; ${broken} do NOT hold` : '')
    );
  });
  return { ok: failures.length === 0, lines: [...lines, ...failures] };
}
