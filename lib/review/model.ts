/**
 * The data model of the review engine: what a rule is, what it reports, and what the
 * engine returns. Everything here is plain data over parsed Kubernetes manifests; nothing
 * refers to a construct, so the same rules judge our output, Helm output and hand-written YAML.
 */

import type { PlatformContractSource } from './platform-contract';

/** Object metadata as found in a manifest. Every field may be missing in hand-written YAML. */
export interface KubeMetadata {
  readonly name?: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly [field: string]: unknown;
}

/**
 * One parsed Kubernetes object (a YAML document). Only `apiVersion` and `kind` are assumed;
 * rules read the rest defensively.
 */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata?: KubeMetadata;
  readonly [field: string]: unknown;
}

/** In `Rule.kinds`: the rule judges objects of every kind. */
export { ANY_KIND } from '../policy/rule-catalog';

/** How serious a finding is. Only unsuppressed `error` findings fail a review. */
export type Severity = 'error' | 'warning' | 'info';

/** Every severity, most serious first (the order reports list them in). */
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

/** A reference id, or several when one rule covers what a tool splits into several checks. */
export type ReferenceId = string | readonly string[];

/**
 * Where a rule comes from in the standards and scanners people already know. A field is
 * left out rather than guessed.
 */
export interface RuleReferences {
  /** Pod Security Standards `<level>/<upstream check id>`, for example `restricted/runAsNonRoot`. */
  readonly pss?: ReferenceId;
  /** NSA/CISA Kubernetes Hardening Guidance section. */
  readonly nsa?: ReferenceId;
  /** CIS Kubernetes Benchmark recommendation, numbered as in benchmark v1.8 and later (for example `5.2.6`). */
  readonly cis?: ReferenceId;
  /** kube-score check id, for example `container-security-context-user-group-id`. */
  readonly kubeScore?: ReferenceId;
  /** kube-linter check name, for example `run-as-non-root`. */
  readonly kubeLinter?: ReferenceId;
  /** Polaris check id, for example `runAsRootAllowed`. */
  readonly polaris?: ReferenceId;
  /** Checkov check id, for example `CKV_K8S_20`. */
  readonly checkov?: ReferenceId;
  /** Trivy check id, for example `KSV-0014`. */
  readonly trivy?: ReferenceId;
}

/** What a rule reports about one object: where and what, in plain words. */
export interface RuleFinding {
  /** JSON path inside the object, for example `spec.template.spec.containers[0].securityContext.privileged`. */
  readonly path: string;
  /** A sentence naming the container or field at fault, for example `container "web" is privileged`. */
  readonly message: string;
  /**
   * The one thing at fault, machine-readable, where the rule has one: a capability (`NET_ADMIN`),
   * a host path (`/var/log`), a host port (`8080`), a sysctl, a volume type, an RBAC verb or
   * resource, a CIDR. An exception accepts the finding only if it names this value (see
   * lib/review/exceptions.ts); a finding without a value is accepted only by an exception without one.
   *
   * @default - the finding has no single value (for example a missing setting)
   */
  readonly value?: string;
}

/**
 * A read-only view of every object under review, for rules that look across objects
 * (for example "a PodDisruptionBudget selects this Deployment"). Indexes are built once.
 */
export interface ReviewContext {
  /** Every object under review, in the order given. */
  readonly objects: readonly KubeObject[];
  /** The objects of one kind, in the order given. */
  byKind(kind: string): readonly KubeObject[];
  /**
   * The object of this API group, kind, namespace and name, if any (the last one written, as
   * `kubectl apply` keeps it). Only the group of `apiVersion` counts: `apps/v1` also finds an
   * `apps/v1beta2` object, never a same-named kind of another group.
   */
  find(apiVersion: string, kind: string, namespace: string | undefined, name: string): KubeObject | undefined;
  /**
   * Every object with the API group, kind, namespace and name of `obj`, itself included, in
   * the order given: more than one is the same object written twice (`kubectl apply` would
   * apply the later over the earlier).
   */
  namesakesOf(obj: KubeObject): readonly KubeObject[];
  /** Where `obj` was defined (its `ReviewTarget.origin`): a construct path or `file:line`; `''` if unknown. */
  originOf(obj: KubeObject): string;
  /**
   * What `build` computes from this review's objects, computed on first use and kept for the
   * rest of the review (objects do not change during one): the indexes rules and analyses
   * share, such as pod specs per object or policies per namespace. `key` identifies the
   * value; use one constant per kind of value.
   */
  memo<T>(key: object, build: (context: ReviewContext) => T): T;
  /**
   * CustomResourceDefinitions given beside the objects (`ReviewOptions.customResourceDefinitions`,
   * `--crd`): not reviewed, only used to judge custom resources, as the CRDs in the input are.
   *
   * @default - none
   */
  readonly customResourceDefinitions?: readonly KubeObject[];
  /**
   * The platform contract of the namespaces declared in another output (`ReviewOptions.platform`):
   * rules look namespaces up through `namespaceFacts`, which reads it.
   *
   * @default - none
   * @internal read through namespaceFacts; a rule has no other use for it
   */
  readonly platform?: PlatformContractSource;
  /**
   * `ReviewOptions.allowedRegistries`, checked.
   *
   * @default - any registry
   * @internal for the image-registry-allowed rule
   */
  readonly allowedRegistries?: readonly string[];
}

