/**
 * Plain-object builders for the analysis tests: Namespaces, workloads and NetworkPolicies
 * written by hand, as they would be parsed from YAML (no constructs).
 */
import { KubeObject } from '../../../lib/review/model';
import { Protocol } from '../../../lib/review/analyses/port-set';
import { portsBetween, ReachabilityReport } from '../../../lib/review/analyses/reachability';
import { Labels } from '../../../lib/review/analyses/selectors';

/** A container port as a pod spec lists it. */
export interface PortSpec {
  readonly containerPort: number;
  readonly name?: string;
  readonly protocol?: string;
}

/** How `workload` builds its object. */
export interface WorkloadOptions {
  /** @default 'Deployment' */
  readonly kind?: 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'ReplicaSet' | 'Job' | 'CronJob' | 'Pod';
  /** Pod labels. @default { app: <name> } */
  readonly labels?: Record<string, string>;
  /** @default [{ containerPort: 8080, name: 'http' }] */
  readonly ports?: readonly PortSpec[];
  readonly hostNetwork?: boolean;
}

/** A Namespace object with labels. */
export function namespace(name: string, labels: Record<string, string> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

/** A workload of `kind` in namespace `ns`, its pod template labelled `app: <name>` unless told. */
export function workload(ns: string, name: string, options: WorkloadOptions = {}): KubeObject {
  const kind = options.kind ?? 'Deployment';
  const labels = options.labels ?? { app: name };
  const spec: Record<string, unknown> = {
    containers: [
      {
        name: 'main',
        image: 'registry.example.com/app@sha256:' + 'ab'.repeat(32),
        ports: options.ports ?? [{ containerPort: 8080, name: 'http' }],
      },
    ],
    ...(options.hostNetwork ? { hostNetwork: true } : {}),
  };
  const template = { metadata: { labels }, spec };
  const metadata = { name, namespace: ns };
  switch (kind) {
    case 'Pod':
      return { apiVersion: 'v1', kind, metadata: { ...metadata, labels }, spec };
    case 'Job':
      return { apiVersion: 'batch/v1', kind, metadata, spec: { template } };
    case 'CronJob':
      return { apiVersion: 'batch/v1', kind, metadata, spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template } } } };
    default:
      return { apiVersion: 'apps/v1', kind, metadata, spec: { selector: { matchLabels: labels }, template } };
  }
}

/** A networking.k8s.io/v1 NetworkPolicy. */
export function policy(ns: string, name: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec };
}

/** `{ matchLabels: labels }`. */
export function labels(matchLabels: Record<string, string>): Record<string, unknown> {
  return { matchLabels };
}

/** The policy every hardened namespace starts with: nothing in, nothing out. */
export function denyAll(ns: string): KubeObject {
  return policy(ns, 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
}

/** Allows every pod of `ns` to open any connection (lifts the egress side of `denyAll`). */
export function allowAllEgress(ns: string): KubeObject {
  return policy(ns, 'allow-all-egress', { podSelector: {}, policyTypes: ['Egress'], egress: [{}] });
}

/** A workload id as tests write it: Deployments as `ns/name`, other kinds as `ns/Kind/name`. */
export function short(id: string): string {
  const [ns, kind, name] = id.split('/');
  return kind === 'Deployment' ? `${ns}/${name}` : id;
}

/** The report's explicit flows as `source -> destination: ports` (short ids). */
export function flowLines(report: ReachabilityReport): string[] {
  return report.flows.map((f) => `${short(f.from)} -> ${short(f.to)}: ${f.ports.join(', ')}`);
}

/** Every pair with an allowed port, open pairs expanded: for small cases only. */
export function allPairs(report: ReachabilityReport): string[] {
  const ids = report.workloads.map((w) => w.id);
  return ids
    .flatMap((from) => ids.map((to) => [from, to, portsBetween(report, from, to)] as const))
    .filter(([, , ports]) => ports.length > 0)
    .map(([from, to, ports]) => `${short(from)} -> ${short(to)}: ${ports.join(', ')}`);
}

/** A workload of a random app, as the reference judges see it. */
export interface Pod {
  readonly id: string;
  readonly ns: string;
  readonly labels: Labels;
  readonly ports: readonly { readonly name: string; readonly containerPort: number; readonly protocol: Protocol }[];
}

/** A deterministic pseudo-random source (so a failure reproduces). */
function random(seed: number) {
  let state = seed;
  const next = (n: number) => (state = (state * 1103515245 + 12345) % 2147483648) % n;
  return { next, pick: <T>(items: readonly T[]) => items[next(items.length)], chance: (percent: number) => next(100) < percent };
}

const NAMESPACES = ['a', 'b', 'c'];
const APPS = ['web', 'api', 'db'];
const TIERS = ['front', 'back'];
const PORT_NAMES = ['http', 'metrics', 'dns'];
/** The address blocks policies of random apps name, with and without exceptions (none holds 192.168.0.0/16). */
export const IP_BLOCKS: readonly Record<string, unknown>[] = [
  { cidr: '10.0.0.0/8' },
  { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] },
  { cidr: '203.0.113.0/24' },
  { cidr: '198.51.100.0/25', except: ['198.51.100.64/26'] },
];

