import { ApiObject, Lazy } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ANY_KIND, kindsOfRule } from './rule-catalog';
import { ObjectSkip, scannerSkipAnnotations } from './scanner-map';
import { compareText } from '../core/compare-text';
import { exceptionAnnotationKey, exceptionAnnotationValue, ExceptionSource, HardeningException } from '../core/exceptions';

/** Exceptions as given: a fixed list, or a source (an `ExceptionPolicy`) whose accepted values grow until synth. */
export type ExceptionsToWrite = readonly HardeningException[] | ExceptionSource;

function listOf(exceptions: ExceptionsToWrite): readonly HardeningException[] {
  return Array.isArray(exceptions) ? exceptions : (exceptions as ExceptionSource).list();
}

/** Whether the rule `rule` judges objects of `kind` (a rule of every kind, such as no-default-namespace, judges all). */
function judges(rule: string, kind: string): boolean {
  const kinds = kindsOfRule(rule);
  return kinds !== undefined && (kinds.includes(kind) || kinds.includes(ANY_KIND));
}

/**
 * A construct's exceptions go on the objects their rule judges: an exception to a pod rule
 * on the Deployment, to a network rule on the NetworkPolicy, to an RBAC rule on the Role or
 * binding. Written anywhere else the review would report it as unused.
 */
export function exceptionsForKind(exceptions: readonly HardeningException[], kind: string): HardeningException[] {
  return exceptions.filter((e) => judges(e.rule, kind));
}

/**
 * Every annotation that records `exceptions` on an object of `kind`: ours
 * (`exception.hardened.cdk8s.io/<rule>: <reason> (accepts …; expires …)`), then, for each
 * scanner check mapped to an excepted rule (`lib/policy/scanner-map.ts`), that scanner's own
 * skip annotation with the same text. So Checkov, kube-score, kube-linter and Polaris skip
 * exactly the checks our review accepts a departure from (scanners cannot scope a skip to a
 * value: they skip the whole check on the object, which our review still judges value by
 * value). Deterministic for the same exceptions, in any order.
 */
export function exceptionAnnotations(
  exceptions: readonly HardeningException[],
  kind: string,
  skips: readonly ObjectSkip[] = [],
): Record<string, string> {
  const sorted = [...exceptions].sort((a, b) => compareText(a.rule, b.rule));
  const ours = Object.fromEntries(sorted.map((e) => [exceptionAnnotationKey(e.rule), exceptionAnnotationValue(e)]));
  const scanners = scannerSkipAnnotations(
    sorted.map((e) => ({ rule: e.rule, reason: exceptionAnnotationValue(e) })),
    kind,
    skips,
  );
  return { ...ours, ...scanners };
}

/** What is written on each object so far, so the scanner annotations cover all of it. */
interface Written {
  /** Each rule's exception, from the last source that named it (later sources replace earlier ones). */
  readonly byRule: Map<string, ExceptionsToWrite>;
  readonly skips: ObjectSkip[];
}
const written = new WeakMap<ApiObject, Written>();

function recordOf(api: ApiObject): Written {
  let record = written.get(api);
  if (!record) {
    record = { byRule: new Map(), skips: [] };
    written.set(api, record);
  }
  return record;
}

/** The exceptions `api` carries, as their sources list them now. */
function currentExceptions(api: ApiObject): HardeningException[] {
  const { byRule } = recordOf(api);
  return [...byRule.entries()].flatMap(([rule, source]) =>
    listOf(source)
      .filter((e) => e.rule === rule)
      .slice(0, 1),
  );
}

/**
 * (Re)writes every annotation of what `api` carries: its exceptions and the scanner skips of
 * both. Which annotations exist depends only on the rules and skips, known now; their text
 * (the accepted values) is produced at synth, when every value has been asked for.
 */
