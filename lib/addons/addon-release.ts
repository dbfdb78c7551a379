import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { HardeningException } from '../core/exceptions';
import { clusterScoped } from '../core/namespace-scope';
import { cell as markdownCell } from '../core/markdown';
import { addReviewSection } from '../core/review-sections';
import { HardenedNamespace, HardenedNamespaceProps } from '../namespace/hardened-namespace';
import { ExceptionPolicy } from '../policy/exception-policy';
import { recordExceptions, writeScannerSkips } from '../policy/exception-routing';
import { ObjectSkip, SCANNER_ANNOTATIONS, SCANNER_CHECKS, SINGLE_INSTANCE_SKIPS } from '../policy/scanner-map';
import { EXCEPTION_ANNOTATION_PREFIX } from '../core/exceptions';
import { AddOnComponent } from './addon-component';
import { Change, hardenPodSpec, PodHardening, spreadPodSpec } from './pod-hardening';
import { VendoredRelease } from './vendored-release';
import { KubeObject } from '../review/model';
import { customResourceScopes, isClusterScoped } from '../review/rules/network/no-default-namespace';

type Json = Record<string, unknown>;

/** An upstream object, by kind and name. */
export interface ObjectRef {
  readonly kind: string;
  readonly name: string;
}

/** How one upstream workload is hardened, and the departures it keeps. */
export interface AddOnWorkload extends ObjectRef {
  readonly hardening: PodHardening;
  /** @default - upstream's */
  readonly replicas?: number;
  /** Departures from our rules this workload keeps, each with the component-specific reason. */
  readonly exceptions?: readonly HardeningException[];
  /**
   * Why the component runs exactly one instance, if it does: `replicas: 1`, and the scanners'
   * two-replica checks skipped (`SINGLE_INSTANCE_SKIPS`); the reason goes to REVIEW.md.
   *
   * @default - it may be replicated
   */
  readonly singleInstance?: string;
  /** Scanner checks that do not apply to this workload (lib/policy/scanner-map.ts says why). @default - none */
  readonly scannerSkips?: readonly ObjectSkip[];
}

/** An edit of one upstream object (RBAC narrowed, a Service changed), logged like the pod changes. */
export interface ObjectEdit extends ObjectRef {
  /** Changes `object` in place and says what it changed. */
  readonly edit: (object: Json) => Change[];
}

/** Everything an add-on construct decides about its upstream release. */
export interface AddOnDefinition {
  /** Heading of its REVIEW.md section, for example `ingress-nginx`. */
  readonly title: string;
  readonly release: VendoredRelease;
  /** Its HardenedNamespace (upstream's namespace name: it is written into arguments and certificates). */
  readonly namespace: HardenedNamespaceProps & { readonly name: string };
  readonly workloads: readonly AddOnWorkload[];
  /** Upstream objects left out, each with why (the upstream Namespace is always replaced by the HardenedNamespace). */
  readonly leftOut?: ReadonlyArray<ObjectRef & { readonly why: string }>;
  readonly edits?: readonly ObjectEdit[];
  /** Departures kept on other objects than workloads (a Service, a ClusterRole). */
  readonly objectExceptions?: ReadonlyArray<ObjectRef & { readonly exceptions: readonly HardeningException[] }>;
  /**
   * People (`Group:<name>`, `User:<name>`) the add-on's own edits bind roles to. Any other
   * subject of a binding must be a ServiceAccount of the add-on's namespace that the release
   * declares: an exception on a binding covers every subject in it.
   *
   * @default - none
   */
  readonly boundPeople?: readonly string[];
  /** Exceptions to network rules, per workload, for the traffic the add-on declares (ingress from the internet). */
  readonly networkExceptions?: { readonly [workload: string]: readonly HardeningException[] };
}

/** What was built: the namespace, each upstream object as emitted, and each workload as a traffic endpoint. */
export interface BuiltAddOn {
  readonly namespace: HardenedNamespace;
  /** `Kind/name` → the object. */
  readonly objects: ReadonlyMap<string, ApiObject>;
  /** Workload name → its traffic endpoint. */
  readonly components: ReadonlyMap<string, AddOnComponent>;
}

