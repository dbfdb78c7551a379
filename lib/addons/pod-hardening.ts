/**
 * What an add-on changes in an upstream pod template, as data, and the one pure function that
 * applies it. Every field changed is logged with its old and new value, so REVIEW.md can say
 * per add-on exactly what differs from upstream.
 */

type Json = Record<string, unknown>;

/** A folder a container writes to, made an emptyDir so the root filesystem can be read-only. */
export interface WritablePath {
  readonly container: string;
  readonly path: string;
  /** The emptyDir's size limit. */
  readonly sizeLimit: string;
}

/** Requests and limits of one container. */
export interface ContainerBudget {
  readonly cpu: string;
  /** @default '1' (a controller may burst on a resync; a runaway one is throttled, not killed) */
  readonly cpuLimit?: string;
  readonly memory: string;
  readonly memoryLimit: string;
  /** Scratch space requested. @default '64Mi' (as HardenedWorkload's SMALL size) */
  readonly ephemeralStorage?: string;
  /** Scratch space allowed: the kubelet evicts the pod above it. @default '256Mi' */
  readonly ephemeralStorageLimit?: string;
}

/** The CPU limit and scratch space of a container whose budget names none. */
export const BUDGET_DEFAULTS = { cpuLimit: '1', ephemeralStorage: '64Mi', ephemeralStorageLimit: '256Mi' } as const;

/** How the pod template of one upstream workload is hardened. */
export interface PodHardening {
  /** The user and group every container runs as (above 10000 unless an exception says why not). */
  readonly user: number;
  readonly group: number;
  /**
   * Why the pod calls the Kubernetes API, if it does: its ServiceAccount token is mounted only
   * then, with this reason as the `no-service-account-token` exception.
   *
   * @default - it does not: no token
   */
  readonly callsApi?: string;
  /** Folders written at runtime, as emptyDirs. */
  readonly writablePaths: readonly WritablePath[];
  /** Containers whose root filesystem stays writable (each needs its exception). */
  readonly writableRoot?: readonly string[];
  /** Capabilities a container keeps (each needs its exception). */
  readonly capabilities?: { readonly [container: string]: readonly string[] };
  /** Requests and limits per container (init containers included). */
  readonly budgets: { readonly [container: string]: ContainerBudget };
  /** Images by their upstream name, replaced by the pinned ones. */
  readonly images: { readonly [upstream: string]: string };
}

/** One change from upstream: where, what it was, what it is now. */
export interface Change {
  readonly field: string;
  readonly from: string;
  readonly to: string;
}

const show = (value: unknown) => (value === undefined ? '(unset)' : JSON.stringify(value));

/** JSON with object keys sorted: two values that differ only in key order are the same. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** Sets `object[key]` to `value`, logging the change when it differs. */
function set(changes: Change[], object: Json, key: string, value: unknown, field: string): void {
  if (canonical(object[key]) === canonical(value)) return;
  changes.push({ field, from: show(object[key]), to: show(value) });
  object[key] = value;
}

function child(object: Json, key: string): Json {
  const value = object[key];
  if (value && typeof value === 'object' && !Array.isArray(value)) return value as Json;
  const created: Json = {};
  object[key] = created;
  return created;
}

/** A volume name for a writable path: `tmp` for /tmp, `var-log-nginx` for /var/log/nginx. */
export function volumeNameOf(mountPath: string): string {
  const name = mountPath
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `writable-${name || 'root'}`.slice(0, 63).replace(/-+$/, '');
}

/** Spreads the pods of a replicated workload over nodes and zones, best effort (as HardenedWorkload does). */
export function spreadPodSpec(pod: Json, selectorLabels: Record<string, string>, at: string): Change[] {
  const changes: Change[] = [];
  const labelSelector = { matchLabels: { ...selectorLabels } };
  const affinity = child(pod, 'affinity');
  set(
    changes,
    affinity,
    'podAntiAffinity',
    {
      preferredDuringSchedulingIgnoredDuringExecution: [
        { weight: 100, podAffinityTerm: { labelSelector, topologyKey: 'kubernetes.io/hostname' } },
      ],
    },
    `${at}.affinity.podAntiAffinity`,
  );
  const spread = (topologyKey: string) => ({ maxSkew: 1, topologyKey, whenUnsatisfiable: 'ScheduleAnyway', labelSelector });
  set(
    changes,
    pod,
    'topologySpreadConstraints',
    [spread('kubernetes.io/hostname'), spread('topology.kubernetes.io/zone')],
    `${at}.topologySpreadConstraints`,
  );
  return changes;
}

