import { Construct } from 'constructs';
import { requireDns1123Label } from '../core/names';
import { HardenedNamespace } from '../namespace/hardened-namespace';
import { NET_BIND_SERVICE_SKIPS, UNLISTED_PROBE_PORT_SKIPS } from '../policy/scanner-map';
import { ITrafficEndpoint, NetworkProtocol } from '../network/traffic-rules';
import { trafficOf } from './addon-component';
import { AddOnResources, allowApiServer, allowWebhookCalls, ApiServerAddress, budgetOf } from './addon-props';
import { buildAddOn } from './addon-release';
import { Change } from './pod-hardening';
import { readVendoredRelease } from './vendored-release';
import { replicaCount } from './replica-count';

/** The ingress-nginx release this construct was reviewed for: vendor/addons/ingress-nginx/deploy.yaml. */
const REVIEWED_SHA256 = '502fddca66b09c20dd48b6d0a792a9671cd663a3a0d2a8bda5ae990d13b6c5b2';
const NAMESPACE = 'ingress-nginx';
const CONTROLLER = 'ingress-nginx-controller';
const HTTP = 80;
const HTTPS = 443;
const WEBHOOK = 8443;

/** Props of `IngressNginx`. */
export interface IngressNginxProps {
  /** Where the API server is: the controller watches it, and it calls the controller's admission webhook. */
  readonly apiServer: ApiServerAddress;

  /**
   * Who may connect to ports 80 and 443. The whole internet needs nothing more: it is what
   * an internet-facing ingress controller is for, and the add-on records that exception.
   *
   * @default ['0.0.0.0/0']
   */
  readonly clientCidrs?: string[];

  /**
   * Controller replicas (spread over nodes, with a PodDisruptionBudget).
   *
   * @default 2
   */
  readonly replicas?: number;

  /**
   * Name of the IngressClass the controller serves.
   *
   * @default 'nginx'
   */
  readonly ingressClass?: string;

  /**
   * The controller container's CPU and memory.
   *
   * @default { cpu: '100m', memory: '90Mi', memoryLimit: '512Mi' }
   */
  readonly resources?: AddOnResources;
}

/**
 * ingress-nginx (controller v1.15.1, the upstream `cloud` manifest vendored in
 * vendor/addons/ingress-nginx), hardened: in its own HardenedNamespace, reachable from the
 * client CIDRs on 80/443 and from the API server on its webhook port, sending only to the API
 * server and to the backends given to `allowToBackend`, two replicas spread over nodes.
 * REVIEW.md lists every change from upstream and the departures it keeps.
 */
export class IngressNginx extends Construct {
  /** The namespace (upstream's name: its arguments and certificates name it). */
  public readonly namespace: HardenedNamespace;
  /** The IngressClass the controller serves. */
  public readonly ingressClass: string;
  /** The controller, as a traffic endpoint (the tenants' `allowFromIngressController` selects it). */
  public readonly controller: ITrafficEndpoint;

