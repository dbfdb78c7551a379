import { badRegistryEntry } from '../policy/image-registry';
import { appendTo } from '../core/append-to';
import { isIsoDate } from '../core/exceptions';
import {
  acceptedValuesText,
  acceptsValue,
  DeclaredException,
  ENGINE_RULES,
  entryName,
  ExceptionEntry,
  ExceptionProblem,
  readAnnotationExceptions,
  readFileExceptions,
  RULE_ERROR,
  RuleStatus,
  unusedExceptionProblem,
} from './exceptions';
import {
  ANY_KIND,
  ExceptionRecord,
  Finding,
  KubeObject,
  ObjectRef,
  ReviewContext,
  ReviewCounts,
  ReviewResult,
  Rule,
  RuleInfo,
  SEVERITIES,
  Severity,
  SeverityCounts,
} from './model';

export type { ExceptionRecord, ReviewCounts, ReviewResult, SeverityCounts } from './model';
import { ALL_RULES, DEFAULT_PACKS, PACKS, packById } from './packs';
import { CRD_API_VERSION } from './schema/crd-shapes';
import { PlatformContractError, PlatformContractSource } from './platform-contract';
import { apiGroupOf } from './walkers';

/** One object to review and where it came from. */
export interface ReviewTarget {
  /** A parsed manifest: a mapping with string `apiVersion` and `kind`. */
  readonly object: Readonly<Record<string, unknown>>;
  /**
   * Where the object was defined, for people reading the findings: a construct path or `file:line`.
   *
   * @default '' (unknown)
   */
  readonly origin?: string;
  /**
   * Whether the object's exception annotations are trusted (see `ReviewOptions.trustAnnotations`).
   *
   * @default - `ReviewOptions.trustAnnotations`
   */
  readonly trustAnnotations?: boolean;
}

/** How to review. */
export interface ReviewOptions {
  /**
   * Ids of the packs to apply (see `PACKS`).
   *
   * @default - every pack
   */
  readonly packs?: readonly string[];
  /**
   * The day (`YYYY-MM-DD`, UTC) against which exception expiry dates are checked. Pass it
   * for reproducible results.
   *
   * @default - the current UTC date
   */
  readonly today?: string;
  /**
   * Rules of your own, run in addition to the packs' rules. Their ids must not clash with
   * built-in ones. Their findings count by severity but in no pack.
   *
   * @default - none
   */
  readonly extraRules?: readonly Rule[];
  /**
   * Whether exception annotations on the objects (`exception.hardened.cdk8s.io/<rule-id>`)
   * may accept findings. Anyone who can write the YAML can write one, so in reviewed input
   * an annotation is a claim: untrusted, it accepts nothing and is reported
   * (`exception-not-trusted`). Trust them only in output your own app's constructs wrote.
   *
   * @default false
   */
  readonly trustAnnotations?: boolean;
  /**
   * Exceptions from an exceptions file the platform team owns (see `readExceptionsFile`):
   * trusted, each for the objects it names.
   *
   * @default - none
   */
  readonly exceptions?: readonly ExceptionEntry[];
  /**
   * CustomResourceDefinitions (apiextensions.k8s.io/v1) of the cluster the objects go to, such
   * as those of Sealed Secrets or Argo CD: the `object-schema` rule judges custom resources
   * against them, as it does against the CRDs in the reviewed objects. They are not reviewed.
   *
   * @default - only the CRDs among the reviewed objects
   */
  readonly customResourceDefinitions?: readonly Readonly<Record<string, unknown>>[];
  /**
   * The platform contract (`platform.json`, see `readPlatformContract`) of the namespaces
   * another output declares: the rules treat them as declared, with the facts it records. A
   * namespace both the contract and the reviewed objects declare has two owners: refused.
   *
   * @default - only the namespaces the reviewed objects declare
   * @internal the contract is read by HardenedApp (platformFile) and the CLI; readPlatformContract is not public
   */
  readonly platform?: PlatformContractSource;
  /**
   * The registries (and repository prefixes) images may come from, for the
   * `image-registry-allowed` rule: `ghcr.io/example`, `registry.internal:5000`,
   * `docker.io/library`. A namespace's `hardened.cdk8s.io/allowed-registries` annotation
   * narrows it for that namespace.
   *
   * @default - any registry (only a namespace's annotation restricts)
   */
  readonly allowedRegistries?: readonly string[];
}

