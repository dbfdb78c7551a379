/**
 * The kinds that carry a pod template, per API group, and where each keeps it: the one table
 * the review's walkers (lib/review/walkers.ts) and the rule catalog (which kinds the pod rules
 * judge, for routing exceptions) both read.
 */

/**
 * Where one kind, of one API group, keeps its pod template(s). The review judges a pod only
 * where it knows the kind: a `kind: Deployment` of `example.com` is not an apps/v1 Deployment.
 */
export interface PodTemplateKind {
  /** API group: `''` for the core group (`apiVersion: v1`), `apps`, `argoproj.io`, ... Every version of the group. */
  readonly group: string;
  readonly kind: string;
  /**
   * Field names from the object to the pod template (a mapping with `metadata` and `spec`);
   * `[]` when the object is itself the pod (Pod, Knative Revision). `*` steps into every entry
   * of a mapping (Kubeflow's replica specs, one template per role), each judged on its own.
   */
  readonly template: readonly string[];
  /** Whether its pods are expected to run forever (so they need readiness and liveness probes). */
  readonly longRunning: boolean;
  /** Where the path was checked: the project's API types or CRD. */
  readonly source: string;
}

const t = (group: string, kind: string, template: string, longRunning: boolean, source: string): PodTemplateKind => ({
  group,
  kind,
  template: template ? template.split('.') : [],
  longRunning,
  source,
});

const K8S_API = 'https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/';

/**
 * Every kind the pod rules judge, with where its pod template is: the built-in workloads
 * (Pod Security Admission evaluates the same ones; `extensions` is the old group of
 * Deployment, DaemonSet and ReplicaSet) and custom resources users commonly run. Kinds that
 * are not here but carry a pod spec get the `unjudged-pod-template` warning.
 *
 * Left out on purpose: Argo Workflows (a template holds one `container`, not a pod spec; the
 * pod is assembled by the controller), Spark's SparkApplication (driver and executor are not
 * pod templates), Argo Rollouts' `workloadRef` (the referenced Deployment is judged itself).
 */