  constructor(scope: Construct, id: string, props: IngressNginxProps) {
    super(scope, id);
    const replicas = replicaCount(this, 'replicas', props.replicas ?? 2, "Two keep the entry point up through a node's drain.");
    this.ingressClass = requireDns1123Label(this, 'ingressClass', props.ingressClass ?? 'nginx');
    const release = readVendoredRelease(this, 'ingress-nginx', 'deploy.yaml', REVIEWED_SHA256);
    const certgen = { cpu: '10m', memory: '32Mi', memoryLimit: '64Mi' };
    const jobHardening = (container: string) => ({
      user: 65532,
      group: 65532,
      callsApi:
        container === 'create'
          ? 'creates the Secret holding the admission webhook certificate (kube-webhook-certgen create)'
          : 'writes the CA of that certificate into the ValidatingWebhookConfiguration (kube-webhook-certgen patch)',
      writablePaths: [],
      budgets: { [container]: certgen },
      images: {},
    });
    const built = buildAddOn(this, {
      title: 'ingress-nginx',
      release,
      namespace: {
        name: NAMESPACE,
        allowedRegistries: ['registry.k8s.io/ingress-nginx'],
        // The one Service of the cluster that takes traffic from outside.
        quota: { 'services.loadbalancers': '1', 'services.nodeports': '2' },
      },
      workloads: [
        {
          kind: 'Deployment',
          name: CONTROLLER,
          replicas,
          scannerSkips: [...NET_BIND_SERVICE_SKIPS, ...UNLISTED_PROBE_PORT_SKIPS],
          hardening: {
            user: 101,
            group: 82,
            callsApi:
              'watches Ingresses, Services, EndpointSlices and the TLS Secrets Ingresses name, and writes Ingress status and its leader-election Lease',
            writableRoot: ['controller'],
            writablePaths: [],
            capabilities: { controller: ['NET_BIND_SERVICE'] },
            budgets: { controller: budgetOf({ cpu: '100m', memory: '90Mi', memoryLimit: '512Mi' }, props.resources) },
            images: {},
          },
          exceptions: [
            {
              rule: 'distinct-probes',
              reason:
                'the controller has one health endpoint, /healthz on port 10254, which checks nginx and the controller loop alike; upstream probes it for both',
            },
            {
              rule: 'read-only-root-filesystem',
              reason:
                'the controller writes nginx.conf, Lua state and temporary buffers under /etc/nginx and /tmp/nginx of its image at runtime; emptyDirs there would hide the files the image ships (upstream keeps it writable too)',
            },
            {
              rule: 'high-user-group-ids',
              reason: "the image's nginx files belong to www-data (uid 101, gid 82); another user cannot read its configuration templates",
            },
          ],
        },
        { kind: 'Job', name: 'ingress-nginx-admission-create', hardening: jobHardening('create') },
        { kind: 'Job', name: 'ingress-nginx-admission-patch', hardening: jobHardening('patch') },
      ],
      objectExceptions: [
        {
          kind: 'ClusterRole',
          name: 'ingress-nginx',
          exceptions: [{ rule: 'rbac-namespace-escalation-powers', reason: SERVES_TLS, accepts: ['read secrets'] }],
        },
        {
          kind: 'ClusterRoleBinding',
          name: 'ingress-nginx',
          exceptions: [
            { rule: 'rbac-no-cluster-secret-read', reason: SERVES_TLS, accepts: ['read secrets'] },
            {
              rule: 'rbac-cluster-scope',
              reason:
                'Ingresses of every namespace are served: the controller watches them, their Services and EndpointSlices cluster-wide',
            },
          ],
        },
        {
          kind: 'Role',
          name: 'ingress-nginx',
          exceptions: [{ rule: 'rbac-namespace-escalation-powers', reason: SERVES_TLS, accepts: ['read secrets'] }],
        },
        {
          kind: 'Role',
          name: 'ingress-nginx-admission',
          exceptions: [
            {
              rule: 'rbac-namespace-escalation-powers',
              reason:
                'kube-webhook-certgen creates the webhook certificate Secret in its own namespace (create cannot be narrowed by name) and reads back only that one',
              accepts: ['create secrets', 'read secrets'],
            },
          ],
        },
        {
          kind: 'ClusterRole',
          name: 'ingress-nginx-admission',
          exceptions: [
            {
              rule: 'rbac-no-cluster-takeover-powers',
              reason:
                "kube-webhook-certgen patch writes the CA bundle into the controller's own ValidatingWebhookConfiguration, narrowed to it by resourceNames; it runs once per install",
              accepts: ['create validatingwebhookconfigurations'],
            },
          ],
        },
        {
          kind: 'ClusterRoleBinding',
          name: 'ingress-nginx-admission',
          exceptions: [
            {
              rule: 'rbac-cluster-scope',
              reason: 'ValidatingWebhookConfigurations are cluster-scoped: only a ClusterRoleBinding grants the patch of its own',
            },
          ],
        },
      ],
      edits: [
        { kind: 'ClusterRole', name: 'ingress-nginx-admission', edit: (object) => ownWebhookOnly(object) },
        { kind: 'Role', name: 'ingress-nginx-admission', edit: (object) => ownCertificateOnly(object) },
        { kind: 'ConfigMap', name: CONTROLLER, edit: (object) => safeConfiguration(object) },
        { kind: 'IngressClass', name: 'nginx', edit: (object) => renameIngressClass(object, this.ingressClass) },
        { kind: 'Deployment', name: CONTROLLER, edit: (object) => controllerArguments(object, this.ingressClass) },
      ],
      networkExceptions: {
        [CONTROLLER]: (props.clientCidrs ?? ['0.0.0.0/0']).some((c) => c === '0.0.0.0/0' || c === '::/0')
          ? [
              {
                rule: 'network-ingress-from-anywhere',
                reason:
                  "the ingress controller is the cluster's entry point from the internet: clients connect from any address to ports 80 and 443",
              },
            ]
          : [],
      },
    });
    this.namespace = built.namespace;
    this.controller = built.components.get(CONTROLLER)!;
    (props.clientCidrs ?? ['0.0.0.0/0']).forEach((cidr, i) => {
      for (const port of [HTTP, HTTPS]) trafficOf(this.controller).allowFromCidr(cidr, [], { port }, `clientCidrs[${i}]`);
    });
    allowWebhookCalls(this.controller, props.apiServer, WEBHOOK, 'apiServer');
    for (const component of built.components.values()) allowApiServer(this, component, props.apiServer, 'apiServer');
  }

