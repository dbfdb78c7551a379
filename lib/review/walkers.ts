import { KubeObject, RuleFinding } from './model';
import {
  Container, InheritableSecurityContext, PodMetadata, PodSpec, SecurityContext,
} from './pod-spec';

/**
 * Every kind that carries a pod template, and so is judged by the pod rules (Pod Security
 * Admission evaluates these kinds too).
 */
export const POD_TEMPLATE_KINDS: readonly string[] = [
  'Pod', 'PodTemplate', 'ReplicationController', 'ReplicaSet', 'Deployment',
  'StatefulSet', 'DaemonSet', 'Job', 'CronJob',
];

/** Kinds whose pods are expected to run forever (so they need readiness and liveness probes). */
export const LONG_RUNNING_KINDS: readonly string[] = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'];

/** Where each kind keeps its pod template, as a path of field names. */
const TEMPLATE_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: [],
  PodTemplate: ['template'],
  ReplicationController: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

/** A pod spec found in an object, with the JSON paths rules report against. */
export interface PodSpecView {
  readonly spec: PodSpec;
  /** JSON path of the pod spec, for example `spec.template.spec` (`spec` for a Pod). */
  readonly path: string;
  /** The pod (template) metadata, where pod-level annotations such as AppArmor's live. */
  readonly metadata: PodMetadata;
  /** JSON path of that metadata, for example `spec.template.metadata`. */
  readonly metadataPath: string;
}

/** Whether a value is a plain object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value as an array, or `[]` when it is missing or not an array. */
export function list<T>(value: unknown): readonly T[] {
  // Manifests are untyped input: a list field may hold anything.
  return Array.isArray(value) ? value : [];
}

/**
 * The pod spec of any kind in `POD_TEMPLATE_KINDS`, or `undefined` for other kinds or when
 * the object has no pod spec.
 */
export function podSpecOf(obj: KubeObject): PodSpecView | undefined {
  const templatePath = TEMPLATE_PATHS[obj.kind];
  if (!templatePath) return undefined;
  if (cache?.pods.has(obj)) return cache.pods.get(obj);
  const view = findPodSpec(obj, templatePath);
  cache?.pods.set(obj, view);
  return view;
}

function findPodSpec(obj: KubeObject, templatePath: readonly string[]): PodSpecView | undefined {
  let template: unknown = obj;
  for (const field of templatePath) {
    template = isRecord(template) ? template[field] : undefined;
  }
  if (!isRecord(template) || !isRecord(template.spec)) return undefined;
  const prefix = templatePath.length ? templatePath.join('.') + '.' : '';
  return {
    spec: template.spec as PodSpec,
    path: `${prefix}spec`,
    metadata: (isRecord(template.metadata) ? template.metadata : {}) as PodMetadata,
    metadataPath: `${prefix}metadata`,
  };
}

/** The three lists of containers a pod spec can have, in the order Pod Security visits them. */
export type ContainerKind = 'initContainer' | 'container' | 'ephemeralContainer';

const CONTAINER_LISTS: readonly { readonly kind: ContainerKind; readonly field: 'initContainers' | 'containers' | 'ephemeralContainers'; readonly label: string }[] = [
  { kind: 'initContainer', field: 'initContainers', label: 'init container' },
  { kind: 'container', field: 'containers', label: 'container' },
  { kind: 'ephemeralContainer', field: 'ephemeralContainers', label: 'ephemeral container' },
];

/** An inherited security setting: its effective value and the JSON path that sets it. */
export interface Resolved<T> {
  /** The container's value if set, else the pod's, else `undefined`. */
  readonly value: T | undefined;
  /** Where the value is set; the container's path when it is set nowhere (where to set it). */
  readonly path: string;
  /** Who sets it. */
  readonly from: 'container' | 'pod' | 'unset';
}

/** The effective values of the settings a container inherits from its pod. */
export type EffectiveSecurityContext = {
  readonly [K in 'runAsNonRoot' | 'runAsUser' | 'runAsGroup' | 'seccompProfile' | 'appArmorProfile']-?:
    Resolved<NonNullable<InheritableSecurityContext[K]>>;
};

/** One container as the pod rules see it. */
export interface ContainerView {
  /** The container's name (`''` if missing). */
  readonly name: string;
  readonly kind: ContainerKind;
  /** How messages name it: `container "web"`, `init container "setup"`. */
  readonly label: string;
  /** JSON path, for example `spec.template.spec.initContainers[0]`. */
  readonly path: string;
  readonly container: Container;
  /** The container's own security context (`{}` if it has none). */
  readonly securityContext: SecurityContext;
  /** Settings after inheritance from the pod security context. */
  readonly effective: EffectiveSecurityContext;
  /** The pod the container belongs to. */
  readonly pod: PodSpecView;
}

