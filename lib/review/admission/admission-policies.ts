/**
 * The review's rules as ValidatingAdmissionPolicies (admissionregistration.k8s.io/v1, CEL, no
 * webhook): the cluster refuses what the review refuses. Each rule supplies its CEL beside its
 * check (`Rule.admission`, from the same data); this module only assembles policies: one per
 * kind of object and severity, its validations the rules' own, their messages the rule id and
 * its remediation, the review's exceptions written in (never read from the object), and
 * bindings for the namespaces the output declares and for every other one.
 */
import { compareText } from '../../core/compare-text';
import { DEFAULT_EXEMPT_NAMESPACES } from '../../policy/control-plane';
import { POLICY_PREFIX } from '../../policy/admission-policy-names';
import { ExceptionRecord, KubeObject, Rule, Severity } from '../model';
import { apiGroupOf } from '../walkers';
import { ADMISSION_KINDS, AdmissionKind, admissionKindsOf, TEMPLATE_CONTROLLERS } from './admission-kinds';
import { celIdentifier, celList, celString } from './cel';

/** What the policies are generated from. */
export interface AdmissionPolicyOptions {
  /** The rules the review ran: those with `admission` become validations. */
  readonly rules: readonly Rule[];
  /**
   * The review's exceptions: those it applied are written into the policies for exactly their
   * object and values.
   *
   * @default - none
   */
  readonly exceptions?: readonly ExceptionRecord[];
  /**
   * The namespaces the output declares: bound by name (`<policy>.declared`); every other
   * namespace but the exempt ones by a cluster-wide binding (`<policy>.elsewhere`).
   *
   * @default - none: only the cluster-wide binding
   */
  readonly declaredNamespaces?: readonly string[];
  /**
   * Namespaces no policy judges: those the Pod Security admission configuration exempts.
   *
   * @default ['kube-system']
   */
  readonly exemptNamespaces?: readonly string[];
  /**
   * The registry allowlist the review judged images against (`ReviewOptions.allowedRegistries`).
   *
   * @default - any registry
   */
  readonly allowedRegistries?: readonly string[];
}

/** One generated policy with its bindings. */
export interface GeneratedPolicy {
  readonly name: string;
  /** The ids of the rules it enforces, in the review's rule order. */
  readonly ruleIds: readonly string[];
  readonly severity: Severity;
  /** The ValidatingAdmissionPolicy, then its bindings. */
  readonly objects: readonly KubeObject[];
}

export { POLICY_PREFIX };
/** Applied before the workloads by Argo CD (sync waves sort ascending; the default is 0). */
export const POLICY_SYNC_WAVE = '-10';
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** The shape of objects a policy judges: a pod template at one place, or the object itself. */
interface PolicyGroup {
  readonly slug: string;
  readonly kinds: readonly AdmissionKind[];
  readonly podTemplate?: string;
  readonly severity: Severity;
  readonly rules: Rule[];
}

const ACTIONS: Readonly<Record<Severity, readonly string[]>> = { error: ['Deny'], warning: ['Warn', 'Audit'], info: ['Audit'] };
const SEVERITY_SLUG: Readonly<Record<Severity, string>> = { error: 'deny', warning: 'warn', info: 'audit' };

/** A name for a set of kinds: the shape's name when it is every kind of it, else the resources. */
function slugOf(kinds: readonly AdmissionKind[], podTemplate: string | undefined): string {
  if (podTemplate !== undefined) {
    const ofShape = ADMISSION_KINDS.filter((k) => k.podTemplate === podTemplate);
    if (ofShape.length === kinds.length) {
      if (podTemplate === 'object') return 'pods';
      return ofShape.length === 1 ? ofShape[0].resource : 'workloads';
    }
    const longRunning = ofShape.filter((k) => k.longRunning);
    if (longRunning.length === kinds.length && kinds.every((k) => k.longRunning)) return 'long-running-workloads';
  }
  // A rule on (almost) every kind, such as no-default-namespace: one short name, its rules listed in the annotation.
  if (kinds.length > 4) return 'objects';
  return kinds.map((k) => k.resource).join('-');
}

