/**
 * Plain-object builders for review tests. They build manifests by hand (no constructs), so
 * the review tests stay independent of the construct layer.
 */
import { KubeObject, ReviewContext, Rule, RuleFinding } from '../../lib/review/model';
import { reviewContextOf } from '../../lib/review/engine';

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

/**
 * The hardened pod spec wrapped as `kind`, with the template where that kind keeps it. `kind`
 * is a kind name of the built-in API groups or `<group>/<kind>` for a custom resource (as in
 * `POD_TEMPLATE_KINDS`); each custom object is written by hand after its project's docs, so
 * the tests do not read the paths back from the table under test.
 */
export function workloadOfKind(kind: string, mutate: PodMutation = () => undefined): KubeObject {
  const template = (): Record<string, any> => {
    const spec = hardenedPodSpec();
    mutate(spec);
    return { metadata: { labels: { app: 'web' } }, spec };
  };
  const meta = metadata({});
  const selector = { matchLabels: { app: 'web' } };
  const custom = CUSTOM_WORKLOADS[kind];
  if (custom) return { metadata: meta, ...custom(template) } as KubeObject;
  const { spec } = template();
  switch (kind) {
    case 'Pod':
      return { apiVersion: 'v1', kind, metadata: meta, spec };
    case 'PodTemplate':
      return { apiVersion: 'v1', kind, metadata: meta, template: template() };
    case 'CronJob':
      return {
        apiVersion: 'batch/v1',
        kind,
        metadata: meta,
        spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: template() } } },
      };
    case 'Job':
      return { apiVersion: 'batch/v1', kind, metadata: meta, spec: { template: template() } };
    case 'ReplicationController':
      return { apiVersion: 'v1', kind, metadata: meta, spec: { replicas: 1, template: template() } };
    default:
      return { apiVersion: 'apps/v1', kind, metadata: meta, spec: { selector, template: template() } };
  }
}

type Template = () => Record<string, any>;
const replicas = (template: Template, ...roles: string[]) =>
  Object.fromEntries(
    roles.map((role) => [role, { replicas: role === 'Worker' ? 2 : 1, restartPolicy: 'OnFailure', template: template() }]),
  );

/** Custom resources that embed a pod template, as their projects document them (minus `metadata`). */
const CUSTOM_WORKLOADS: Record<string, (template: Template) => Record<string, unknown>> = {
  // https://docs.okd.io/3.11/rest_api/apps_openshift_io/deploymentconfig-apps-openshift-io-v1.html
  'apps.openshift.io/DeploymentConfig': (template) => ({
    apiVersion: 'apps.openshift.io/v1',
    kind: 'DeploymentConfig',
    spec: {
      replicas: 2,
      selector: { app: 'web' },
      strategy: { type: 'Rolling' },
      triggers: [{ type: 'ConfigChange' }],
      template: template(),
    },
  }),
  // https://argo-rollouts.readthedocs.io/en/stable/features/specification/
  'argoproj.io/Rollout': (template) => ({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      strategy: { canary: { steps: [{ setWeight: 20 }, { pause: {} }] } },
      template: template(),
    },
  }),
  // https://knative.dev/docs/serving/reference/serving-api/
  'serving.knative.dev/Service': (template) => ({ apiVersion: 'serving.knative.dev/v1', kind: 'Service', spec: { template: template() } }),
  'serving.knative.dev/Configuration': (template) => ({
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Configuration',
    spec: { template: template() },
  }),
  'serving.knative.dev/Revision': (template) => ({ apiVersion: 'serving.knative.dev/v1', kind: 'Revision', spec: template().spec }),
  // https://keda.sh/docs/latest/reference/scaledjob-spec/
  'keda.sh/ScaledJob': (template) => ({
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledJob',
    spec: {
      jobTargetRef: { parallelism: 1, backoffLimit: 3, template: template() },
      triggers: [{ type: 'cron', metadata: { timezone: 'UTC', start: '0 6 * * *', end: '0 7 * * *', desiredReplicas: '1' } }],
    },
  }),
  // https://openkruise.io/docs/user-manuals/cloneset (and advancedstatefulset, advanceddaemonset, broadcastjob)
  'apps.kruise.io/CloneSet': (template) => ({
    apiVersion: 'apps.kruise.io/v1alpha1',
    kind: 'CloneSet',
    spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: template() },
  }),
  'apps.kruise.io/StatefulSet': (template) => ({
    apiVersion: 'apps.kruise.io/v1beta1',
    kind: 'StatefulSet',
    spec: { replicas: 2, serviceName: 'web', selector: { matchLabels: { app: 'web' } }, template: template() },
  }),
  'apps.kruise.io/DaemonSet': (template) => ({
    apiVersion: 'apps.kruise.io/v1alpha1',
    kind: 'DaemonSet',
    spec: { selector: { matchLabels: { app: 'web' } }, template: template() },
  }),
  'apps.kruise.io/BroadcastJob': (template) => ({
    apiVersion: 'apps.kruise.io/v1alpha1',
    kind: 'BroadcastJob',
    spec: { parallelism: 2, completionPolicy: { type: 'Always' }, template: template() },
  }),
  // https://www.kubeflow.org/docs/components/trainer/legacy-v1/ (TFJob, PyTorchJob, XGBoostJob, PaddleJob) and mpi-operator's v2beta1 MPIJob
  'kubeflow.org/TFJob': (template) => ({
    apiVersion: 'kubeflow.org/v1',
    kind: 'TFJob',
    spec: { tfReplicaSpecs: replicas(template, 'PS', 'Worker') },
  }),
  'kubeflow.org/PyTorchJob': (template) => ({
    apiVersion: 'kubeflow.org/v1',
    kind: 'PyTorchJob',
    spec: { pytorchReplicaSpecs: replicas(template, 'Master', 'Worker') },
  }),
  'kubeflow.org/MPIJob': (template) => ({
    apiVersion: 'kubeflow.org/v2beta1',
    kind: 'MPIJob',
    spec: { slotsPerWorker: 1, mpiReplicaSpecs: replicas(template, 'Launcher', 'Worker') },
  }),
  'kubeflow.org/XGBoostJob': (template) => ({
    apiVersion: 'kubeflow.org/v1',
    kind: 'XGBoostJob',
    spec: { xgbReplicaSpecs: replicas(template, 'Master', 'Worker') },
  }),
  'kubeflow.org/PaddleJob': (template) => ({
    apiVersion: 'kubeflow.org/v1',
    kind: 'PaddleJob',
    spec: { paddleReplicaSpecs: replicas(template, 'Worker') },
  }),
};