const INHERITED = ['runAsNonRoot', 'runAsUser', 'runAsGroup', 'seccompProfile', 'appArmorProfile'] as const;

/**
 * Every init container, container and ephemeral container of the object's pod, in that
 * order (the order of Pod Security Admission's visitor), with its JSON path and its
 * effective security settings. Empty for objects without a pod spec.
 *
 * Inheritance follows the API: a container field that is set (even to `false` or `0`)
 * wins, otherwise the pod's `securityContext` value applies.
 */
export function eachContainer(obj: KubeObject, pod: PodSpecView | undefined = podSpecOf(obj)): readonly ContainerView[] {
  if (!pod) return [];
  const cached = cache?.containers.get(obj);
  if (cached && cached.spec === pod.spec) return cached.views;
  const views = Object.freeze(containerViews(pod));
  cache?.containers.set(obj, { spec: pod.spec, views });
  return views;
}

/** Pod specs and container views per object, kept only while a review runs (objects do not change during one). */
let cache: {
  readonly pods: WeakMap<KubeObject, PodSpecView | undefined>;
  readonly containers: WeakMap<KubeObject, { readonly spec: PodSpec; readonly views: readonly ContainerView[] }>;
} | undefined;

/**
 * Runs `fn` with `podSpecOf` and `eachContainer` remembering their results per object, so
 * the many pod rules walk each object once. The engine wraps a review in it, the synth gate
 * its review and analyses together; inside another `withWalkerCache` the outer cache is
 * kept. Outside, nothing is cached.
 */
export function withWalkerCache<T>(fn: () => T): T {
  if (cache) return fn();
  cache = { pods: new WeakMap(), containers: new WeakMap() };
  try {
    return fn();
  } finally {
    cache = undefined;
  }
}

function containerViews(pod: PodSpecView): ContainerView[] {
  const podContext: InheritableSecurityContext = isRecord(pod.spec.securityContext) ? pod.spec.securityContext : {};
  const views: ContainerView[] = [];
  for (const { kind, field, label } of CONTAINER_LISTS) {
    list<Container>(pod.spec[field]).forEach((raw, index) => {
      const container: Container = isRecord(raw) ? raw : {};
      const path = `${pod.path}.${field}[${index}]`;
      const securityContext: SecurityContext = isRecord(container.securityContext) ? container.securityContext : {};
      const effective = Object.fromEntries(INHERITED.map((key) => {
        if (securityContext[key] !== undefined && securityContext[key] !== null) {
          return [key, { value: securityContext[key], path: `${path}.securityContext.${key}`, from: 'container' }];
        }
        if (podContext[key] !== undefined && podContext[key] !== null) {
          return [key, { value: podContext[key], path: `${pod.path}.securityContext.${key}`, from: 'pod' }];
        }
        return [key, { value: undefined, path: `${path}.securityContext.${key}`, from: 'unset' }];
      })) as unknown as EffectiveSecurityContext;
      const name = typeof container.name === 'string' ? container.name : '';
      views.push({ name, kind, label: `${label} "${name}"`, path, container, securityContext, effective, pod });
    });
  }
  return views;
}

/** Whether the pod declares Windows as its OS (Pod Security exempts it from Linux-only controls). */
export function isWindowsPod(pod: PodSpecView): boolean {
  return isRecord(pod.spec.os) && pod.spec.os.name === 'windows';
}

/** Whether the pod runs in its own user namespace (`hostUsers: false`). */
export function usesUserNamespace(pod: PodSpecView): boolean {
  return pod.spec.hostUsers === false;
}

/** Builds a rule finding. */
export function finding(path: string, message: string): RuleFinding {
  return { path, message };
}

/**
 * A check that runs once per pod: returns `[]` for objects without a pod spec. Saves every
 * pod rule from repeating the lookup.
 */
export function perPod(check: (pod: PodSpecView, obj: KubeObject) => readonly RuleFinding[]) {
  return (obj: KubeObject): readonly RuleFinding[] => {
    const pod = podSpecOf(obj);
    return pod ? check(pod, obj) : [];
  };
}

/** Quotes a value for a message the way JSON does, so empty strings stay visible. */
export function quote(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}
