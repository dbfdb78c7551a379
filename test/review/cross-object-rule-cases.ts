/**
 * Cases of the rules that judge an object by the others of the input (issue #17): Services,
 * autoscalers and budgets that select nothing, Service types the quota refuses, tokens turned
 * off on the ServiceAccount, objects in `default`; and the pull policy the API server defaults.
 * Run by rules.test.ts with the other `RULE_CASES`.
 */
import { KubeObject } from '../../lib/review/model';
import type { RuleCase } from './rule-cases';
import { container, deployment, namespace, pod } from './builders';

const service = (spec: Record<string, unknown>, ns: string | undefined = 'shop', name = 'web'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, ...(ns === undefined ? {} : { namespace: ns }) },
  spec: { ports: [{ port: 80, targetPort: 8080 }], ...spec },
});
const hpa = (scaleTargetRef: Record<string, unknown>, ns = 'shop'): KubeObject => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'web', namespace: ns },
  spec: { scaleTargetRef, minReplicas: 2, maxReplicas: 6 },
});
const pdb = (selector: Record<string, unknown>, ns = 'shop'): KubeObject => ({
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name: 'web', namespace: ns },
  spec: { maxUnavailable: 1, selector },
});
const quota = (hard: Record<string, unknown>, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ResourceQuota',
  metadata: { name: 'shop-quota', namespace: 'shop' },
  spec: { hard, ...extra },
});
const serviceAccount = (automount: boolean | undefined, name = 'web'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: { name, namespace: 'shop' },
  ...(automount === undefined ? {} : { automountServiceAccountToken: automount }),
});
const inDefault = (kind: string, apiVersion = 'v1', name = 'web'): KubeObject => ({
  apiVersion,
  kind,
  metadata: { name, namespace: 'default' },
});
/** The builders' Deployment: pods labelled `app: web`. */
const WEB = deployment();
const unsetToken = (s: Record<string, any>) => {
  delete s.automountServiceAccountToken;
};

