/**
 * Plain-object builders for review tests. They build manifests by hand (no constructs), so
 * the review tests stay independent of the construct layer.
 */
import { KubeObject, ReviewContext, Rule, RuleFinding } from '../../lib/review/model';

/** A sha256-pinned image reference. */
export const PINNED_IMAGE = `registry.example.com/shop/web@sha256:${'a1'.repeat(32)}`;

/** A container that complies with every rule of every pack. */
export function hardenedContainer(name = 'web'): Record<string, any> {
  return {
    name,
    image: PINNED_IMAGE,
    imagePullPolicy: 'Always',
    ports: [{ containerPort: 8080 }],
    securityContext: {
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    },
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '128Mi' } },
    readinessProbe: { httpGet: { path: '/ready', port: 8080 } },
    livenessProbe: { httpGet: { path: '/healthz', port: 8080 } },
  };
}

/** A pod spec that complies with every rule of every pack: one container `web`, one init container `setup`. */
export function hardenedPodSpec(): Record<string, any> {
  const setup = hardenedContainer('setup');
  delete setup.readinessProbe;
  delete setup.livenessProbe;
  delete setup.ports;
  return {
    serviceAccountName: 'web',
    automountServiceAccountToken: false,
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      fsGroup: 65532,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    affinity: {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' } },
        ],
      },
    },
    initContainers: [setup],
    containers: [hardenedContainer('web')],
    volumes: [{ name: 'tmp', emptyDir: {} }],
  };
}

/** Changes made to a pod spec before wrapping it. */
export type PodMutation = (spec: Record<string, any>) => void;

interface Meta {
  readonly name?: string;
  readonly namespace?: string;
  readonly annotations?: Record<string, string>;
}

function metadata(meta: Meta): Record<string, any> {
  return {
    name: meta.name ?? 'web',
    namespace: meta.namespace ?? 'shop',
    ...(meta.annotations ? { annotations: meta.annotations } : {}),
  };
}

/** A hardened Deployment, optionally changed. */
export function deployment(mutate: PodMutation = () => undefined, meta: Meta = {}): KubeObject {
  const spec = hardenedPodSpec();
  mutate(spec);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: metadata(meta),
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec },
    },
  };
}

/** A hardened bare Pod, optionally changed. */
export function pod(mutate: PodMutation = () => undefined, meta: Meta = {}): KubeObject {
  const spec = hardenedPodSpec();
  mutate(spec);
  return { apiVersion: 'v1', kind: 'Pod', metadata: metadata(meta), spec };
}

/** The hardened pod spec wrapped as `kind`, with the template where that kind keeps it. */
export function workloadOfKind(kind: string, mutate: PodMutation = () => undefined): KubeObject {
  const spec = hardenedPodSpec();
  mutate(spec);
  const template = { metadata: { labels: { app: 'web' } }, spec };
  const meta = metadata({});
  switch (kind) {
    case 'Pod': return { apiVersion: 'v1', kind, metadata: meta, spec };
    case 'PodTemplate': return { apiVersion: 'v1', kind, metadata: meta, template };
    case 'CronJob': return { apiVersion: 'batch/v1', kind, metadata: meta, spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template } } } };
    case 'Job': return { apiVersion: 'batch/v1', kind, metadata: meta, spec: { template } };
    case 'ReplicationController': return { apiVersion: 'v1', kind, metadata: meta, spec: { replicas: 1, template } };
    default: return { apiVersion: 'apps/v1', kind, metadata: meta, spec: { selector: { matchLabels: { app: 'web' } }, template } };
  }
}

/** The container named `name` in a draft pod spec. */
export function container(spec: Record<string, any>, name = 'web'): Record<string, any> {
  const found = [...(spec.initContainers ?? []), ...(spec.containers ?? [])].find((c: any) => c.name === name);
  if (!found) throw new Error(`no container ${name}`);
  return found;
}

/** Freezes an object and everything in it, so a rule that modifies its input throws. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Runs one rule on one (frozen) object, with only that object in the review context. */
export function check(rule: Rule, obj: KubeObject, others: readonly KubeObject[] = []): readonly RuleFinding[] {
  return rule.check(deepFreeze(obj), createContextFor([obj, ...others]));
}

/** A Namespace enforcing Pod Security restricted, as HardenedNamespace writes it. */
export function namespace(name = 'shop', labels: Record<string, string> = { 'pod-security.kubernetes.io/enforce': 'restricted' }): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

/** A NetworkPolicy in `namespace` with the given spec. */
export function networkPolicy(spec: Record<string, any>, name = 'policy', namespaceName = 'shop'): KubeObject {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: namespaceName }, spec };
}

/** The namespace `shop` declared and closed (Pod Security restricted, default deny both ways). */
export function hardenedNamespace(name = 'shop'): KubeObject[] {
  return [namespace(name), networkPolicy({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] }, 'default-deny', name)];
}

/** Review targets for `objects` in the hardened namespace `shop`, which is reviewed with them. */
export function inHardenedNamespace(...objects: KubeObject[]): Array<{ object: KubeObject }> {
  return [...hardenedNamespace(), ...objects].map((object) => ({ object }));
}

/** A minimal review context over `objects`, for calling a rule's check directly. */
export function createContextFor(objects: readonly KubeObject[]): ReviewContext {
  return {
    objects,
    byKind: (kind) => objects.filter((o) => o.kind === kind),
    find: (kind, namespace, name) => objects.find((o) => o.kind === kind
      && o.metadata?.namespace === namespace && o.metadata?.name === name),
  };
}
