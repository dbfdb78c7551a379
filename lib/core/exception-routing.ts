import { ApiObject } from 'cdk8s';
import { ruleById } from '../review/packs';
import { ObjectSkip, scannerSkipAnnotations } from '../review/scanner-map';
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
export function exceptionAnnotations(exceptions: readonly HardeningException[], kind: string, skips: readonly ObjectSkip[] = []): Record<string, string> {
  const sorted = [...exceptions].sort((a, b) => compareText(a.rule, b.rule));
  const ours = Object.fromEntries(sorted.map((e) => [exceptionAnnotationKey(e.rule), exceptionAnnotationValue(e)]));
  const scanners = scannerSkipAnnotations(sorted.map((e) => ({ rule: e.rule, reason: exceptionAnnotationValue(e) })), kind, skips);
  return { ...ours, ...scanners };
}

/** The exceptions and object skips written on each object so far, so the scanner annotations cover all of them. */
const written = new WeakMap<ApiObject, { readonly byRule: Map<string, HardeningException>; readonly skips: ObjectSkip[] }>();

function recordOf(api: ApiObject) {
  let record = written.get(api);
  if (!record) {
    record = { byRule: new Map(), skips: [] };
    written.set(api, record);
  }
  return record;
}

/** (Re)writes every annotation of what `api` carries: its exceptions and the scanner skips of both. */
function rewriteAnnotations(api: ApiObject): void {
  const { byRule, skips } = recordOf(api);
  for (const [key, value] of Object.entries(exceptionAnnotations([...byRule.values()], api.kind, skips))) {
    api.metadata.addAnnotation(key, value);
  }
}

/**
 * Writes on `api` the skip annotations of scanner checks that do not apply to it
 * (`lib/review/scanner-map.ts` says which and why), merged with those of its exceptions.
 */
export function writeScannerSkips(api: ApiObject, skips: readonly ObjectSkip[]): void {
  if (!skips.length) return;
  recordOf(api).skips.push(...skips);
  rewriteAnnotations(api);
}

/**
 * Writes `exceptions` on `api`, all of them, with the scanners' skip annotations. Calls add
 * up (a later exception to the same rule replaces the earlier one), and the scanner
 * annotations are rewritten each time, so Checkov's numbered keys stay a gap-free sequence.
 */
export function writeExceptions(api: ApiObject, exceptions: readonly HardeningException[]): void {
  if (!exceptions.length) return;
  const { byRule } = recordOf(api);
  for (const exception of exceptions) byRule.set(exception.rule, exception);
  rewriteAnnotations(api);
}

/** Records on `api` the exceptions whose rule judges objects of its kind. */
export function recordExceptions(api: ApiObject, exceptions: readonly HardeningException[]): void {
  writeExceptions(api, exceptionsForKind(exceptions, api.kind));
}

/** Whether `rule` is a rule of the review engine. */
export function isKnownRule(rule: string): boolean {
  return ruleById(rule) !== undefined;
}