export const CROSS_OBJECT_RULE_CASES: readonly RuleCase[] = [
  {
    rule: 'service-selects-pods',
    name: 'a selector matching the pod template, an ExternalName and a Service without selector comply',
    object: service({ selector: { app: 'web' } }),
    others: [
      WEB,
      service({ type: 'ExternalName', externalName: 'db.example.com', selector: { app: 'nothing' } }, 'shop', 'db'),
      service({}, 'shop', 'manual'),
    ],
    expected: [],
  },
  {
    rule: 'service-selects-pods',
    name: 'a namespace whose workloads the input does not hold is not judged',
    object: service({ selector: { app: 'web' } }, 'elsewhere'),
    others: [WEB],
    expected: [],
  },
  {
    rule: 'service-selects-pods',
    name: "cdk8s-plus's address label, which hardened pods no longer carry",
    object: service({ selector: { 'cdk8s.io/metadata.addr': 'test-shop-web-c8d5a1b2' } }),
    others: [WEB],
    expected: [
      [
        'spec.selector',
        'selector cdk8s.io/metadata.addr=test-shop-web-c8d5a1b2 matches no pod template of namespace "shop" in this input, so the Service reaches nothing',
      ],
    ],
  },
  {
    rule: 'service-selects-pods',
    name: 'labels split over two workloads match neither',
    object: service({ selector: { app: 'web', tier: 'db' } }),
    others: [WEB, deployment((s) => s, { name: 'db' })],
    expected: [['spec.selector', 'selector app=web,tier=db matches no pod template']],
  },

  {
    rule: 'hpa-target-exists',
    name: 'a target in the input complies',
    object: hpa({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }),
    others: [WEB],
    expected: [],
  },
  {
    rule: 'hpa-target-exists',
    name: 'a namespace whose workloads the input does not hold is not judged',
    object: hpa({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' }, 'elsewhere'),
    others: [WEB],
    expected: [],
  },
  {
    rule: 'hpa-target-exists',
    name: 'a renamed workload',
    object: hpa({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'webapp' }),
    others: [WEB],
    expected: [
      [
        'spec.scaleTargetRef',
        'scales "Deployment/webapp" of API group "apps", which namespace "shop" does not hold in this input, so it scales nothing',
      ],
    ],
  },
  {
    rule: 'hpa-target-exists',
    name: 'the right name in another API group',
    object: hpa({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Deployment', name: 'web' }),
    others: [WEB],
    expected: [['spec.scaleTargetRef', 'scales "Deployment/web" of API group "argoproj.io"']],
  },

  {
    rule: 'pdb-selects-pods',
    name: 'a selector matching the pod template, by labels or expressions, complies',
    object: pdb({ matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] }),
    others: [WEB],
    expected: [],
  },
  {
    rule: 'pdb-selects-pods',
    name: 'a namespace whose workloads the input does not hold is not judged',
    object: pdb({ matchLabels: { app: 'nothing' } }, 'elsewhere'),
    others: [WEB],
    expected: [],
  },
  {
    rule: 'pdb-selects-pods',
    name: 'a selector no pod template matches',
    object: pdb({ matchLabels: { app: 'webapp' } }),
    others: [WEB],
    expected: [['spec.selector', 'selects no pod template of namespace "shop" in this input, so it protects nothing']],
  },

  {
    rule: 'service-type-allowed-by-quota',
    name: 'ClusterIP under a closed quota, and a LoadBalancer where the quota allows one, comply',
    object: service({ type: 'ClusterIP', selector: { app: 'web' } }),
    others: [quota({ 'services.loadbalancers': '0', 'services.nodeports': 0 })],
    expected: [],
  },
  {
    rule: 'service-type-allowed-by-quota',
    name: 'a LoadBalancer without node ports where only node ports are closed, and a scoped quota, comply',
    object: service({ type: 'LoadBalancer', allocateLoadBalancerNodePorts: false }),
    others: [quota({ 'services.nodeports': '0' }), quota({ 'services.loadbalancers': '0' }, { scopes: ['BestEffort'] })],
    expected: [],
  },
  {
    rule: 'service-type-allowed-by-quota',
    name: "a LoadBalancer under HardenedNamespace's quota",
    object: service({ type: 'LoadBalancer' }),
    others: [quota({ pods: '50', 'services.loadbalancers': '0', 'services.nodeports': '0' })],
    expected: [
      [
        'spec.type',
        'Service type "LoadBalancer" is refused in namespace "shop": its ResourceQuota "shop-quota" sets services.loadbalancers: 0',
      ],
      ['spec.type', 'its ResourceQuota "shop-quota" sets services.nodeports: 0'],
    ],
  },
  {
    rule: 'service-type-allowed-by-quota',
    name: 'a NodePort under a quota of "0"',
    object: service({ type: 'NodePort' }),
    others: [quota({ 'services.nodeports': '0' })],
    expected: [
      ['spec.type', 'Service type "NodePort" is refused in namespace "shop": its ResourceQuota "shop-quota" sets services.nodeports: 0'],
    ],
  },

  {
    rule: 'no-service-account-token',
    name: 'unset on the pod, false on its ServiceAccount in the input, complies',
    object: deployment(unsetToken),
    others: [serviceAccount(false)],
    expected: [],
  },
  {
    rule: 'no-service-account-token',
    name: 'true on the pod wins over false on its ServiceAccount',
    object: pod((s) => {
      s.automountServiceAccountToken = true;
    }),
    others: [serviceAccount(false)],
    expected: [['spec.automountServiceAccountToken', 'pod mounts a service account token (automountServiceAccountToken: true)']],
  },
  {
    rule: 'no-service-account-token',
    name: 'unset on both, and false on another account',
    object: deployment(unsetToken),
    others: [serviceAccount(undefined), serviceAccount(false, 'api')],
    expected: [
      ['spec.template.spec.automountServiceAccountToken', 'automountServiceAccountToken is not false, nor on its ServiceAccount "web")'],
    ],
  },

  {
    rule: 'no-default-namespace',
    name: "objects in their own namespace, cluster-scoped, or the cluster's own in default, comply",
    object: service({}),
    others: [
      inDefault('Namespace'),
      inDefault('ClusterRole', 'rbac.authorization.k8s.io/v1'),
      inDefault('Service', 'v1', 'kubernetes'),
      inDefault('ConfigMap', 'v1', 'kube-root-ca.crt'),
    ],
    expected: [],
  },
  {
    rule: 'no-default-namespace',
    name: "a cluster-scoped kind, and the API server's own Service",
    object: inDefault('StorageClass', 'storage.k8s.io/v1'),
    expected: [],
  },
  { rule: 'no-default-namespace', name: "the API server's own Service", object: inDefault('Service', 'v1', 'kubernetes'), expected: [] },
  {
    rule: 'no-default-namespace',
    name: 'a custom resource its CRD in the input declares cluster-scoped',
    object: inDefault('ClusterIssuer', 'cert-manager.io/v1'),
    others: [
      {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'clusterissuers.cert-manager.io' },
        spec: { group: 'cert-manager.io', scope: 'Cluster', names: { kind: 'ClusterIssuer', plural: 'clusterissuers' } },
      },
    ],
    expected: [],
  },
  {
    rule: 'no-default-namespace',
    name: "a workload is workload-namespace-hardened's finding, not this rule's",
    object: pod(undefined, { namespace: 'default' }),
    others: [namespace('default')],
    expected: [],
  },
  {
    rule: 'no-default-namespace',
    name: 'a Service in default',
    object: service({ selector: { app: 'web' } }, 'default'),
    expected: [['metadata.namespace', 'Service "web" is in the "default" namespace']],
  },
  {
    rule: 'no-default-namespace',
    name: 'a Secret in default',
    object: inDefault('Secret'),
    expected: [['metadata.namespace', 'Secret "web" is in the "default" namespace']],
  },
  {
    rule: 'no-default-namespace',
    name: 'a RoleBinding in default',
    object: inDefault('RoleBinding', 'rbac.authorization.k8s.io/v1'),
    expected: [['metadata.namespace', 'RoleBinding "web" is in the "default" namespace']],
  },
  {
    rule: 'no-default-namespace',
    name: 'a NetworkPolicy in default',
    object: inDefault('NetworkPolicy', 'networking.k8s.io/v1'),
    expected: [['metadata.namespace', 'NetworkPolicy "web" is in the "default" namespace']],
  },
  // After the cases in default: the gate's test takes the first violating case of each rule.
  {
    rule: 'no-default-namespace',
    name: "a namespaced object without a namespace goes to kubectl's context namespace",
    object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { mode: 'live' } },
    expected: [['metadata.namespace', `ConfigMap "settings" has no namespace, so it goes to the namespace of kubectl's context`]],
  },
  {
    rule: 'no-default-namespace',
    name: 'without a namespace: a custom resource its CRD declares namespaced is flagged',
    object: { apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: { name: 'ca' } },
    others: [
      {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'issuers.cert-manager.io' },
        spec: { group: 'cert-manager.io', scope: 'Namespaced', names: { kind: 'Issuer', plural: 'issuers' } },
      },
    ],
    expected: [['metadata.namespace', 'Issuer "ca" has no namespace']],
  },
  {
    rule: 'no-default-namespace',
    name: 'without a namespace: a cluster-scoped kind is not flagged',
    object: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'reader' } },
    expected: [],
  },
  {
    rule: 'no-default-namespace',
    name: 'without a namespace: a custom kind without its CRD may be cluster-scoped, and is not flagged',
    object: { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: 'ca' } },
    expected: [],
  },
  {
    rule: 'no-default-namespace',
    name: 'without a namespace: an Event is not flagged',
    object: { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e' } },
    expected: [],
  },

  {
    rule: 'image-pull-always',
    name: 'unset on latest or untagged images complies: the API server defaults it to Always',
    object: deployment((s) => {
      delete container(s).imagePullPolicy;
      container(s).image = 'registry.example.com/shop/web:latest';
      delete container(s, 'setup').imagePullPolicy;
      container(s, 'setup').image = 'registry.example.com:5000/shop/setup';
    }),
    expected: [],
  },
  {
    rule: 'image-pull-always',
    name: 'unset on a tagged or digest-pinned image is still flagged',
    object: deployment((s) => {
      delete container(s).imagePullPolicy;
      container(s).image = 'registry.example.com/shop/web:1.4.2';
      delete container(s, 'setup').imagePullPolicy;
    }),
    expected: [
      ['spec.template.spec.initContainers[0].imagePullPolicy', 'init container "setup" does not set imagePullPolicy: Always'],
      ['spec.template.spec.containers[0].imagePullPolicy', 'container "web" does not set imagePullPolicy: Always'],
    ],
  },
  {
    rule: 'image-pull-always',
    name: 'unset on latest with a digest complies (the API server reads the tag); on an image it cannot parse, it is flagged',
    object: deployment((s) => {
      delete container(s).imagePullPolicy;
      container(s).image = `registry.example.com/shop/web:latest@sha256:${'b'.repeat(64)}`;
      delete container(s, 'setup').imagePullPolicy;
      container(s, 'setup').image = 'registry.example.com/Shop/setup';
    }),
    expected: [['spec.template.spec.initContainers[0].imagePullPolicy', 'init container "setup" does not set imagePullPolicy: Always']],
  },
];