/**
 * Reviews objects against the rules of the selected packs.
 *
 * Each rule runs on the objects of its kinds. Trusted exceptions (entries of
 * `options.exceptions`, and annotations `exception.hardened.cdk8s.io/<rule-id>: <reason>
 * (accepts V, V; expires YYYY-MM-DD)` where annotations are trusted) suppress that rule's
 * findings on that object whose value they accept (see `RuleFinding.value`); suppressed
 * findings stay in the result with their reason. Untrusted annotations are claims and
 * warnings. Expired, malformed and reasonless exceptions suppress nothing and are errors;
 * exceptions that cover nothing are warnings. A rule that throws yields a `rule-error`
 * finding instead of ending the review.
 *
 * @throws Error when a pack is unknown, `today` is not a date, or an extra rule reuses an id.
 */
export function review(targets: readonly ReviewTarget[], options: ReviewOptions = {}): ReviewResult {
  return reviewInContext(targets, options).result;
}

/**
 * `review`, also returning the context the rules saw, so the analyses of the same objects
 * (`analyzeReachability`, `analyzePermissions`) reuse its indexes and walks instead of
 * building their own.
 */
export function reviewInContext(
  targets: readonly ReviewTarget[],
  options: ReviewOptions = {},
): { readonly result: ReviewResult; readonly context: ReviewContext } {
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  if (!isIsoDate(today)) throw new Error(`review: 'today' must be a date written YYYY-MM-DD (got '${today}').`);
  const packs = selectPacks(options.packs);
  const rules = activeRules(packs, options.extraRules ?? []);
  const objects = targets.map((target, i) => asKubeObject(target, i));
  const definitions = (options.customResourceDefinitions ?? []).map(asCustomResourceDefinition);
  const allowedRegistries = checkedRegistries(options.allowedRegistries);
  if (options.platform) refuseTwoOwners(targets, objects, options.platform);

  const env: ReviewEnvironment = {
    today,
    context: createContext(
      objects,
      definitions,
      targets.map((target) => target.origin ?? ''),
      options.platform,
      allowedRegistries,
    ),
    rulesByKind: groupByKind(rules),
    known: new Set([...ALL_RULES, ...rules].map((rule) => rule.id)),
    active: new Set(rules.map((rule) => rule.id)),
    entries: options.exceptions ?? [],
    matchedEntries: new Set(),
  };
  const findings: Finding[] = [];
  const exceptions: ExceptionRecord[] = [];
  objects.forEach((obj, i) => {
    const trusted = targets[i].trustAnnotations ?? options.trustAnnotations ?? false;
    const reviewed = reviewObject(obj, targets[i].origin ?? '', trusted, env);
    findings.push(...reviewed.findings);
    exceptions.push(...reviewed.exceptions);
  });
  exceptions.push(...unmatchedEntries(env));
  findings.sort(compareFindings);
  exceptions.sort((a, b) => compareSubjects(a, b) || naturalCompare(a.origin, b.origin));
  const counts = countFindings(findings, packs, objects.length);
  const result: ReviewResult = {
    findings,
    counts,
    passed: counts.bySeverity.error === 0,
    packs,
    exceptions,
    rules: [...rules, ...ENGINE_RULES],
    today,
    ...(options.platform
      ? {
          platform: {
            file: options.platform.file,
            sha256: options.platform.sha256,
            namespaces: options.platform.contract.namespaces.map((n) => n.name),
          },
        }
      : {}),
  };
  return { result, context: env.context };
}