/** The JSON paths of the pod specs of `workloadOfKind(kind)`, written out by hand. */
export const POD_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: ['spec'],
  PodTemplate: ['template.spec'],
  ReplicationController: ['spec.template.spec'],
  ReplicaSet: ['spec.template.spec'],
  Deployment: ['spec.template.spec'],
  StatefulSet: ['spec.template.spec'],
  DaemonSet: ['spec.template.spec'],
  Job: ['spec.template.spec'],
  CronJob: ['spec.jobTemplate.spec.template.spec'],
  'apps.openshift.io/DeploymentConfig': ['spec.template.spec'],
  'argoproj.io/Rollout': ['spec.template.spec'],
  'serving.knative.dev/Service': ['spec.template.spec'],
  'serving.knative.dev/Configuration': ['spec.template.spec'],
  'serving.knative.dev/Revision': ['spec'],
  'keda.sh/ScaledJob': ['spec.jobTargetRef.template.spec'],
  'apps.kruise.io/CloneSet': ['spec.template.spec'],
  'apps.kruise.io/StatefulSet': ['spec.template.spec'],
  'apps.kruise.io/DaemonSet': ['spec.template.spec'],
  'apps.kruise.io/BroadcastJob': ['spec.template.spec'],
  'kubeflow.org/TFJob': ['spec.tfReplicaSpecs.PS.template.spec', 'spec.tfReplicaSpecs.Worker.template.spec'],
  'kubeflow.org/PyTorchJob': ['spec.pytorchReplicaSpecs.Master.template.spec', 'spec.pytorchReplicaSpecs.Worker.template.spec'],
  'kubeflow.org/MPIJob': ['spec.mpiReplicaSpecs.Launcher.template.spec', 'spec.mpiReplicaSpecs.Worker.template.spec'],
  'kubeflow.org/XGBoostJob': ['spec.xgbReplicaSpecs.Master.template.spec', 'spec.xgbReplicaSpecs.Worker.template.spec'],
  'kubeflow.org/PaddleJob': ['spec.paddleReplicaSpecs.Worker.template.spec'],
};

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
export function namespace(
  name = 'shop',
  labels: Record<string, string> = { 'pod-security.kubernetes.io/enforce': 'restricted' },
): KubeObject {
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

/** The review context of `objects`, as the engine builds it, for calling a rule's check directly. */
export function createContextFor(objects: readonly KubeObject[]): ReviewContext {
  return reviewContextOf(objects);
}
