/**
 * The corpus of the admission differential (admission-server.test.ts): objects of every kind
 * the admission policies judge, each a compliant object with zero to three changes, seeded.
 * Workloads of every built-in kind carry the pods of pod-mutations.ts plus the changes our
 * workload hardening judges; the other kinds have their own generators.
 */
import { MUTATIONS as IMAGE_CORPUS } from './admission-corpus-images';
import { GENERATORS as OBJECT_CORPUS } from './admission-corpus-objects';
import { MUTATIONS as POD_SECURITY_CORPUS } from './admission-corpus-pod-security';
import { MUTATIONS as WORKLOAD_CORPUS } from './admission-corpus-workload';
import { Json, PodMutation, POD_SECURITY_MUTATIONS, withoutLinuxOnlyFields } from './pod-mutations';

/** The namespace the corpus is created in (bare: no Pod Security level, so only the policies refuse). */
export const CORPUS_NAMESPACE = 'corpus';

/** The account every corpus workload runs as (Pods are refused when their account does not exist). */
export const CORPUS_ACCOUNT = 'app';

/** Created before the corpus, not judged: the account its pods run as. */
export const CORPUS_SETUP: readonly Json[] = [
  {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: CORPUS_ACCOUNT, namespace: CORPUS_NAMESPACE },
    automountServiceAccountToken: false,
  },
];

/** A pod spec as our constructs write one: every rule with a policy passes it. */
export function compliantPodSpec(app: string): Json {
  const container = (name: string, withProbes: boolean) => ({
    name,
    image: `ghcr.io/example/${app}:1.0.0@sha256:${'ab'.repeat(32)}`,
    imagePullPolicy: 'Always',
    ports: [{ containerPort: 8080 }],
    resources: {
      limits: { cpu: '500m', memory: '256Mi', 'ephemeral-storage': '256Mi' },
      requests: { cpu: '100m', memory: '256Mi', 'ephemeral-storage': '64Mi' },
    },
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
    },
    ...(withProbes
      ? {
          livenessProbe: { httpGet: { path: '/healthz', port: 8080 } },
          readinessProbe: { httpGet: { path: '/ready', port: 8080 } },
        }
      : {}),
    volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
  });
  return {
    automountServiceAccountToken: false,
    serviceAccountName: CORPUS_ACCOUNT,
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
          { weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { app } }, topologyKey: 'kubernetes.io/hostname' } },
        ],
      },
    },
    initContainers: [container('init', false)],
    containers: [container('main', true)],
    volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
  };
}

/** A pod template's changes beyond pod-mutations.ts, one file per group of rules. */
const WORKLOAD_MUTATIONS: readonly PodMutation[] = [...POD_SECURITY_CORPUS, ...WORKLOAD_CORPUS, ...IMAGE_CORPUS];

/** How each built-in workload kind wraps a pod template. */
const WORKLOAD_KINDS: readonly { kind: string; apiVersion: string; wrap: (name: string, template: Json) => Json }[] = [
  { kind: 'Pod', apiVersion: 'v1', wrap: (_n, t) => ({ metadata: t.metadata, spec: t.spec }) },
  {
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    wrap: (n, t) => ({ spec: { replicas: 2, selector: { matchLabels: { app: n } }, template: t } }),
  },
  {
    kind: 'StatefulSet',
    apiVersion: 'apps/v1',
    wrap: (n, t) => ({ spec: { replicas: 2, serviceName: n, selector: { matchLabels: { app: n } }, template: t } }),
  },
  { kind: 'DaemonSet', apiVersion: 'apps/v1', wrap: (n, t) => ({ spec: { selector: { matchLabels: { app: n } }, template: t } }) },
  {
    kind: 'ReplicaSet',
    apiVersion: 'apps/v1',
    wrap: (n, t) => ({ spec: { replicas: 2, selector: { matchLabels: { app: n } }, template: t } }),
  },
  {
    kind: 'ReplicationController',
    apiVersion: 'v1',
    wrap: (n, t) => ({ spec: { replicas: 2, selector: { app: n }, template: t } }),
  },
  { kind: 'Job', apiVersion: 'batch/v1', wrap: (_n, t) => ({ spec: { template: withRestartPolicy(t, 'Never') } }) },
  {
    kind: 'CronJob',
    apiVersion: 'batch/v1',
    wrap: (_n, t) => ({ spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: withRestartPolicy(t, 'OnFailure') } } } }),
  },
];