/** The descriptive part of a rule: everything but its check. Reports list these. */
export interface RuleInfo {
  /** Kebab-case id, stable forever: exceptions and other tools refer to it. */
  readonly id: string;
  /** What the rule requires, as a short phrase. */
  readonly title: string;
  readonly severity: Severity;
  readonly references: RuleReferences;
  /** How to comply: one or more sentences, ending with a period. */
  readonly remediation: string;
}

/**
 * A review rule: data plus one pure check. `[]` from `check` means compliant.
 *
 * @see /work/shared/STYLE.md "Rules"
 */
export interface Rule extends RuleInfo {
  /**
   * The object kinds the rule applies to; other kinds are never passed to `check`. A kind
   * name (`Deployment`) matches it in every API group; `<group>/<kind>`
   * (`argoproj.io/Rollout`) in that group only, for kind names other groups use too (a
   * Knative `serving.knative.dev/Service` is not a core Service); `ANY_KIND` (`'*'`) matches
   * every object.
   */
  readonly kinds: readonly string[];
  /**
   * Ids of weaker rules this one replaces within a pack, as a restricted Pod Security check
   * overrides its baseline counterpart: a pack that lists both runs only this one. (With
   * several packs selected, the weaker rule still runs for the packs that need it.)
   *
   * @default - replaces nothing
   */
  readonly overrides?: readonly string[];
  /** Judges one object. Must not modify it. May throw: the engine reports a `rule-error`. */
  check(obj: KubeObject, context: ReviewContext): readonly RuleFinding[];
  /**
   * The same rule for the cluster: CEL validations of a ValidatingAdmissionPolicy, written from
   * the same data as `check` (lib/review/admission generates the policies). Every rule has
   * exactly one of `admission` and `synthTimeOnly` (a test keeps it so), and the api-server
   * differential proves the two implementations agree.
   *
   * @default - see `synthTimeOnly`
   */
  readonly admission?: (scope: AdmissionScope) => readonly AdmissionValidation[];
  /**
   * Why the cluster cannot decide the rule on one object at admission (it needs several
   * objects, or judges files that are not API objects): REVIEW.md lists it as synth-time only.
   *
   * @default - enforced at admission (`admission`)
   */
  readonly synthTimeOnly?: string;
}

/**
 * What a rule's CEL may refer to in the admission policy it is generated into (all CEL
 * expressions, as text).
 */
export interface AdmissionScope {
  /**
   * The kinds (names) the policy being generated matches: a rule whose CEL would judge none of
   * them returns no validation, and is then not part of that policy.
   */
  readonly kinds: readonly string[];
  /** The object under admission (`object`). */
  readonly object: string;
  /** For rules on pod templates: the pod spec of the object (a Pod's `spec`, a Deployment's `spec.template.spec`, ...). */
  readonly pod: string;
  /** For rules on pod templates: the pod template's metadata (a Pod's own `metadata`). */
  readonly podMetadata: string;
  /** For rules on pod templates: the init containers, then the containers, of `pod`. */
  readonly containers: string;
  /**
   * CEL that is true when a reviewed exception of this object to this rule accepts the finding
   * value computed by `value` (CEL of type string): the exceptions of the app's review,
   * written into the policy, never read from the object.
   */
  accepts(value: string): string;
  /** CEL that is true when a reviewed exception of this object to this rule accepts findings without a value. */
  readonly acceptsValueless: string;
  /**
   * The app's registry allowlist (`ReviewOptions.allowedRegistries`), for the rule that judges it.
   *
   * @default - any registry
   */
  readonly allowedRegistries?: readonly string[];
}