/**
 * A random small app (seeded, so a failure reproduces): up to three namespaces, declared or
 * not, 3 to 10 workloads with random labels and named ports, and up to 5 NetworkPolicies with
 * random selectors, peers (pods, namespaces by labels or expressions, both in one peer,
 * address blocks with and without exceptions), ports
 * (numeric, named, ranges, protocol only) and policy types.
 */
export function randomApp(seed: number): { objects: KubeObject[]; pods: Pod[] } {
  const r = random(seed);
  const objects: KubeObject[] = [];
  for (const ns of NAMESPACES) {
    // Some namespaces are not declared: they get only the automatic label.
    if (r.chance(80)) objects.push(namespace(ns, r.chance(60) ? { team: r.pick(['x', 'y']) } : {}));
  }
  const pods: Pod[] = [];
  for (let i = 0; i < 3 + r.next(8); i++) {
    const ns = r.pick(NAMESPACES);
    const labels: Record<string, string> = {};
    if (r.chance(85)) labels.app = r.pick(APPS);
    if (r.chance(50)) labels.tier = r.pick(TIERS);
    const ports = PORT_NAMES.filter(() => r.chance(50)).map((name) => ({
      name,
      containerPort: name === 'dns' ? 53 : 8000 + r.next(3) * 50,
      protocol: (name === 'dns' && r.chance(70) ? 'UDP' : 'TCP') as Protocol,
    }));
    const name = `w${i}`;
    objects.push(workload(ns, name, { labels, ports }));
    pods.push({ id: `${ns}/Deployment/${name}`, ns, labels: new Map(Object.entries(labels)), ports });
  }
  const selector = () => {
    const s: Record<string, unknown> = {};
    if (r.chance(50)) s.matchLabels = { app: r.pick(APPS) };
    if (r.chance(30)) {
      const operator = r.pick(['In', 'NotIn', 'Exists', 'DoesNotExist']);
      s.matchExpressions = [{ key: 'tier', operator, ...(operator === 'In' || operator === 'NotIn' ? { values: [r.pick(TIERS)] } : {}) }];
    }
    return s;
  };
  const namespaceSelector = (): Record<string, unknown> => {
    const kind = r.next(4);
    if (kind === 0) return {};
    if (kind === 1) return { matchLabels: { team: r.pick(['x', 'y']) } };
    if (kind === 2) return { matchExpressions: [{ key: 'team', operator: r.pick(['In', 'NotIn']), values: [r.pick(['x', 'y'])] }] };
    return { matchExpressions: [{ key: 'team', operator: r.pick(['Exists', 'DoesNotExist']) }] };
  };
  const peer = () => {
    const kind = r.next(5);
    if (kind === 0) return { ipBlock: r.pick(IP_BLOCKS) };
    if (kind === 1) return { podSelector: selector() };
    if (kind === 2) return { namespaceSelector: namespaceSelector() };
    return {
      podSelector: selector(),
      namespaceSelector: r.chance(50) ? namespaceSelector() : { matchLabels: { 'kubernetes.io/metadata.name': r.pick(NAMESPACES) } },
    };
  };
  const port = () => {
    const kind = r.next(5);
    if (kind === 0) return { port: r.pick(PORT_NAMES), ...(r.chance(30) ? { protocol: 'UDP' } : {}) };
    if (kind === 1) return { protocol: 'UDP', port: 53 };
    if (kind === 2) return { port: 8000, endPort: 8000 + r.next(3) * 50 };
    if (kind === 3) return { protocol: r.pick(['TCP', 'UDP']) };
    return { port: 8000 + r.next(3) * 50 };
  };
  const rules = (field: 'from' | 'to') =>
    Array.from({ length: r.next(3) }, () => ({
      ...(r.chance(75) ? { [field]: Array.from({ length: 1 + r.next(2) }, peer) } : {}),
      ...(r.chance(70) ? { ports: Array.from({ length: 1 + r.next(2) }, port) } : {}),
    }));
  for (let i = 0; i < r.next(6); i++) {
    const types = r.pick([undefined, ['Ingress'], ['Egress'], ['Ingress', 'Egress']]);
    objects.push(
      policy(r.pick(NAMESPACES), `p${i}`, {
        podSelector: selector(),
        ...(types ? { policyTypes: types } : {}),
        ...(r.chance(70) ? { ingress: rules('from') } : {}),
        ...(r.chance(60) ? { egress: rules('to') } : {}),
      }),
    );
  }
  return { objects, pods };
}