function rewriteAnnotations(api: ApiObject): void {
  const { skips } = recordOf(api);
  const render = () => exceptionAnnotations(currentExceptions(api), api.kind, skips);
  for (const key of Object.keys(render())) {
    api.metadata.addAnnotation(key, Lazy.any({ produce: () => render()[key] }));
  }
}

/**
 * Writes on `api` the skip annotations of scanner checks that do not apply to it
 * (`lib/policy/scanner-map.ts` says which and why), merged with those of its exceptions.
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
 * Given an `ExceptionPolicy`, the annotations name the values it accepted by synth time.
 */
export function writeExceptions(api: ApiObject, exceptions: ExceptionsToWrite): void {
  const rules = listOf(exceptions).map((e) => e.rule);
  if (!rules.length) return;
  landings.get(exceptions)?.rules.push(...rules);
  const { byRule } = recordOf(api);
  for (const rule of rules) byRule.set(rule, exceptions);
  rewriteAnnotations(api);
}

/**
 * Records on `api` the exceptions whose rule judges objects of its kind. An exception that
 * lands on none of the objects it is recorded on by synth is an error naming the construct it
 * was given to (`exceptions.scope` for an `ExceptionPolicy`, else the scope of the first such
 * object): dropped silently, it would let the author believe a departure was accepted.
 */
export function recordExceptions(api: ApiObject, exceptions: ExceptionsToWrite): void {
  const given = listOf(exceptions);
  if (given.length) landingOf(exceptions, api).kinds.add(api.kind);
  const rules = given.filter((e) => judges(e.rule, api.kind)).map((e) => e.rule);
  if (!rules.length) return;
  landingOf(exceptions, api).rules.push(...rules);
  const { byRule } = recordOf(api);
  for (const rule of rules) byRule.set(rule, exceptions);
  rewriteAnnotations(api);
}

/** Where the exceptions of one construct were offered (kinds) and landed (rules). */
interface Landing {
  readonly kinds: Set<string>;
  readonly rules: string[];
}
const landings = new WeakMap<object, Landing>();

/** The landing record of `exceptions`; created with the synth-time check that each of them landed. */
function landingOf(exceptions: ExceptionsToWrite, api: ApiObject): Landing {
  let landing = landings.get(exceptions);
  if (!landing) {
    const record: Landing = { kinds: new Set(), rules: [] };
    landing = record;
    landings.set(exceptions, record);
    const owner: IConstruct = ownerOf(exceptions) ?? api.node.scope ?? api;
    owner.node.addValidation({ validate: () => unlandedExceptionErrors(listOf(exceptions), record) });
  }
  return landing;
}

function ownerOf(exceptions: ExceptionsToWrite): IConstruct | undefined {
  const scope = (exceptions as { readonly scope?: unknown }).scope;
  return typeof scope === 'object' && scope !== null && 'node' in scope ? (scope as IConstruct) : undefined;
}

/** One error per exception whose rule judges none of the objects it was offered to. */
function unlandedExceptionErrors(exceptions: readonly HardeningException[], landing: Landing): string[] {
  const offered = [...landing.kinds].sort(compareText);
  return exceptions
    .filter((e) => !landing.rules.includes(e.rule))
    .map((e) => {
      const kinds = kindsOfRule(e.rule) ?? [];
      const judged = kinds.includes(ANY_KIND)
        ? 'judges objects of every kind, but an exception to it is recorded on none of them'
        : `judges only ${kinds.length > 4 ? `${kinds.slice(0, 4).join(', ')} and ${kinds.length - 4} more kinds of` : kinds.join(', ')} objects`;
      return (
        `'exceptions' has an exception to '${e.rule}' that applies to nothing: the rule ${judged}, and this construct records exceptions on ` +
        `${offered.join(', ')} objects. Remove the exception, or create the object it is for` +
        `${e.rule.startsWith('rbac-') ? ' (a Role: call grant())' : ''}.`
      );
    });
}

/** Whether `rule` is a rule of the review engine. */
export function isKnownRule(rule: string): boolean {
  return kindsOfRule(rule) !== undefined;
}