/** One CEL validation: true when the object complies. */
export interface AdmissionValidation {
  /** CEL of type bool. */
  readonly expression: string;
  /** What is wrong when it is false, as a short sentence without the rule id (the policy adds it and the remediation). */
  readonly message: string;
}

/** Which object a finding is about. */
export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

/**
 * Where a trusted exception comes from: an annotation on the object (trusted only in output
 * the app's own constructs wrote, or with `trustAnnotations`), or an entry of an exceptions
 * file given to the review (`--exceptions`), which the platform team owns.
 */
export type ExceptionSourceKind = 'annotation' | 'exceptions-file';

/** A reviewed and accepted departure from a rule, from a trusted annotation or an exceptions file. */
export interface AppliedException {
  readonly reason: string;
  /** Last valid day, `YYYY-MM-DD`. */
  readonly expires?: string;
  /**
   * The finding values it accepts (`['*']`: every value).
   *
   * @default - only findings without a value
   */
  readonly accepts?: readonly string[];
  readonly source: ExceptionSourceKind;
  /** For an exceptions file entry: where it is written, `file:line`. */
  readonly entry?: string;
}

/** One result of a review. Suppressed findings stay in the result with their exception. */
export interface Finding {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly title: string;
  readonly object: ObjectRef;
  /** Where the object was defined: a construct path or `file:line`, as given by the caller; `''` if unknown. */
  readonly origin: string;
  readonly path: string;
  readonly message: string;
  /** The rule's machine-readable value for this finding (see `RuleFinding.value`), if it has one. */
  readonly value?: string;
  readonly remediation: string;
  /** Present when an exception on the object accepts this finding. */
  readonly exception?: AppliedException;
}

/**
 * What became of an exception: `applied` (it accepted findings), `unused` (it covered none:
 * a warning), `expired`, `without-reason` or `malformed` (refused: an error), `untrusted`
 * (an annotation in input the review does not trust: a claim, not a permission),
 * `not-evaluated` (its rule was not run in this review, or failed on the object), or
 * `unmatched` (an exceptions file entry that names no reviewed object).
 */
export type ExceptionStatus =
  'applied' | 'unused' | 'expired' | 'without-reason' | 'malformed' | 'untrusted' | 'not-evaluated' | 'unmatched';

/** One exception (annotation or exceptions file entry) for a reviewed object, and what the review made of it. */
export interface ExceptionRecord {
  readonly ruleId: string;
  /** The object; for an `unmatched` file entry, the kind, namespace and name (pattern) it names. */
  readonly object: ObjectRef;
  readonly origin: string;
  readonly reason: string;
  readonly expires?: string;
  /** The values it accepts, as in `AppliedException.accepts`. */
  readonly accepts?: readonly string[];
  readonly source: ExceptionSourceKind;
  /** For an exceptions file entry: where it is written, `file:line`. */
  readonly entry?: string;
  readonly status: ExceptionStatus;
  /** How many findings it accepted. */
  readonly findings: number;
}

/** Number of findings of each severity. */
export type SeverityCounts = Record<Severity, number>;

/** Totals of a review. Suppressed findings are counted apart, never by severity. */
export interface ReviewCounts {
  readonly objects: number;
  /** Unsuppressed findings by severity, the engine's own findings included. */
  readonly bySeverity: Readonly<SeverityCounts>;
  /** Unsuppressed findings of the rules each selected pack runs, by severity: what that pack alone would report. */
  readonly byPack: Readonly<Record<string, Readonly<SeverityCounts>>>;
  /** Findings accepted by an exception. */
  readonly suppressed: number;
}

/** Everything a review found, in a stable order. */
export interface ReviewResult {
  /** Sorted by kind, namespace, name, rule id, then path. */
  readonly findings: readonly Finding[];
  readonly counts: ReviewCounts;
  /** True when no unsuppressed finding has severity `error`. */
  readonly passed: boolean;
  /** The packs applied. */
  readonly packs: readonly string[];
  /** Every exception of the reviewed objects (annotations, trusted or not, and exceptions file entries), sorted like findings. */
  readonly exceptions: readonly ExceptionRecord[];
  /** Every rule the findings may refer to (the rules run, then the engine's own), for reports. */
  readonly rules: readonly RuleInfo[];
  /** The date exceptions were checked against. */
  readonly today: string;
  /**
   * The platform contract the review used (`ReviewOptions.platform`): its file and SHA-256.
   *
   * @default - none was used
   */
  readonly platform?: { readonly file: string; readonly sha256: string; readonly namespaces: readonly string[] };
}
