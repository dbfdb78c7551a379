/**
 * Plain-object builders for the analysis tests: Namespaces, workloads and NetworkPolicies
 * written by hand, as they would be parsed from YAML (no constructs).
 */
import { KubeObject } from '../../../lib/review/model';
import { portsBetween, ReachabilityReport } from '../../../lib/review/analyses/reachability';

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
    containers: [{ name: 'main', image: 'registry.example.com/app@sha256:' + 'ab'.repeat(32), ports: options.ports ?? [{ containerPort: 8080, name: 'http' }] }],
    ...(options.hostNetwork ? { hostNetwork: true } : {}),
  };
  const template = { metadata: { labels }, spec };
  const metadata = { name, namespace: ns };
  switch (kind) {
    case 'Pod': return { apiVersion: 'v1', kind, metadata: { ...metadata, labels }, spec };
    case 'Job': return { apiVersion: 'batch/v1', kind, metadata, spec: { template } };
    case 'CronJob': return { apiVersion: 'batch/v1', kind, metadata, spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template } } } };
    default: return { apiVersion: 'apps/v1', kind, metadata, spec: { selector: { matchLabels: labels }, template } };
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
  return ids.flatMap((from) => ids.map((to) => [from, to, portsBetween(report, from, to)] as const))
    .filter(([, , ports]) => ports.length > 0)
    .map(([from, to, ports]) => `${short(from)} -> ${short(to)}: ${ports.join(', ')}`);
}