/** The allowlist, each entry checked: a wrong entry would silently allow nothing or too much. */
function checkedRegistries(entries: readonly string[] | undefined): readonly string[] | undefined {
  if (entries === undefined) return undefined;
  const bad = badRegistryEntry(entries);
  if (bad)
    throw new Error(`review: 'allowedRegistries[${bad.index}]' ${JSON.stringify(bad.entry)} is not a registry entry: ${bad.problem}.`);
  return Object.freeze([...entries]);
}

/** A namespace declared both by the reviewed objects and by the platform contract has two owners. */
function refuseTwoOwners(targets: readonly ReviewTarget[], objects: readonly KubeObject[], platform: PlatformContractSource): void {
  const contracted = new Set(platform.contract.namespaces.map((n) => n.name));
  const i = objects.findIndex((o) => o.kind === 'Namespace' && o.apiVersion === 'v1' && contracted.has(String(o.metadata?.name)));
  if (i < 0) return;
  const name = String(objects[i].metadata?.name);
  throw new PlatformContractError(
    `namespace "${name}" is declared both by the reviewed objects (${targets[i].origin || 'Namespace ' + name}) and by the platform contract ${platform.file}: ` +
      "a namespace has one owner. Fix: remove the Namespace from this output and keep the platform's, or deploy it from this output and drop the contract.",
  );
}

/**
 * Whether a review passes when findings of `failOn`'s severity or a more serious one fail it
 * (`result.passed` is the default, `error`). Findings accepted by exceptions never fail it.
 */
export function passesAt(result: ReviewResult, failOn: Severity): boolean {
  return SEVERITIES.slice(0, SEVERITIES.indexOf(failOn) + 1).every((severity) => result.counts.bySeverity[severity] === 0);
}

/** What every object's review needs, computed once per review. */
interface ReviewEnvironment {
  readonly today: string;
  readonly context: ReviewContext;
  readonly rulesByKind: ReadonlyMap<string, readonly Rule[]>;
  /** Ids of every rule that exists (built-in or extra). */
  readonly known: ReadonlySet<string>;
  /** Ids of the rules this review runs. */
  readonly active: ReadonlySet<string>;
  /** The exceptions file entries. */
  readonly entries: readonly ExceptionEntry[];
  /** Indexes of the entries that named some object (filled during the review). */
  readonly matchedEntries: Set<number>;
}

/** The exceptions file entries that named no reviewed object: listed, not a finding (one file may serve many repositories). */
function unmatchedEntries(env: ReviewEnvironment): ExceptionRecord[] {
  return env.entries.flatMap((entry, index): ExceptionRecord[] =>
    env.matchedEntries.has(index)
      ? []
      : [
          {
            ruleId: entry.rule,
            object: {
              apiVersion: '',
              kind: entry.kind,
              ...(entry.namespace !== undefined ? { namespace: entry.namespace } : {}),
              name: entry.name,
            },
            origin: '',
            reason: entry.reason.trim(),
            ...(entry.expires !== undefined ? { expires: entry.expires } : {}),
            ...(entry.accepts ? { accepts: [...entry.accepts] } : {}),
            source: 'exceptions-file',
            entry: entryName(entry, index),
            status: 'unmatched',
            findings: 0,
          },
        ],
  );
}