export const POD_TEMPLATE_LOCATIONS: readonly PodTemplateKind[] = [
  t('', 'Pod', '', false, `${K8S_API}pod-v1/`),
  t('', 'PodTemplate', 'template', false, `${K8S_API}pod-template-v1/`),
  t('', 'ReplicationController', 'spec.template', false, `${K8S_API}replication-controller-v1/`),
  t('apps', 'ReplicaSet', 'spec.template', true, `${K8S_API}replica-set-v1/`),
  t('apps', 'Deployment', 'spec.template', true, `${K8S_API}deployment-v1/`),
  t('apps', 'StatefulSet', 'spec.template', true, `${K8S_API}stateful-set-v1/`),
  t('apps', 'DaemonSet', 'spec.template', true, `${K8S_API}daemon-set-v1/`),
  t('extensions', 'ReplicaSet', 'spec.template', true, 'k8s.io/api extensions/v1beta1 types.go'),
  t('extensions', 'Deployment', 'spec.template', true, 'k8s.io/api extensions/v1beta1 types.go'),
  t('extensions', 'DaemonSet', 'spec.template', true, 'k8s.io/api extensions/v1beta1 types.go'),
  t('batch', 'Job', 'spec.template', false, `${K8S_API}job-v1/`),
  t('batch', 'CronJob', 'spec.jobTemplate.spec.template', false, `${K8S_API}cron-job-v1/`),
  t(
    'apps.openshift.io',
    'DeploymentConfig',
    'spec.template',
    true,
    'https://docs.okd.io/3.11/rest_api/apps_openshift_io/deploymentconfig-apps-openshift-io-v1.html',
  ),
  t(
    'argoproj.io',
    'Rollout',
    'spec.template',
    true,
    'argo-rollouts pkg/apis/rollouts/v1alpha1/types.go (RolloutSpec.Template, WorkloadRef)',
  ),
  t(
    'serving.knative.dev',
    'Service',
    'spec.template',
    true,
    'knative serving pkg/apis/serving/v1 (ServiceSpec embeds ConfigurationSpec.Template)',
  ),
  t('serving.knative.dev', 'Configuration', 'spec.template', true, 'knative serving pkg/apis/serving/v1 (ConfigurationSpec.Template)'),
  t('serving.knative.dev', 'Revision', '', true, 'knative serving pkg/apis/serving/v1 (RevisionSpec inlines corev1.PodSpec)'),
  t(
    'keda.sh',
    'ScaledJob',
    'spec.jobTargetRef.template',
    false,
    'https://keda.sh/docs/latest/reference/scaledjob-spec/ (JobTargetRef *batchv1.JobSpec)',
  ),
  t('apps.kruise.io', 'CloneSet', 'spec.template', true, 'openkruise apis/apps/v1alpha1/cloneset_types.go'),
  t('apps.kruise.io', 'StatefulSet', 'spec.template', true, 'openkruise apis/apps/v1beta1/statefulset_types.go (Advanced StatefulSet)'),
  t('apps.kruise.io', 'DaemonSet', 'spec.template', true, 'openkruise apis/apps/v1alpha1/daemonset_types.go (Advanced DaemonSet)'),
  t('apps.kruise.io', 'BroadcastJob', 'spec.template', false, 'openkruise apis/apps/v1alpha1/broadcastjob_types.go'),
  t(
    'kubeflow.org',
    'TFJob',
    'spec.tfReplicaSpecs.*.template',
    false,
    'kubeflow training-operator pkg/apis/kubeflow.org/v1 (ReplicaSpec.Template)',
  ),
  t(
    'kubeflow.org',
    'PyTorchJob',
    'spec.pytorchReplicaSpecs.*.template',
    false,
    'kubeflow training-operator pkg/apis/kubeflow.org/v1 (ReplicaSpec.Template)',
  ),
  t(
    'kubeflow.org',
    'MPIJob',
    'spec.mpiReplicaSpecs.*.template',
    false,
    'kubeflow mpi-operator pkg/apis/kubeflow/v2beta1 (MPIJobSpec.MPIReplicaSpecs)',
  ),
  t(
    'kubeflow.org',
    'XGBoostJob',
    'spec.xgbReplicaSpecs.*.template',
    false,
    'kubeflow training-operator pkg/apis/kubeflow.org/v1 (XGBoostJobSpec.XGBReplicaSpecs)',
  ),
  t(
    'kubeflow.org',
    'PaddleJob',
    'spec.paddleReplicaSpecs.*.template',
    false,
    'kubeflow training-operator pkg/apis/kubeflow.org/v1 (PaddleJobSpec.PaddleReplicaSpecs)',
  ),
];

/**
 * How rules name a kind of `POD_TEMPLATE_LOCATIONS` in `Rule.kinds`: built-in kinds by name
 * (as exceptions and scanner skips are routed), custom ones as `<group>/<kind>`, so a core
 * Service is not mistaken for a Knative one.
 */
function ruleKind(location: PodTemplateKind): string {
  return location.group.includes('.') ? `${location.group}/${location.kind}` : location.kind;
}

/**
 * The kinds the pod rules run on (`Rule.kinds`): every kind of `POD_TEMPLATE_LOCATIONS`.
 * Whether an object of one of these holds a pod is decided by `podSpecsOf`, by API group and
 * kind: a `kind: Deployment` of `example.com` holds none.
 */
export const POD_TEMPLATE_KINDS: readonly string[] = [...new Set(POD_TEMPLATE_LOCATIONS.map(ruleKind))];

/**
 * The kinds whose pods may be expected to run forever, so they need readiness and liveness
 * probes; each pod says whether it is (`PodSpecView.longRunning`), by API group and kind.
 */
export const LONG_RUNNING_KINDS: readonly string[] = [...new Set(POD_TEMPLATE_LOCATIONS.filter((l) => l.longRunning).map(ruleKind))];
