import { ApiObject } from 'cdk8s';
import { ruleById } from '../review/packs';
import { scannerSkipAnnotations } from '../review/scanner-map';
import { compareText } from './compare-text';
import { exceptionAnnotationKey, exceptionAnnotationValue, HardeningException } from './exceptions';

/**
 * A construct's exceptions go on the objects their rule judges: an exception to a pod rule
 * on the Deployment, to a network rule on the NetworkPolicy, to an RBAC rule on the Role or
 * binding. Written anywhere else the review would report it as unused.
 */
export function exceptionsForKind(exceptions: readonly HardeningException[], kind: string): HardeningException[] {
  return exceptions.filter((e) => ruleById(e.rule)?.kinds.includes(kind) ?? false);
}

/**
 * Every annotation that records `exceptions` on an object of `kind`: ours
 * (`exception.hardened.cdk8s.io/<rule>`), then, for each scanner check mapped to an
 * excepted rule (`lib/review/scanner-map.ts`), that scanner's own skip annotation with the
 * same reason. So Checkov, kube-score, kube-linter and Polaris accept exactly what our
 * review accepts. Deterministic for the same exceptions, in any order.
 */
export function exceptionAnnotations(exceptions: readonly HardeningException[], kind: string): Record<string, string> {
  const sorted = [...exceptions].sort((a, b) => compareText(a.rule, b.rule));
  const ours = Object.fromEntries(sorted.map((e) => [exceptionAnnotationKey(e.rule), exceptionAnnotationValue(e)]));
  const scanners = scannerSkipAnnotations(sorted.map((e) => ({ rule: e.rule, reason: exceptionAnnotationValue(e) })), kind);
  return { ...ours, ...scanners };
}

/** The exceptions written on each object so far, so the scanner annotations cover all of them. */
const written = new WeakMap<ApiObject, Map<string, HardeningException>>();

/**
 * Writes `exceptions` on `api`, all of them, with the scanners' skip annotations. Calls add
 * up (a later exception to the same rule replaces the earlier one), and the scanner
 * annotations are rewritten each time, so Checkov's numbered keys stay a gap-free sequence.
 */
export function writeExceptions(api: ApiObject, exceptions: readonly HardeningException[]): void {
  if (!exceptions.length) return;
  let byRule = written.get(api);
  if (!byRule) {
    byRule = new Map();
    written.set(api, byRule);
  }
  for (const exception of exceptions) byRule.set(exception.rule, exception);
  for (const [key, value] of Object.entries(exceptionAnnotations([...byRule.values()], api.kind))) {
    api.metadata.addAnnotation(key, value);
  }
}

/** Records on `api` the exceptions whose rule judges objects of its kind. */
export function recordExceptions(api: ApiObject, exceptions: readonly HardeningException[]): void {
  writeExceptions(api, exceptionsForKind(exceptions, api.kind));
}

/** Whether `rule` is a rule of the review engine. */
export function isKnownRule(rule: string): boolean {
  return ruleById(rule) !== undefined;
}