/**
 * Applies `hardening` to a pod spec (in place) and returns what changed. `at` prefixes each
 * field: `spec.template.spec`.
 */
export function hardenPodSpec(pod: Json, hardening: PodHardening, at: string): Change[] {
  const changes: Change[] = [];
  set(changes, pod, 'automountServiceAccountToken', hardening.callsApi !== undefined, `${at}.automountServiceAccountToken`);
  const podSecurity = child(pod, 'securityContext');
  set(changes, podSecurity, 'runAsNonRoot', true, `${at}.securityContext.runAsNonRoot`);
  set(changes, podSecurity, 'runAsUser', hardening.user, `${at}.securityContext.runAsUser`);
  set(changes, podSecurity, 'runAsGroup', hardening.group, `${at}.securityContext.runAsGroup`);
  set(changes, podSecurity, 'fsGroup', hardening.group, `${at}.securityContext.fsGroup`);
  set(changes, podSecurity, 'seccompProfile', { type: 'RuntimeDefault' }, `${at}.securityContext.seccompProfile`);

  const volumes = (pod.volumes as Json[] | undefined) ?? [];
  for (const path of [...new Set(hardening.writablePaths.map((w) => w.path))]) {
    const name = volumeNameOf(path);
    if (volumes.some((v) => v.name === name)) continue;
    const sizeLimit = hardening.writablePaths.find((w) => w.path === path)!.sizeLimit;
    volumes.push({ name, emptyDir: { sizeLimit } });
    changes.push({ field: `${at}.volumes[${name}]`, from: '(none)', to: `emptyDir (sizeLimit ${sizeLimit}) for ${path}` });
  }
  if (volumes.length) pod.volumes = volumes;

  for (const list of ['initContainers', 'containers'] as const) {
    for (const container of (pod[list] as Json[] | undefined) ?? []) {
      const name = String(container.name);
      const field = `${at}.${list}[${name}]`;
      const image = String(container.image);
      const pinned = hardening.images[image];
      if (pinned === undefined && !/@sha256:[0-9a-f]{64}$/.test(image)) {
        throw new Error(`${field}.image ${image} has no pinned digest in the add-on's images: vendor its digest in SOURCE.json.`);
      }
      if (pinned !== undefined) set(changes, container, 'image', pinned, `${field}.image`);
      set(changes, container, 'imagePullPolicy', 'Always', `${field}.imagePullPolicy`);

      const security = child(container, 'securityContext');
      set(changes, security, 'allowPrivilegeEscalation', false, `${field}.securityContext.allowPrivilegeEscalation`);
      set(changes, security, 'privileged', false, `${field}.securityContext.privileged`);
      set(
        changes,
        security,
        'readOnlyRootFilesystem',
        !hardening.writableRoot?.includes(name),
        `${field}.securityContext.readOnlyRootFilesystem`,
      );
      set(changes, security, 'runAsNonRoot', true, `${field}.securityContext.runAsNonRoot`);
      set(changes, security, 'runAsUser', hardening.user, `${field}.securityContext.runAsUser`);
      set(changes, security, 'runAsGroup', hardening.group, `${field}.securityContext.runAsGroup`);
      set(changes, security, 'seccompProfile', { type: 'RuntimeDefault' }, `${field}.securityContext.seccompProfile`);
      const kept = hardening.capabilities?.[name] ?? [];
      set(
        changes,
        security,
        'capabilities',
        { drop: ['ALL'], ...(kept.length ? { add: [...kept] } : {}) },
        `${field}.securityContext.capabilities`,
      );

      const budget = hardening.budgets[name];
      if (!budget) throw new Error(`${field} has no resource budget in the add-on's hardening.`);
      const { cpuLimit, ephemeralStorage, ephemeralStorageLimit } = { ...BUDGET_DEFAULTS, ...budget };
      set(
        changes,
        container,
        'resources',
        {
          requests: { cpu: budget.cpu, memory: budget.memory, 'ephemeral-storage': ephemeralStorage },
          limits: { cpu: cpuLimit, memory: budget.memoryLimit, 'ephemeral-storage': ephemeralStorageLimit },
        },
        `${field}.resources`,
      );

      const mounts = (container.volumeMounts as Json[] | undefined) ?? [];
      for (const writable of hardening.writablePaths.filter((w) => w.container === name)) {
        if (mounts.some((m) => m.mountPath === writable.path)) continue;
        mounts.push({ name: volumeNameOf(writable.path), mountPath: writable.path });
        changes.push({ field: `${field}.volumeMounts`, from: '(none)', to: `${writable.path} (emptyDir)` });
      }
      if (mounts.length) container.volumeMounts = mounts;
    }
  }
  return changes;
}