/** Runs the rules of the object's kind (and those of every kind), applies its exceptions and reports on them. */
function reviewObject(
  obj: KubeObject,
  origin: string,
  trusted: boolean,
  env: ReviewEnvironment,
): { findings: Finding[]; exceptions: ExceptionRecord[] } {
  const ref = refOf(obj);
  const make = (rule: RuleInfo, path: string, message: string, value?: string): Finding => ({
    ruleId: rule.id,
    severity: rule.severity,
    title: rule.title,
    object: ref,
    origin,
    path,
    message,
    ...(value !== undefined ? { value } : {}),
    remediation: rule.remediation,
  });
  const fromFile = readFileExceptions(env.entries, ref, env.today);
  fromFile.matched.forEach((index) => env.matchedEntries.add(index));
  const fromAnnotations = readAnnotationExceptions(obj.metadata?.annotations, env.today, trusted);
  // The platform team's entries first: a finding both accept is credited to the file.
  const declared: DeclaredException[] = [...fromFile.declared, ...fromAnnotations.declared];
  const findings: Finding[] = [];
  const ruleStatus = new Map<string, RuleStatus>();
  const accepted = new Map<DeclaredException, number>();
  /** Per rule that found something: whether a finding stayed open with an exception to the rule present, or all were accepted. */
  const found = new Map<string, 'open' | 'accepted'>();

  for (const rule of rulesFor(obj, env.rulesByKind)) {
    let results;
    try {
      results = rule.check(obj, env.context);
    } catch (error) {
      ruleStatus.set(rule.id, 'failed');
      findings.push(
        make(RULE_ERROR, '', `rule "${rule.id}" failed on this object: ${error instanceof Error ? error.message : String(error)}`),
      );
      continue;
    }
    ruleStatus.set(rule.id, 'ran');
    const grants = declared.filter((d) => d.grant?.rule === rule.id);
    for (const result of results) {
      const value = typeof result.value === 'string' ? result.value : undefined;
      const by = grants.find((d) => acceptsValue(d.grant!.applied, value));
      if (by) {
        accepted.set(by, (accepted.get(by) ?? 0) + 1);
        if (!found.has(rule.id)) found.set(rule.id, 'accepted');
        findings.push({ ...make(rule, result.path, result.message, value), exception: by.grant!.applied });
        continue;
      }
      // Say why an exception to the rule did not accept it: the usual surprise of scoped exceptions.
      const why = grants.length ? ` (${grants[0].grant!.label} ${acceptedValuesText(grants[0].grant!.applied)})` : '';
      if (grants.length) found.set(rule.id, 'open');
      findings.push(make(rule, result.path, result.message + why, value));
    }
  }

  const problems: ExceptionProblem[] = [...fromFile.problems, ...fromAnnotations.problems];
  const exceptions = declared.map((d): ExceptionRecord => {
    let status: ExceptionRecord['status'] = d.status === 'valid' ? 'applied' : d.status;
    if (d.grant && !accepted.has(d)) {
      const ran = ruleStatus.get(d.rule) ?? (!env.known.has(d.rule) ? 'unknown' : env.active.has(d.rule) ? 'not-applicable' : 'inactive');
      const problem = unusedExceptionProblem(d.grant, ran, obj.kind, found.get(d.rule));
      if (problem) problems.push(problem);
      status = problem ? 'unused' : 'not-evaluated';
    }
    return {
      ruleId: d.rule,
      object: ref,
      origin,
      reason: d.reason,
      ...(d.expires ? { expires: d.expires } : {}),
      ...(d.accepts ? { accepts: d.accepts } : {}),
      source: d.source,
      ...(d.entry !== undefined ? { entry: d.entry } : {}),
      status,
      findings: accepted.get(d) ?? 0,
    };
  });
  findings.push(...problems.map((p) => make(p.rule, p.path, p.message)));
  return { findings, exceptions };
}

/**
 * The rules each object key runs, in registry order: under a kind name, that kind's rules and
 * the rules of every kind (`ANY_KIND`); under `<group>/<kind>`, also those of the kind name;
 * under `ANY_KIND`, those alone, for the other objects.
 */
function groupByKind(rules: readonly Rule[]): Map<string, Rule[]> {
  const byKind = new Map<string, Rule[]>();
  for (const key of new Set(rules.flatMap((rule) => rule.kinds))) {
    const kind = key.slice(key.indexOf('/') + 1);
    byKind.set(
      key,
      rules.filter((rule) => rule.kinds.includes(key) || rule.kinds.includes(kind) || rule.kinds.includes(ANY_KIND)),
    );
  }
  byKind.set(
    ANY_KIND,
    rules.filter((rule) => rule.kinds.includes(ANY_KIND)),
  );
  return byKind;
}