const key = (ref: ObjectRef) => `${ref.kind}/${ref.name}`;
const WORKLOAD_POD_SPEC: Readonly<Record<string, readonly string[]>> = {
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

function at(object: Json, path: readonly string[]): Json {
  return path.reduce<Json>((o, p) => o[p] as Json, object);
}

/**
 * Builds an add-on from its vendored release: every upstream object, in upstream's order,
 * moved into a HardenedNamespace, its pods hardened, its edits applied; every object the
 * definition does not account for (a workload without hardening, an unknown kind of pod
 * template) is an error, so an upstream upgrade cannot slip an unreviewed object through.
 * Adds the add-on's section to REVIEW.md.
 */
export function buildAddOn(scope: Construct, definition: AddOnDefinition): BuiltAddOn {
  const { release } = definition;
  const namespaceName = definition.namespace.name;
  const namespace = new HardenedNamespace(scope, 'Namespace', definition.namespace);
  const workloads = new Map(definition.workloads.map((w) => [key(w), w]));
  const edits = new Map((definition.edits ?? []).map((e) => [key(e), e]));
  const leftOut = new Map((definition.leftOut ?? []).map((l) => [key(l), l]));
  const exceptionsOf = new Map((definition.objectExceptions ?? []).map((o) => [key(o), o.exceptions]));
  const used = new Set<string>();
  const changes: Array<{ object: string; change: Change }> = [];
  const objects = new Map<string, ApiObject>();
  const components = new Map<string, AddOnComponent>();
  const upstreamNamespaces = new Set<string>();
  const scopes = customResourceScopes(release.objects as KubeObject[]);
  const seen = new Set<string>();
  const boundRoles = new Map<string, string>();
  const accounts = new Set(
    release.objects.filter((o) => o.kind === 'ServiceAccount').map((o) => String((o.metadata as Json | undefined)?.name)),
  );

  for (const original of release.objects) {
    const object = structuredClone(original) as Json;
    const metadata = (object.metadata ?? {}) as Json;
    const ref = { kind: String(object.kind), name: String(metadata.name) };
    const label = key(ref);
    const identity = `${String(object.apiVersion).split('/').slice(0, -1).join('/')}/${label}/${String(metadata.namespace ?? '')}`;
    if (seen.has(identity)) {
      throw new Error(
        `${release.manifestPath}: ${label} is defined twice. Vendor the release unchanged, and leave one of the two out with its reason.`,
      );
    }
    seen.add(identity);
    refuseTrustAnnotations(object, release.manifestPath, label);
    if (ref.kind === 'Namespace') {
      upstreamNamespaces.add(ref.name);
      used.add(label);
      continue;
    }
    if (leftOut.has(label)) {
      used.add(label);
      continue;
    }
    // By kind, as the API server decides (upstream's static manifests often leave namespaced objects without one: kubectl -n puts them).
    const namespaced = !isClusterScoped(object as KubeObject, scopes);
    if (namespaced && metadata.namespace === undefined) metadata.namespace = namespaceName;
    const podPath = WORKLOAD_POD_SPEC[ref.kind];
    const workload = workloads.get(label);
    if (podPath && !workload) {
      throw new Error(
        `${release.manifestPath}: ${label} runs pods, but the add-on says nothing of how to harden them. Review it and add it to the add-on's workloads.`,
      );
    }
    if (workload) {
      used.add(label);
      const pod = at(object, podPath!);
      for (const change of hardenPodSpec(pod, workload.hardening, podPath!.join('.'))) changes.push({ object: label, change });
      const replicas = workload.singleInstance !== undefined ? 1 : workload.replicas;
      if (replicas !== undefined && (object.spec as Json).replicas !== replicas) {
        changes.push({
          object: label,
          change: { field: 'spec.replicas', from: String((object.spec as Json).replicas ?? '(unset)'), to: String(replicas) },
        });
        (object.spec as Json).replicas = replicas;
      }
      const template = at(object, podPath!.slice(0, -1));
      const podLabels = ((template.metadata as Json | undefined)?.labels ?? {}) as Record<string, string>;
      const selector = ((object.spec as Json).selector as Json | undefined)?.matchLabels as Record<string, string> | undefined;
      const containers = (pod.containers as Json[]) ?? [];
      if (Number((object.spec as Json).replicas ?? 1) > 1 && selector) {
        for (const change of spreadPodSpec(pod, selector, podPath!.join('.'))) changes.push({ object: label, change });
        disruptionBudget(scope, ref.name, namespaceName, selector);
      }
      components.set(
        ref.name,
        new AddOnComponent(
          scope,
          `${ref.kind}-${ref.name}-endpoint`,
          {
            name: ref.name,
            namespace: namespaceName,
            selectorLabels: selector ?? podLabels,
            podLabels,
            exposedPorts: containers.flatMap((c) =>
              ((c.ports as Json[] | undefined) ?? []).map((p) => ({
                port: Number(p.containerPort),
                protocol: String(p.protocol ?? 'TCP'),
                ...(p.name ? { name: String(p.name) } : {}),
              })),
            ),
          },
          new ExceptionPolicy(scope, definition.networkExceptions?.[ref.name]),
        ),
      );
    }
    const edit = edits.get(label);
    if (edit) {
      used.add(label);
      for (const change of edit.edit(object)) changes.push({ object: label, change });
    }
    // Checked after the edit: an edit may move an object into the add-on's namespace (a leader-election Role upstream puts in kube-system).
    const placedIn = (object.metadata as Json).namespace;
    if (namespaced && placedIn !== namespaceName) {
      throw new Error(`${release.manifestPath}: ${label} is in namespace '${String(placedIn)}', not the add-on's '${namespaceName}'.`);
    }
    if (ref.kind === 'RoleBinding' || ref.kind === 'ClusterRoleBinding') {
      const roleRef = object.roleRef as Json | undefined;
      boundRoles.set(label, `${String(roleRef?.kind)}/${String(roleRef?.name)}`);
      requireOwnSubjects(object, label, release.manifestPath, namespaceName, accounts, definition.boundPeople ?? []);
    }
    const api = new ApiObject(scope, `${ref.kind}-${ref.name}`, object as unknown as { apiVersion: string; kind: string });
    if (!namespaced) clusterScoped(api);
    const skips = [...(workload?.singleInstance !== undefined ? SINGLE_INSTANCE_SKIPS : []), ...(workload?.scannerSkips ?? [])];
    if (skips.length) writeScannerSkips(api, skips);
    const callsApi = workload?.hardening.callsApi;
    const exceptions = [
      ...(callsApi ? [{ rule: 'no-service-account-token', reason: callsApi }] : []),
      ...(workload?.exceptions ?? []),
      ...(exceptionsOf.get(label) ?? []),
    ];
    if (exceptionsOf.has(label)) used.add(label);
    if (exceptions.length) recordExceptions(api, new ExceptionPolicy(api, exceptions));
    objects.set(label, api);
  }
  skipWhatTheRoleExcepts(objects, boundRoles, exceptionsOf);
  for (const named of [...workloads.keys(), ...edits.keys(), ...leftOut.keys(), ...exceptionsOf.keys()]) {
    if (!used.has(named))
      throw new Error(`${release.manifestPath} has no ${named}, which the add-on hardens: the add-on does not match its release.`);
  }
  addReviewSection(scope, reviewSection(definition, changes, upstreamNamespaces));
  return { namespace, objects, components };
}

/**
 * kube-linter and Polaris report on a binding what its role may do (access-to-secrets, exec
 * through a ClusterRoleBinding), while our exception is on the role: the binding gets their skip
 * annotations too, with the role's reason, so each tool passes when run alone.
 */
function skipWhatTheRoleExcepts(
  objects: ReadonlyMap<string, ApiObject>,
  boundRoles: ReadonlyMap<string, string>,
  exceptionsOf: ReadonlyMap<string, readonly HardeningException[]>,
): void {
  for (const [label, role] of boundRoles) {
    const api = objects.get(label)!;
    const excepted = exceptionsOf.get(role) ?? [];
    const skips = SCANNER_CHECKS.filter((c) => c.boundRole).flatMap((c): ObjectSkip[] => {
      const exception = excepted.find((e) => e.rule === c.rule);
      return exception
        ? [{ scanner: c.scanner, check: c.check, objects: label, reason: `our exception to ${c.rule} on ${role}: ${exception.reason}` }]
        : [];
    });
    if (skips.length) writeScannerSkips(api, skips);
  }
}

/** The annotation keys that accept a departure (ours) or skip a scanner's check: only the add-on's code may write them. */
const TRUST_ANNOTATION_PREFIXES = [
  `${EXCEPTION_ANNOTATION_PREFIX}/`,
  SCANNER_ANNOTATIONS.checkov,
  SCANNER_ANNOTATIONS.kubeScore,
  SCANNER_ANNOTATIONS.kubeLinter,
  SCANNER_ANNOTATIONS.polaris,
  SCANNER_ANNOTATIONS.trivy,
];

/**
 * Refuses an upstream object (or pod template) that carries an exception or a scanner's skip
 * annotation: the review trusts the annotations of the app's own objects, so one line in a
 * vendored release would otherwise switch a rule off in the review and in the cluster.
 */
function refuseTrustAnnotations(value: unknown, file: string, label: string): void {
  if (!value || typeof value !== 'object') return;
  if (Array.isArray(value)) return value.forEach((v) => refuseTrustAnnotations(v, file, label));
  const annotations = ((value as Json).metadata as Json | undefined)?.annotations;
  for (const annotation of Object.keys((annotations as Json | undefined) ?? {})) {
    if (TRUST_ANNOTATION_PREFIXES.some((prefix) => annotation.startsWith(prefix))) {
      throw new Error(
        `${file}: ${label} carries the annotation '${annotation}', which would accept a departure or skip a scanner's check unreviewed. ` +
          "Remove it from the vendored release's review: departures are the add-on's exceptions, with their reasons, in its code.",
      );
    }
  }
  for (const child of Object.values(value as Json)) refuseTrustAnnotations(child, file, label);
}

/** Every subject of an add-on's binding is one of its own ServiceAccounts, or people its own edits bound. */
function requireOwnSubjects(
  binding: Json,
  label: string,
  file: string,
  namespace: string,
  accounts: Set<string>,
  people: readonly string[],
): void {
  for (const subject of (binding.subjects as Json[] | undefined) ?? []) {
    // In a RoleBinding, a ServiceAccount without a namespace is the binding's own namespace's (as the authorizer reads it).
    const accountNamespace = subject.namespace ?? (binding.kind === 'RoleBinding' ? (binding.metadata as Json).namespace : undefined);
    const own = subject.kind === 'ServiceAccount' && accountNamespace === namespace && accounts.has(String(subject.name));
    if (own || people.includes(`${String(subject.kind)}:${String(subject.name)}`)) continue;
    throw new Error(
      `${file}: ${label} binds ${String(subject.kind)} ${subject.namespace ? `${String(subject.namespace)}/` : ''}${String(subject.name)}, ` +
        `which is not a ServiceAccount of the add-on's namespace '${namespace}': the binding's exceptions would cover it too. Leave the subject out, or bind it in your own construct.`,
    );
  }
}

/** Keeps all but one replica running through drains; pods not ready may always be evicted (as HardenedWorkload's). */
function disruptionBudget(scope: Construct, name: string, namespace: string, selector: Record<string, string>): void {
  new ApiObject(scope, `PodDisruptionBudget-${name}`, {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name, namespace },
    spec: { maxUnavailable: 1, selector: { matchLabels: { ...selector } }, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
  });
}

/** REVIEW.md's section of the add-on: provenance, what was left out, every change, every departure kept. */
function reviewSection(definition: AddOnDefinition, changes: Array<{ object: string; change: Change }>, namespaces: Set<string>): string {
  const { release, title } = definition;
  const { source } = release;
  const lines = [
    `## Add-on: ${title}`,
    '',
    `${source.repository} at ${source.tag} (commit ${source.commit}, ${source.licence.spdx}), ` +
      `\`${release.manifestPath}\` sha256 \`${release.manifestSha256}\`, reviewed for that hash.`,
    '',
    `Placed in the HardenedNamespace \`${definition.namespace.name}\`` +
      (namespaces.size ? ` (upstream's Namespace ${[...namespaces].map((n) => `\`${n}\``).join(', ')} replaced).` : '.'),
    '',
  ];
  if (definition.leftOut?.length) {
    lines.push('Left out:', '', '| Object | Why |', '|---|---|');
    for (const l of definition.leftOut) lines.push(`| ${l.kind} ${l.name} | ${markdownCell(l.why)} |`);
    lines.push('');
  }
  lines.push('Changed from upstream:', '', '| Object | Field | Upstream | Now |', '|---|---|---|---|');
  for (const { object, change } of changes) {
    lines.push(`| ${object} | \`${markdownCell(change.field)}\` | ${markdownCell(change.from)} | ${markdownCell(change.to)} |`);
  }
  const single = definition.workloads.filter((w) => w.singleInstance !== undefined);
  if (single.length) {
    lines.push(
      '',
      "One instance by design (replicas: 1; the scanners' two-replica checks skipped on it):",
      '',
      '| Object | Why |',
      '|---|---|',
    );
    for (const w of single) lines.push(`| ${key(w)} | ${markdownCell(w.singleInstance!)} |`);
  }
  const kept = [
    ...definition.workloads.flatMap((w) => (w.exceptions ?? []).map((e) => ({ object: key(w), e }))),
    ...(definition.objectExceptions ?? []).flatMap((o) => o.exceptions.map((e) => ({ object: key(o), e }))),
    ...definition.workloads.flatMap((w) =>
      w.hardening.callsApi ? [{ object: key(w), e: { rule: 'no-service-account-token', reason: w.hardening.callsApi } }] : [],
    ),
    ...Object.entries(definition.networkExceptions ?? {}).flatMap(([name, list]) =>
      list.map((e) => ({ object: `NetworkPolicy/${name}-traffic`, e })),
    ),
  ];
  lines.push('', 'Accepted (departures kept, each an exception on the object):', '');
  if (kept.length) {
    lines.push('| Object | Rule | Reason |', '|---|---|---|');
    for (const { object, e } of kept) lines.push(`| ${object} | \`${e.rule}\` | ${markdownCell(e.reason)} |`);
  } else {
    lines.push('None.');
  }
  return lines.join('\n') + '\n';
}
