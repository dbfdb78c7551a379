import { KubeObject, ReviewContext, RuleFinding } from './model';
import { Container, InheritableSecurityContext, PodMetadata, PodSpec, SecurityContext } from './pod-spec';
import { POD_TEMPLATE_LOCATIONS, PodTemplateKind } from '../policy/pod-template-locations';

// The pod template table is shared with the constructs' rule catalog (lib/policy); rules import it from here.
export { LONG_RUNNING_KINDS, POD_TEMPLATE_KINDS, POD_TEMPLATE_LOCATIONS } from '../policy/pod-template-locations';
export type { PodTemplateKind } from '../policy/pod-template-locations';

const LOCATIONS: ReadonlyMap<string, PodTemplateKind> = new Map(POD_TEMPLATE_LOCATIONS.map((l) => [`${l.group}/${l.kind}`, l]));

/** The API group of an `apiVersion`: `''` for `v1`, `apps` for `apps/v1`. */
export function apiGroupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** Where the object's kind keeps its pod template, or `undefined` when the review does not know the kind in its group. */
export function podTemplateKindOf(obj: KubeObject): PodTemplateKind | undefined {
  return LOCATIONS.get(`${apiGroupOf(obj.apiVersion)}/${obj.kind}`);
}

/** A pod spec found in an object, with the JSON paths rules report against. */
export interface PodSpecView {
  readonly spec: PodSpec;
  /** JSON path of the pod spec, for example `spec.template.spec` (`spec` for a Pod). */
  readonly path: string;
  /** The pod (template) metadata, where pod-level annotations such as AppArmor's live. */
  readonly metadata: PodMetadata;
  /** JSON path of that metadata, for example `spec.template.metadata`. */
  readonly metadataPath: string;
  /** Whether the pods are expected to run forever (a Deployment's, not a Job's). */
  readonly longRunning: boolean;
  /** The mapping key of the template when the kind keeps one per role (Kubeflow's `Worker`), else `undefined`. */
  readonly role?: string;
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

const NO_PODS: readonly PodSpecView[] = Object.freeze([]);

/**
 * Every pod spec of the object, with its JSON paths: one for a Deployment, one per role for
 * a Kubeflow job, none for kinds `POD_TEMPLATE_LOCATIONS` does not list (by API group and
 * kind) or when the template is missing.
 *
 * @param context the review: given, each object is walked once per review
 */
export function podSpecsOf(obj: KubeObject, context?: ReviewContext): readonly PodSpecView[] {
  if (!context) return walkPodSpecs(obj);
  const known = context.memo(POD_SPECS, () => new Map<KubeObject, readonly PodSpecView[]>());
  let views = known.get(obj);
  if (!views) {
    views = walkPodSpecs(obj);
    known.set(obj, views);
  }
  return views;
}

/** The `ReviewContext.memo` key of the pod specs per object: the many pod rules walk each object once per review. */
const POD_SPECS = { memo: 'pod specs per object' };

function walkPodSpecs(obj: KubeObject): readonly PodSpecView[] {
  const location = podTemplateKindOf(obj);
  return location ? findPodSpecs(obj, location) : NO_PODS;
}

/**
 * The object's first pod spec (see `podSpecsOf`), or `undefined`. Kinds with one template
 * per role (Kubeflow jobs) have several: rules use `perPod` or `podSpecsOf` to judge them all.
 */
export function podSpecOf(obj: KubeObject): PodSpecView | undefined {
  return podSpecsOf(obj)[0];
}

/** A JSON path step for a mapping key: `.Worker`, or `["odd key"]`. */
export function keyStep(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

function findPodSpecs(obj: KubeObject, location: PodTemplateKind): readonly PodSpecView[] {
  let found: { template: unknown; path: string; role?: string }[] = [{ template: obj, path: '' }];
  for (const field of location.template) {
    found = found.flatMap(({ template, path, role }) => {
      if (!isRecord(template)) return [];
      if (field !== '*') return [{ template: template[field], path: path + keyStep(field), role }];
      return Object.keys(template).map((key) => ({ template: template[key], path: path + keyStep(key), role: key }));
    });
  }
  const views: PodSpecView[] = [];
  for (const { template, path, role } of found) {
    if (!isRecord(template) || !isRecord(template.spec)) continue;
    const prefix = path ? path.slice(1) + '.' : '';
    views.push({
      spec: template.spec as PodSpec,
      path: `${prefix}spec`,
      metadata: (isRecord(template.metadata) ? template.metadata : {}) as PodMetadata,
      metadataPath: `${prefix}metadata`,
      longRunning: location.longRunning,
      ...(role === undefined ? {} : { role }),
    });
  }
  return views.length ? Object.freeze(views) : NO_PODS;
}

/** The three lists of containers a pod spec can have, in the order Pod Security visits them. */
export type ContainerKind = 'initContainer' | 'container' | 'ephemeralContainer';

const CONTAINER_LISTS: readonly {
  readonly kind: ContainerKind;
  readonly field: 'initContainers' | 'containers' | 'ephemeralContainers';
  readonly label: string;
}[] = [
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
  readonly [K in 'runAsNonRoot' | 'runAsUser' | 'runAsGroup' | 'seccompProfile' | 'appArmorProfile']-?: Resolved<
    NonNullable<InheritableSecurityContext[K]>
  >;
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
 * Every init container, container and ephemeral container of the object's pods (or of `pod`
 * alone when given), in that order per pod (the order of Pod Security Admission's visitor),
 * with its JSON path and its effective security settings. Empty for objects without a pod spec.
 * Given the review context instead of a pod, the object's pods are those the review already
 * walked (see `podSpecsOf`).
 *
 * Inheritance follows the API: a container field that is set (even to `false` or `0`)
 * wins, otherwise the pod's `securityContext` value applies.
 */
export function eachContainer(obj: KubeObject, within?: PodSpecView | ReviewContext): readonly ContainerView[] {
  if (within && 'spec' in within) return containersOf(within);
  const pods = podSpecsOf(obj, within);
  if (pods.length === 1) return containersOf(pods[0]);
  return pods.flatMap(containersOf);
}

/** Where a pod view keeps its container views once computed: with the view, which lives as long as its review. */
const CONTAINER_VIEWS = Symbol('container views');

function containersOf(pod: PodSpecView): readonly ContainerView[] {
  const kept = (pod as { [CONTAINER_VIEWS]?: readonly ContainerView[] })[CONTAINER_VIEWS];
  if (kept) return kept;
  const views = Object.freeze(containerViews(pod));
  if (Object.isExtensible(pod)) Object.defineProperty(pod, CONTAINER_VIEWS, { value: views });
  return views;
}

function containerViews(pod: PodSpecView): ContainerView[] {
  const podContext: InheritableSecurityContext = isRecord(pod.spec.securityContext) ? pod.spec.securityContext : {};
  const views: ContainerView[] = [];
  for (const { kind, field, label } of CONTAINER_LISTS) {
    list<Container>(pod.spec[field]).forEach((raw, index) => {
      const container: Container = isRecord(raw) ? raw : {};
      const path = `${pod.path}.${field}[${index}]`;
      const securityContext: SecurityContext = isRecord(container.securityContext) ? container.securityContext : {};
      const effective = Object.fromEntries(
        INHERITED.map((key) => {
          if (securityContext[key] !== undefined && securityContext[key] !== null) {
            return [key, { value: securityContext[key], path: `${path}.securityContext.${key}`, from: 'container' }];
          }
          if (podContext[key] !== undefined && podContext[key] !== null) {
            return [key, { value: podContext[key], path: `${pod.path}.securityContext.${key}`, from: 'pod' }];
          }
          return [key, { value: undefined, path: `${path}.securityContext.${key}`, from: 'unset' }];
        }),
      ) as unknown as EffectiveSecurityContext;
      const name = typeof container.name === 'string' ? container.name : '';
      views.push({ name, kind, label: `${label} "${name}"`, path, container, securityContext, effective, pod });
    });
  }
  return views;
}

/** An image volume (`volumes[].image`, an OCI image mounted read-only): its reference, with the JSON path rules report against. */
export interface ImageVolumeView {
  /** For example `spec.template.spec.volumes[1].image.reference`. */
  readonly path: string;
  /** How messages name it: `image volume "models"`. */
  readonly label: string;
  readonly reference: string;
}

/** Every image volume with a reference in the object's pods: images too, mounted rather than run. */
export function eachImageVolume(obj: KubeObject, context?: ReviewContext): readonly ImageVolumeView[] {
  return podSpecsOf(obj, context).flatMap((pod) =>
    list<unknown>(pod.spec.volumes).flatMap((volume, i) =>
      isRecord(volume) && isRecord(volume.image) && typeof volume.image.reference === 'string'
        ? [
            {
              path: `${pod.path}.volumes[${i}].image.reference`,
              label: `image volume ${quote(volume.name)}`,
              reference: volume.image.reference,
            },
          ]
        : [],
    ),
  );
}

/** CEL: the references of the image volumes of `pod` (CEL of a pod spec), as `eachImageVolume` finds them. */
export function celImageVolumeReferences(pod: string): string {
  return `${pod}.?volumes.orValue([]).filter(v, has(v.image) && has(v.image.reference)).map(v, v.image.reference)`;
}

/** Whether the pod declares Windows as its OS (Pod Security exempts it from Linux-only controls). */
export function isWindowsPod(pod: PodSpecView): boolean {
  return isRecord(pod.spec.os) && pod.spec.os.name === 'windows';
}

/** Whether the pod runs in its own user namespace (`hostUsers: false`). */
export function usesUserNamespace(pod: PodSpecView): boolean {
  return pod.spec.hostUsers === false;
}

/**
 * A manifest value as a finding's `value`: a string as it is, a number or boolean as
 * written (`8080`), anything else (a mapping or list in malformed YAML) as JSON, so it is
 * still a value an exception must name; `undefined` for a missing one.
 */
export function findingValue(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

/** Builds a rule finding; `value` is the one thing at fault, when the rule has one (see `RuleFinding.value`). */
export function finding(path: string, message: string, value?: string): RuleFinding {
  return value === undefined ? { path, message } : { path, message, value };
}

/**
 * A check that runs once per pod of the object (several for a Kubeflow job): returns `[]`
 * for objects without a pod spec. Saves every pod rule from repeating the lookup.
 */
export function perPod(check: (pod: PodSpecView, obj: KubeObject, context?: ReviewContext) => readonly RuleFinding[]) {
  return (obj: KubeObject, context?: ReviewContext): readonly RuleFinding[] => {
    const pods = podSpecsOf(obj, context);
    if (pods.length === 1) return check(pods[0], obj, context);
    return pods.flatMap((pod) => check(pod, obj, context));
  };
}

/** Quotes a value for a message the way JSON does, so empty strings stay visible. */
export function quote(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}