/** Groups the rules with admission by the kinds they judge (split by pod template place) and severity. */
function groupRules(rules: readonly Rule[]): PolicyGroup[] {
  const groups = new Map<string, PolicyGroup>();
  for (const rule of rules) {
    if (!rule.admission) continue;
    const kinds = admissionKindsOf(rule.kinds);
    const byTemplate = new Map<string | undefined, AdmissionKind[]>();
    for (const kind of kinds) byTemplate.set(kind.podTemplate, [...(byTemplate.get(kind.podTemplate) ?? []), kind]);
    for (const [podTemplate, shapeKinds] of byTemplate) {
      const slug = slugOf(shapeKinds, podTemplate);
      const key = `${slug}/${rule.severity}`;
      const group = groups.get(key) ?? { slug, kinds: shapeKinds, podTemplate, severity: rule.severity, rules: [] };
      group.rules.push(rule);
      groups.set(key, group);
    }
  }
  return [...groups.values()];
}

/** The key an exception is written under: what `exceptionKey` computes from the request. */
function exceptionKeyOf(record: ExceptionRecord): string {
  return `${apiGroupOf(record.object.apiVersion)}/${record.object.kind}/${record.object.namespace ?? ''}/${record.object.name}`;
}

// A Namespace's own request carries its name as request.namespace; its exception is keyed without one, as the review writes it.
// A cluster-scoped object's request has no namespace at all (found by the add-ons' ClusterRoles on the server).
const EXCEPTION_KEY =
  'request.kind.group + "/" + request.kind.kind + "/" + (request.kind.group == "" && request.kind.kind == "Namespace" ? "" : request.?namespace.orValue("")) + "/" + request.name';

/** The values each object's applied exceptions accept for one rule, and the objects whose exceptions accept findings without a value. */
function exceptionsOf(ruleId: string, records: readonly ExceptionRecord[]) {
  const values = new Map<string, Set<string>>();
  const valueless = new Set<string>();
  for (const record of records) {
    if (record.ruleId !== ruleId || record.status !== 'applied') continue;
    const key = exceptionKeyOf(record);
    if (!record.accepts) valueless.add(key);
    else {
      const set = values.get(key) ?? new Set<string>();
      record.accepts.forEach((v) => set.add(v));
      values.set(key, set);
      if (record.accepts.includes('*')) valueless.add(key);
    }
  }
  return { values, valueless };
}

function variable(name: string, expression: string) {
  return { name, expression };
}

function policyOf(
  group: PolicyGroup,
  records: readonly ExceptionRecord[],
  allowedRegistries: readonly string[] | undefined,
): { policy: KubeObject; name: string; ruleIds: readonly string[] } | undefined {
  const name = `${POLICY_PREFIX}-${group.slug}-${SEVERITY_SLUG[group.severity]}`;
  const variables: { name: string; expression: string }[] = [];
  const template = group.podTemplate;
  if (template !== undefined) {
    variables.push(variable('pod', `${template}.spec`));
    variables.push(variable('podMetadata', template === 'object' ? 'object.metadata' : `${template}.?metadata.orValue({})`));
    variables.push(variable('containers', 'variables.pod.?initContainers.orValue([]) + variables.pod.containers'));
  }
  const ruleExceptions = group.rules.map((rule) => ({ rule, ...exceptionsOf(rule.id, records) }));
  const enforced: string[] = [];
  if (ruleExceptions.some((e) => e.values.size || e.valueless.size)) variables.push(variable('exceptionKey', EXCEPTION_KEY));
  const validations = ruleExceptions.flatMap(({ rule, values, valueless }) => {
    const accepted = `accepted_${celIdentifier(rule.id)}`;
    if (values.size) {
      const entries = [...values.keys()]
        .sort(compareText)
        .map((key) => `${celString(key)}: ${celList([...values.get(key)!].sort(compareText))}`);
      variables.push(variable(accepted, `{${entries.join(', ')}}[?variables.exceptionKey].orValue([])`));
    }
    const scope = {
      kinds: group.kinds.map((k) => k.kind),
      object: 'object',
      pod: 'variables.pod',
      podMetadata: 'variables.podMetadata',
      containers: 'variables.containers',
      accepts: (value: string) => (values.size ? `(${value} in variables.${accepted} || "*" in variables.${accepted})` : 'false'),
      acceptsValueless: valueless.size ? `(variables.exceptionKey in ${celList([...valueless].sort(compareText))})` : 'false',
      ...(allowedRegistries ? { allowedRegistries } : {}),
    };
    const written = rule.admission!(scope);
    if (written.length) enforced.push(rule.id);
    return written.map((v) => ({
      expression: v.expression,
      message: `${rule.id}: ${v.message} Fix: ${rule.remediation}`.replace(/\s*\n\s*/g, ' '),
      reason: 'Forbidden',
    }));
  });
  if (!validations.length) return undefined;
  const apiGroups = [...new Set(group.kinds.map((k) => k.group))];
  return {
    name,
    ruleIds: enforced,
    policy: {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name, ...policyMetadata(enforced) },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: {
          resourceRules: apiGroups.map((apiGroup) => {
            const kinds = group.kinds.filter((k) => k.group === apiGroup);
            return {
              apiGroups: [apiGroup],
              apiVersions: [...new Set(kinds.map((k) => k.version))],
              resources: kinds.map((k) => k.resource),
              operations: ['CREATE', 'UPDATE'],
            };
          }),
        },
        matchConditions: [
          {
            name: 'not-a-template-controller',
            expression: `!(request.userInfo.username in ${celList(TEMPLATE_CONTROLLERS)})`,
          },
        ],
        variables,
        validations,
      },
    },
  };
}