/** The rules an object runs: those of its API group and kind, else of its kind, else of every kind. */
function rulesFor(obj: KubeObject, rulesByKind: ReadonlyMap<string, readonly Rule[]>): readonly Rule[] {
  const slash = obj.apiVersion.indexOf('/');
  return (
    rulesByKind.get(`${slash < 0 ? '' : obj.apiVersion.slice(0, slash)}/${obj.kind}`) ??
    rulesByKind.get(obj.kind) ??
    rulesByKind.get(ANY_KIND) ??
    []
  );
}

function selectPacks(requested: readonly string[] | undefined): string[] {
  const packs = [...(requested ?? DEFAULT_PACKS)];
  const unknown = packs.filter((id) => !packById(id));
  if (unknown.length) {
    throw new Error(
      `review: unknown pack${unknown.length > 1 ? 's' : ''} ${unknown.map((id) => `'${id}'`).join(', ')}. Known packs: ${PACKS.map((p) => p.id).join(', ')}.`,
    );
  }
  return [...new Set(packs)];
}

/**
 * The rules a pack runs: its rules minus those another rule of the same pack overrides (as
 * upstream's restricted level skips the baseline checks it replaces).
 */
export function rulesRunBy(packId: string): string[] {
  const ids = packById(packId)?.rules ?? [];
  const overridden = new Set(ids.flatMap((id) => ALL_RULES.find((rule) => rule.id === id)?.overrides ?? []));
  return ids.filter((id) => !overridden.has(id));
}

/** Every rule some selected pack runs, in registry order, then the extra rules. */
function activeRules(packs: readonly string[], extraRules: readonly Rule[]): Rule[] {
  for (const rule of extraRules) {
    if (ALL_RULES.some((builtIn) => builtIn.id === rule.id) || ENGINE_RULES.some((engine) => engine.id === rule.id)) {
      throw new Error(`review: extra rule '${rule.id}' reuses the id of a built-in rule. Give it an id of its own.`);
    }
  }
  const run = new Set(packs.flatMap(rulesRunBy));
  return [...ALL_RULES.filter((rule) => run.has(rule.id)), ...extraRules];
}

function asKubeObject(target: ReviewTarget, index: number): KubeObject {
  const obj = target?.object;
  if (typeof obj !== 'object' || obj === null || typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') {
    throw new Error(
      `review: target ${index}${target?.origin ? ` (${target.origin})` : ''} is not a Kubernetes object: it needs string apiVersion and kind.`,
    );
  }
  return obj as KubeObject;
}

function asCustomResourceDefinition(obj: Readonly<Record<string, unknown>>, index: number): KubeObject {
  if (obj?.apiVersion !== CRD_API_VERSION || obj?.kind !== 'CustomResourceDefinition') {
    throw new Error(
      `review: customResourceDefinitions[${index}] is ${typeof obj?.kind === 'string' ? `a ${obj.kind}` : 'not a Kubernetes object'}, ` +
        `not a CustomResourceDefinition (${CRD_API_VERSION}). Give only CRDs there, and review other objects as targets.`,
    );
  }
  return obj as KubeObject;
}

function refOf(obj: KubeObject): ObjectRef {
  const name = typeof obj.metadata?.name === 'string' ? obj.metadata.name : '';
  const namespace = typeof obj.metadata?.namespace === 'string' ? obj.metadata.namespace : undefined;
  return namespace === undefined
    ? { apiVersion: obj.apiVersion, kind: obj.kind, name }
    : { apiVersion: obj.apiVersion, kind: obj.kind, namespace, name };
}

/**
 * The context rules see for `objects` (what the platform contract writer judges a platform's
 * output with): its indexes are built once and its `memo` values kept as long as it is.
 *
 * @param origins where each object was defined, by position (see `ReviewTarget.origin`)
 */
export function reviewContextOf(objects: readonly KubeObject[], origins: readonly string[] = []): ReviewContext {
  return createContext(objects, [], origins);
}