  /** Lets the controller forward requests to `backend` on `port` (the backend must allow them from the controller too). */
  public allowToBackend(backend: ITrafficEndpoint, port: number, protocol: NetworkProtocol = NetworkProtocol.TCP): void {
    trafficOf(this.controller).allowToWorkload(backend, { port, protocol });
  }
}

/** Why the controller reads Secrets everywhere. */
const SERVES_TLS =
  "the controller terminates TLS for Ingresses in every namespace with the kubernetes.io/tls Secrets they name; RBAC cannot narrow a list or watch by Secret type, so it reads every Secret of the cluster (other controllers' keys included): its pods are the ones to guard (no token but its own, no ingress but 80/443 and the API server's webhook calls)";

/** kube-webhook-certgen reads back only its own certificate Secret (upstream: any Secret of the namespace); create cannot be limited by name. */
function ownCertificateOnly(role: Record<string, unknown>): Change[] {
  const [rule] = role.rules as Array<Record<string, unknown>>;
  role.rules = [
    { apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: ['ingress-nginx-admission'] },
    { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
  ];
  return [{ field: 'rules', from: JSON.stringify([rule]), to: JSON.stringify(role.rules) }];
}

/** The webhook patch Job may update only the controller's own ValidatingWebhookConfiguration (upstream: any). */
function ownWebhookOnly(clusterRole: Record<string, unknown>): Change[] {
  const rules = clusterRole.rules as Array<Record<string, unknown>>;
  const rule = rules.find((r) => (r.resources as string[]).includes('validatingwebhookconfigurations'))!;
  rule.resourceNames = ['ingress-nginx-admission'];
  return [{ field: 'rules[0].resourceNames', from: '(unset: every ValidatingWebhookConfiguration)', to: '["ingress-nginx-admission"]' }];
}

function renameIngressClass(ingressClass: Record<string, unknown>, name: string): Change[] {
  const metadata = ingressClass.metadata as Record<string, unknown>;
  if (metadata.name === name) return [];
  metadata.name = name;
  return [{ field: 'metadata.name', from: '"nginx"', to: JSON.stringify(name) }];
}

/**
 * The controller serves only its own IngressClass (`--watch-ingress-without-class` stays off, as
 * upstream), and no ExternalName Service: an Ingress to one would make the controller, which may
 * reach the API server, a proxy to any name a tenant writes (kubernetes.default.svc included).
 */
function controllerArguments(deployment: Record<string, unknown>, ingressClass: string): Change[] {
  const spec = deployment.spec as { template: { spec: { containers: Array<Record<string, unknown>> } } };
  const container = spec.template.spec.containers[0];
  const args = container.args as string[];
  const changes: Change[] = [];
  const i = args.indexOf('--ingress-class=nginx');
  if (i >= 0 && ingressClass !== 'nginx') {
    args[i] = `--ingress-class=${ingressClass}`;
    changes.push({ field: 'spec.template.spec.containers[controller].args', from: '"--ingress-class=nginx"', to: JSON.stringify(args[i]) });
  }
  args.push('--disable-svc-external-name');
  changes.push({ field: 'spec.template.spec.containers[controller].args', from: '(absent)', to: '"--disable-svc-external-name"' });
  return changes;
}

/**
 * The settings that keep a tenant's Ingress annotations from reaching nginx's configuration
 * (the IngressNightmare class, CVE-2025-1974), written down instead of left to the release's
 * defaults: no snippet annotations, and only annotations of High risk or below.
 */
const SAFE_CONFIGURATION = { 'allow-snippet-annotations': 'false', 'annotations-risk-level': 'High' };

function safeConfiguration(configMap: Record<string, unknown>): Change[] {
  const before = configMap.data;
  configMap.data = { ...((before as Record<string, string> | null) ?? {}), ...SAFE_CONFIGURATION };
  return [{ field: 'data', from: JSON.stringify(before ?? null), to: JSON.stringify(configMap.data) }];
}