function policyMetadata(ruleIds: readonly string[]) {
  return {
    labels: { 'app.kubernetes.io/managed-by': POLICY_PREFIX },
    annotations: { 'argocd.argoproj.io/sync-wave': POLICY_SYNC_WAVE, [`${POLICY_PREFIX}.io/rules`]: ruleIds.join(',') },
  };
}

function bindingsOf(policyName: string, ruleIds: readonly string[], group: PolicyGroup, options: AdmissionPolicyOptions): KubeObject[] {
  const declared = [...new Set(options.declaredNamespaces ?? [])].sort(compareText);
  const exempt = [...new Set(options.exemptNamespaces ?? DEFAULT_EXEMPT_NAMESPACES)].sort(compareText);
  const binding = (suffix: string, matchResources: object): KubeObject => ({
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name: `${policyName}.${suffix}`, ...policyMetadata(ruleIds) },
    spec: { policyName, validationActions: ACTIONS[group.severity], matchResources },
  });
  const notIn = [...new Set([...declared, ...exempt])].sort(compareText);
  // A cluster-scoped object other than a Namespace has no namespace: the declared binding
  // (whose selector is then not consulted) judges it, so the other does not judge it twice.
  const clusterScoped = group.kinds.filter((k) => !k.namespaced && k.kind !== 'Namespace');
  const elsewhere = {
    namespaceSelector: { matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'NotIn', values: notIn }] },
    ...(declared.length && clusterScoped.length
      ? {
          excludeResourceRules: [...new Set(clusterScoped.map((k) => k.group))].map((apiGroup) => ({
            apiGroups: [apiGroup],
            apiVersions: ['*'],
            resources: clusterScoped.filter((k) => k.group === apiGroup).map((k) => k.resource),
            operations: ['*'],
          })),
        }
      : {}),
  };
  return [
    ...(declared.length
      ? [
          binding('declared', {
            namespaceSelector: { matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'In', values: declared }] },
          }),
        ]
      : []),
    binding('elsewhere', elsewhere),
  ];
}

/**
 * The admission policies that enforce `options.rules` in the cluster, with their bindings,
 * sorted by name: the same input gives the same objects.
 */
export function admissionPolicies(options: AdmissionPolicyOptions): readonly GeneratedPolicy[] {
  const records = options.exceptions ?? [];
  return groupRules(options.rules)
    .flatMap((group) => {
      const generated = policyOf(group, records, options.allowedRegistries);
      if (!generated) return [];
      const { policy, name, ruleIds } = generated;
      return [{ name, ruleIds, severity: group.severity, objects: [policy, ...bindingsOf(name, ruleIds, group, options)] }];
    })
    .sort((a, b) => compareText(a.name, b.name));
}