function createContext(
  objects: readonly KubeObject[],
  customResourceDefinitions: readonly KubeObject[],
  origins: readonly string[],
  platform?: PlatformContractSource,
  allowedRegistries?: readonly string[],
): ReviewContext {
  const byKind = new Map<string, KubeObject[]>();
  const byIdentity = new Map<string, KubeObject[]>();
  const originByObject = new Map<KubeObject, string>();
  objects.forEach((obj, i) => {
    appendTo(byKind, obj.kind, obj);
    appendTo(byIdentity, identityOf(obj), obj);
    originByObject.set(obj, origins[i] ?? '');
  });
  const memos = new Map<object, unknown>();
  const context: ReviewContext = {
    objects,
    byKind: (kind) => byKind.get(kind) ?? [],
    // The API group is part of the key: a custom `Deployment` of example.com is not apps' Deployment.
    find: (apiVersion, kind, namespace, name) => byIdentity.get(identityKey(apiVersion, kind, namespace, name))?.at(-1),
    namesakesOf: (obj) => byIdentity.get(identityOf(obj)) ?? [obj],
    originOf: (obj) => originByObject.get(obj) ?? '',
    memo: <T>(key: object, build: (context: ReviewContext) => T): T => {
      if (!memos.has(key)) memos.set(key, build(context));
      return memos.get(key) as T;
    },
    customResourceDefinitions,
    ...(platform ? { platform } : {}),
    ...(allowedRegistries ? { allowedRegistries } : {}),
  };
  return context;
}

/** What makes two objects the same to the API server: API group (not version), kind, namespace and name. */
function identityOf(obj: KubeObject): string {
  const ref = refOf(obj);
  return identityKey(ref.apiVersion, ref.kind, ref.namespace, ref.name);
}

function identityKey(apiVersion: string, kind: string, namespace: string | undefined, name: string): string {
  return [apiGroupOf(apiVersion), kind, namespace ?? '', name].join('\u0000');
}

/**
 * Compares strings so that runs of digits compare as numbers (`containers[2]` before
 * `containers[10]`), the rest by UTF-16 code units: the same order on every machine.
 */
export function naturalCompare(a: string, b: string): number {
  const tokens = /(\d+|\D+)/g;
  const as = a.match(tokens) ?? [];
  const bs = b.match(tokens) ?? [];
  for (let i = 0; i < Math.min(as.length, bs.length); i++) {
    const x = as[i];
    const y = bs[i];
    if (x === y) continue;
    const bothNumbers = /^\d/.test(x) && /^\d/.test(y);
    if (bothNumbers && Number(x) !== Number(y)) return Number(x) - Number(y);
    return x < y ? -1 : 1;
  }
  return as.length - bs.length;
}

/** Orders by kind, namespace, name, then rule id. */
export function compareSubjects(
  a: { readonly object: ObjectRef; readonly ruleId: string },
  b: { readonly object: ObjectRef; readonly ruleId: string },
): number {
  return (
    naturalCompare(a.object.kind, b.object.kind) ||
    naturalCompare(a.object.namespace ?? '', b.object.namespace ?? '') ||
    naturalCompare(a.object.name, b.object.name) ||
    naturalCompare(a.ruleId, b.ruleId)
  );
}

/** Orders findings by kind, namespace, name, rule id, path, then message and origin. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    compareSubjects(a, b) || naturalCompare(a.path, b.path) || naturalCompare(a.message, b.message) || naturalCompare(a.origin, b.origin)
  );
}

function countFindings(findings: readonly Finding[], packs: readonly string[], objects: number): ReviewCounts {
  const zero = (): SeverityCounts => ({ error: 0, warning: 0, info: 0 });
  const bySeverity = zero();
  const byPack: Record<string, SeverityCounts> = Object.fromEntries(packs.map((id) => [id, zero()]));
  const packsOf = new Map<string, string[]>();
  for (const id of packs) {
    for (const ruleId of rulesRunBy(id)) packsOf.set(ruleId, [...(packsOf.get(ruleId) ?? []), id]);
  }
  let suppressed = 0;
  for (const finding of findings) {
    if (finding.exception) {
      suppressed++;
      continue;
    }
    bySeverity[finding.severity]++;
    for (const pack of packsOf.get(finding.ruleId) ?? []) byPack[pack][finding.severity]++;
  }
  return { objects, bySeverity, byPack, suppressed };
}