function withRestartPolicy(template: Json, restartPolicy: string): Json {
  return { ...template, spec: { ...template.spec, restartPolicy } };
}

/** Makes one object of a kind other than a workload, compliant or changed, named `name`. */
export type ObjectGenerator = (name: string, pick: <T>(items: readonly T[]) => T, random: () => number) => Json;

/** Generators of the other kinds the policies judge. */
const OBJECT_GENERATORS: readonly ObjectGenerator[] = OBJECT_CORPUS;

/** One workload of the corpus: a kind, and a pod template with 0 to 3 changes. */
function generatedWorkload(name: string, random: () => number, pick: <T>(items: readonly T[]) => T): Json {
  const { kind, apiVersion, wrap } = pick(WORKLOAD_KINDS);
  const spec = compliantPodSpec(name);
  const pod = { metadata: { labels: { app: name } }, spec };
  const changes = Math.floor(random() * 4);
  const mutations = [...POD_SECURITY_MUTATIONS, ...WORKLOAD_MUTATIONS];
  for (let n = 0; n < changes; n++) {
    const container = pick([spec.containers[0], spec.initContainers[0]]);
    pick(mutations)(pod, container, pick);
  }
  withoutLinuxOnlyFields(pod);
  const body = wrap(name, pod);
  const object = { apiVersion, kind, ...body, metadata: { ...body.metadata, name, namespace: CORPUS_NAMESPACE } };
  return JSON.parse(JSON.stringify(object)); // drops the undefined fields
}

/**
 * The largest objects the policies must judge within the CEL cost budget: a Deployment with
 * many containers, each with many env vars, ports and mounts, and a ClusterRole with many
 * rules. Compliant, so any refusal is the budget's (or a disagreement).
 */
export function largestObjects(): Json[] {
  const spec = compliantPodSpec('largest');
  const many = <T>(n: number, make: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => make(i));
  const container = spec.containers[0];
  spec.containers = many(40, (i) => ({
    ...JSON.parse(JSON.stringify(container)),
    name: `main-${i}`,
    env: many(40, (j) => ({ name: `SETTING_${j}`, value: `value-${j}` })),
    ports: many(10, (j) => ({ containerPort: 8000 + i * 10 + j })),
    volumeMounts: many(20, (j) => ({ name: 'tmp', mountPath: `/tmp/${j}` })),
  }));
  spec.initContainers = many(10, (i) => ({ ...JSON.parse(JSON.stringify(spec.initContainers[0])), name: `init-${i}` }));
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'largest', namespace: CORPUS_NAMESPACE },
      spec: { replicas: 2, selector: { matchLabels: { app: 'largest' } }, template: { metadata: { labels: { app: 'largest' } }, spec } },
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'largest' },
      rules: many(200, (i) => ({
        apiGroups: [`group-${i}.example.com`],
        resources: many(10, (j) => `things-${j}`),
        verbs: ['get', 'list', 'watch'],
      })),
    },
  ];
}

/**
 * `count` objects, the same for the same seed: three workloads for every other object when
 * there are generators of other kinds, else workloads only. Names are unique.
 */
export function generatedCorpus(count: number, random: () => number, pick: <T>(items: readonly T[]) => T): Json[] {
  return Array.from({ length: count }, (_, i) => {
    const name = `object-${String(i).padStart(4, '0')}`;
    if (OBJECT_GENERATORS.length && i % 4 === 3) {
      const object = pick(OBJECT_GENERATORS)(name, pick, random);
      return JSON.parse(JSON.stringify(object));
    }
    return generatedWorkload(name, random, pick);
  });
}
