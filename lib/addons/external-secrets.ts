import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { HardeningError } from '../core/hardening-error';
import { requireDns1123Label } from '../core/names';
import { HardenedNamespace } from '../namespace/hardened-namespace';
import { ExceptionPolicy } from '../policy/exception-policy';
import { recordExceptions } from '../policy/exception-routing';
import { ONE_CONTROLLER_SKIPS, UNLISTED_PROBE_PORT_SKIPS } from '../policy/scanner-map';
import { ITrafficEndpoint } from '../network/traffic-rules';
import { trafficOf } from './addon-component';
import { AddOnResources, allowApiServer, allowWebhookCalls, ApiServerAddress, budgetOf } from './addon-props';
import { buildAddOn } from './addon-release';
import { pinnedImage } from './pinned-image';
import { replicaCount } from './replica-count';
import { Change, ContainerBudget, PodHardening } from './pod-hardening';
import { readVendoredRelease } from './vendored-release';

/** The chart rendering this construct was reviewed for: vendor/addons/external-secrets/rendered.yaml (chart helm-chart-2.9.0). */
const REVIEWED_SHA256 = 'b27a785d92e117d1ce8ef6871acae6564610ea010d6c2fe042aabe19983d86b2';
/** Its CustomResourceDefinitions (upstream's deploy/crds/bundle.yaml, which the packaged chart installs): vendor/addons/external-secrets/crds.yaml. */
const REVIEWED_CRDS_SHA256 = '08b08d88e9522436698d6c90510b530d491081fbf92015faa7a571bb8b50bc5b';
const NAMESPACE = 'external-secrets';
const CONTROLLER = 'external-secrets';
const WEBHOOK = 'external-secrets-webhook';
const CERT_CONTROLLER = 'external-secrets-cert-controller';
const UPSTREAM_IMAGE = 'ghcr.io/external-secrets/external-secrets:v2.9.0';
const WEBHOOK_PORT = 10250;
const CONTROLLER_ROLE = 'external-secrets-controller';
const WEBHOOK_SECRET = 'external-secrets-webhook';
const CERT_SECRET_ROLE = 'external-secrets-cert-controller-secret';

/** Props of `ExternalSecretsOperator`. */
export interface ExternalSecretsOperatorProps {
  /** Where the API server is: the controllers watch it, and it calls the validating webhook (port 10250). */
  readonly apiServer: ApiServerAddress;

  /**
   * The address blocks of the secret stores the controller reads (the cloud secret manager's
   * endpoints, a Vault cluster), for example `['52.94.0.0/16']`: the controller may send to
   * these on `storePort` and nowhere else outside the cluster. A store running in the cluster
   * is reached with `allowToStore` instead.
   */
  readonly storeCidrs: string[];

  /**
   * The port the stores listen on.
   *
   * @default 443
   */
  readonly storePort?: number;

  /**
   * The image of all three components, pinned by digest:
   * `ghcr.io/external-secrets/external-secrets:v2.9.0@sha256:...` (or a mirror of it). Required
   * because no two public records agreed on the digest of v2.9.0 when the add-on was reviewed:
   * read it from the registry (`crane digest ghcr.io/external-secrets/external-secrets:v2.9.0`).
   * Its tag, when given, must be v2.9.0.
   */
  readonly image: string;

  /**
   * Serve only the ExternalSecrets, SecretStores and PushSecrets of this one namespace (the
   * controller's `--namespace`, upstream's `scopedNamespace` with `scopedRBAC`): the controller's
   * role is then bound by a RoleBinding there instead of cluster-wide, so it reads and writes
   * Secrets of that namespace only, and the cluster-wide kinds (ClusterSecretStore,
   * ClusterExternalSecret, ClusterPushSecret) are not served.
   *
   * @default - every namespace
   */
  readonly watchNamespace?: string;

  /**
   * Serve ClusterExternalSecrets (one ExternalSecret copied into many namespaces). Their
   * controller puts a finalizer on every namespace it writes to, which needs `update` on
   * Namespaces: the power to relabel any namespace and lift its Pod Security level. Off, the
   * controller runs with `--enable-cluster-external-secret-reconciler=false` and without it.
   *
   * @default false
   */
  readonly clusterExternalSecrets?: boolean;

  /**
   * Let the controller mint tokens of ServiceAccounts (`create serviceaccounts/token`, upstream's
   * default): needed by SecretStores that authenticate as a ServiceAccount they name
   * (`serviceAccountRef`: Vault's Kubernetes auth, workload identity per store). Minting the
   * token of any account in any namespace is a way to its permissions, so it is off unless asked.
   *
   * @default false
   */
  readonly serviceAccountTokens?: boolean;

  /**
   * Controller replicas. Above one, the controller runs with `--enable-leader-election=true`
   * (upstream's default is off): one leads, the others stand by.
   *
   * @default 1
   */
  readonly replicas?: number;

  /**
   * Webhook replicas (spread over nodes, with a PodDisruptionBudget, when more than one). Its
   * webhook configurations fail closed: while no replica answers, no ExternalSecret or store can
   * be created or changed.
   *
   * @default 2
   */
  readonly webhookReplicas?: number;

  /**
   * The controller container's CPU and memory.
   *
   * @default { cpu: '50m', memory: '128Mi', memoryLimit: '512Mi' }
   */
  readonly resources?: AddOnResources;

  /**
   * The webhook and cert-controller containers' CPU and memory (each).
   *
   * @default { cpu: '10m', memory: '64Mi', memoryLimit: '256Mi' }
   */
  readonly webhookResources?: AddOnResources;
}

/**
 * The External Secrets Operator (v2.9.0, its Helm chart rendered with upstream's defaults and
 * vendored in vendor/addons/external-secrets, with its CustomResourceDefinitions), hardened: in
 * its own HardenedNamespace `external-secrets`. The controller sends to the API server and to
 * `storeCidrs` only; the webhook takes calls from the API server only; the cert-controller,
 * which keeps the webhook's certificate and writes its CA into the two
 * ValidatingWebhookConfigurations, sends to the API server only. REVIEW.md lists every change
 * from upstream and the departures it keeps.
 */
export class ExternalSecretsOperator extends Construct {
  /** The namespace (upstream's name: the webhook's certificate and its configurations name it). */
  public readonly namespace: HardenedNamespace;
  /** The controller, which reads the stores and writes the Secrets. */
  public readonly controller: ITrafficEndpoint;
  /** The validating webhook. */
  public readonly webhook: ITrafficEndpoint;
  /** The cert-controller. */
  public readonly certController: ITrafficEndpoint;

  constructor(scope: Construct, id: string, props: ExternalSecretsOperatorProps) {
    super(scope, id);
    const replicas = replicaCount(this, 'replicas', props.replicas ?? 1);
    const webhookReplicas = replicaCount(this, 'webhookReplicas', props.webhookReplicas ?? 2);
    if (!props.storeCidrs.length) {
      throw new HardeningError(
        this,
        "'storeCidrs' is empty. Give the address blocks of the secret stores the controller reads, for example the secret manager's endpoints.",
      );
    }
    const clusterExternalSecrets = props.clusterExternalSecrets ?? false;
    const serviceAccountTokens = props.serviceAccountTokens ?? false;
    const watched = props.watchNamespace === undefined ? undefined : requireDns1123Label(this, 'watchNamespace', props.watchNamespace);
    if (watched !== undefined && clusterExternalSecrets) {
      throw new HardeningError(
        this,
        "'clusterExternalSecrets' cannot be served with 'watchNamespace': a ClusterExternalSecret writes into many namespaces. Leave one of them out.",
      );
    }
    const image = pinnedImage(this, 'image', props.image, 'v2.9.0');
    const chart = readVendoredRelease(this, 'external-secrets', 'rendered.yaml', REVIEWED_SHA256);
    const crds = readVendoredRelease(this, 'external-secrets', 'crds.yaml', REVIEWED_CRDS_SHA256);
    const pod = (container: string, budget: ContainerBudget, callsApi: string): PodHardening => ({
      user: 65532,
      group: 65532,
      callsApi,
      writablePaths: [],
      budgets: { [container]: budget },
      images: { [UPSTREAM_IMAGE]: image.image },
    });
    const small = budgetOf({ cpu: '10m', memory: '64Mi', memoryLimit: '256Mi' }, props.webhookResources);
    const built = buildAddOn(this, {
      title: 'External Secrets Operator',
      release: { ...chart, objects: [...crds.objects, ...chart.objects] },
      namespace: { name: NAMESPACE, allowedRegistries: [image.repository] },
      workloads: [
        {
          kind: 'Deployment',
          name: CERT_CONTROLLER,
          scannerSkips: ONE_CONTROLLER_SKIPS,
          hardening: pod(
            'cert-controller',
            small,
            "keeps the webhook's serving certificate in its Secret and writes its CA into the two ValidatingWebhookConfigurations of the operator",
          ),
        },
        {
          kind: 'Deployment',
          name: CONTROLLER,
          replicas,
          scannerSkips: [...UNLISTED_PROBE_PORT_SKIPS, ...(replicas > 1 ? [] : ONE_CONTROLLER_SKIPS)],
          hardening: pod(
            'external-secrets',
            budgetOf({ cpu: '50m', memory: '128Mi', memoryLimit: '512Mi' }, props.resources),
            'watches ExternalSecrets and SecretStores in every namespace, reads the credentials they name and writes the target Secrets and their status',
          ),
        },
        {
          kind: 'Deployment',
          name: WEBHOOK,
          replicas: webhookReplicas,
          hardening: pod(
            'webhook',
            small,
            "controller-runtime's manager, which serves the webhook, loads the in-cluster configuration at start and exits without a token; the account is bound to no role and the pod may not reach the API server",
          ),
        },
      ],
      edits: [
        { kind: 'ClusterRole', name: CERT_CONTROLLER, edit: (object) => narrowCertController(object) },
        {
          kind: 'ClusterRole',
          name: CONTROLLER_ROLE,
          edit: (object) => narrowController(object, { clusterExternalSecrets, serviceAccountTokens }),
        },
        {
          kind: 'Deployment',
          name: CONTROLLER,
          edit: (object) => [
            ...appendArguments(object, controllerArguments(clusterExternalSecrets, watched, replicas)),
            ...probe(object, 'livenessProbe', '/healthz', 8082),
            ...probe(object, 'readinessProbe', '/readyz', 8082),
          ],
        },
        { kind: 'Deployment', name: CERT_CONTROLLER, edit: (object) => probe(object, 'livenessProbe', '/healthz', 'ready') },
        { kind: 'Deployment', name: WEBHOOK, edit: (object) => probe(object, 'livenessProbe', '/healthz', 'ready') },
      ],
      leftOut: [
        {
          kind: 'ClusterRole',
          name: 'external-secrets-edit',
          why: "it aggregates create on SecretStores, ExternalSecrets, PushSecrets and generators into every namespace's built-in edit and admin roles: a namespace editor could create a SecretStore without credentials, which the operator serves with its own cloud identity whatever the ClusterSecretStore's conditions say, or push Secrets out. The platform writes the ExternalSecrets, against its ClusterSecretStore",
        },
        ...(watched === undefined
          ? []
          : [
              {
                kind: 'ClusterRoleBinding',
                name: CONTROLLER_ROLE,
                why: `watchNamespace is ${watched}: the controller's role is bound by a RoleBinding in that namespace instead`,
              },
            ]),
      ],
      objectExceptions: [
        {
          kind: 'ClusterRole',
          name: CONTROLLER_ROLE,
          exceptions: [
            { rule: 'rbac-namespace-escalation-powers', reason: WRITES_TARGET_SECRETS, accepts: ['read secrets', 'create secrets'] },
            ...(serviceAccountTokens
              ? [
                  {
                    rule: 'rbac-no-exec-attach-portforward',
                    reason:
                      'serviceAccountTokens was asked for: SecretStores authenticate to their store as the ServiceAccount they name (serviceAccountRef), whose token the controller requests; a namespaced SecretStore may name only accounts of its own namespace',
                    accepts: ['create serviceaccounts/token'],
                  },
                ]
              : []),
            ...(clusterExternalSecrets
              ? [
                  {
                    rule: 'rbac-no-cluster-takeover-powers',
                    reason:
                      'clusterExternalSecrets was asked for: the ClusterExternalSecret controller puts its finalizer on each namespace it writes an ExternalSecret into, and removes it when the namespace goes',
                    accepts: ['patch namespaces'],
                  },
                ]
              : []),
          ],
        },
        ...(watched === undefined
          ? [
              {
                kind: 'ClusterRoleBinding',
                name: CONTROLLER_ROLE,
                exceptions: [
                  {
                    rule: 'rbac-no-cluster-secret-read',
                    reason: `${WRITES_TARGET_SECRETS}, in every namespace`,
                    accepts: ['read secrets'],
                  },
                  {
                    rule: 'rbac-cluster-scope',
                    reason:
                      'ExternalSecrets and SecretStores of every namespace are served: the controller watches them cluster-wide and writes the Secrets in their namespaces',
                  },
                ],
              },
            ]
          : []),
        {
          kind: 'ClusterRole',
          name: CERT_CONTROLLER,
          exceptions: [
            {
              rule: 'rbac-no-cluster-takeover-powers',
              reason:
                "the cert-controller writes the CA of the webhook's certificate into the operator's own two ValidatingWebhookConfigurations, narrowed to them by resourceNames, and again whenever it renews the certificate",
              accepts: ['create validatingwebhookconfigurations'],
            },
          ],
        },
        {
          kind: 'ClusterRoleBinding',
          name: CERT_CONTROLLER,
          exceptions: [
            {
              rule: 'rbac-cluster-scope',
              reason:
                'ValidatingWebhookConfigurations and CustomResourceDefinitions are cluster-scoped: only a ClusterRoleBinding lets the cert-controller keep its own; its Secret is granted by a Role in its namespace',
            },
          ],
        },
      ],
    });
    this.namespace = built.namespace;
    this.controller = built.components.get(CONTROLLER)!;
    this.webhook = built.components.get(WEBHOOK)!;
    this.certController = built.components.get(CERT_CONTROLLER)!;
    allowApiServer(this, this.controller, props.apiServer, 'apiServer');
    allowApiServer(this, this.certController, props.apiServer, 'apiServer');
    allowWebhookCalls(this.webhook, props.apiServer, WEBHOOK_PORT, 'apiServer');
    certControllerSecretAccess(this);
    if (watched !== undefined) bindControllerIn(this, watched);
    const port = props.storePort ?? 443;
    props.storeCidrs.forEach((cidr, i) => trafficOf(this.controller).allowEgressToCidr(cidr, [], { port }, `storeCidrs[${i}]`));
  }

  /** Lets the controller reach a secret store running in the cluster (the store must allow the controller too). */
  public allowToStore(store: ITrafficEndpoint, port: number): void {
    trafficOf(this.controller).allowToWorkload(store, { port });
  }
}

type Json = Record<string, unknown>;
type Rule = { apiGroups: string[]; resources: string[]; resourceNames?: string[]; verbs: string[] };

/** The cert-controller's own Secret, granted in its namespace instead of upstream's cluster-wide Secret reads. */
function certControllerSecretAccess(scope: Construct): void {
  const metadata = { name: CERT_SECRET_ROLE, namespace: NAMESPACE, labels: { 'app.kubernetes.io/name': CERT_CONTROLLER } };
  const role = new ApiObject(scope, 'Role-cert-controller-secret', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata,
    rules: [{ apiGroups: [''], resources: ['secrets'], resourceNames: [WEBHOOK_SECRET], verbs: ['get', 'update', 'patch'] }],
  });
  recordExceptions(
    role,
    new ExceptionPolicy(role, [
      {
        rule: 'rbac-namespace-escalation-powers',
        reason: "the cert-controller keeps the webhook's serving certificate and key in this one Secret, renewing them before they expire",
        accepts: ['read secrets'],
      },
    ]),
  );
  new ApiObject(scope, 'RoleBinding-cert-controller-secret', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata,
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: CERT_SECRET_ROLE },
    subjects: [{ kind: 'ServiceAccount', name: CERT_CONTROLLER, namespace: NAMESPACE }],
  });
}

/** The controller's ClusterRole granted in the one namespace it watches. */
function bindControllerIn(scope: Construct, namespace: string): void {
  new ApiObject(scope, 'RoleBinding-controller', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: CONTROLLER_ROLE, namespace, labels: { 'app.kubernetes.io/name': CONTROLLER } },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: CONTROLLER_ROLE },
    subjects: [{ kind: 'ServiceAccount', name: CONTROLLER, namespace: NAMESPACE }],
  });
}

/**
 * The controller's arguments beyond upstream's: leader election when it has several replicas
 * (upstream's leaderElect, off by default: two active controllers would write the same Secrets),
 * the kinds it does not serve, and the namespace it watches (as upstream's scopedRBAC).
 */
function controllerArguments(clusterExternalSecrets: boolean, watched: string | undefined, replicas: number): string[] {
  const election = replicas > 1 ? ['--enable-leader-election=true'] : [];
  if (watched === undefined) return [...election, ...(clusterExternalSecrets ? [] : ['--enable-cluster-external-secret-reconciler=false'])];
  return [
    ...election,
    `--namespace=${watched}`,
    '--enable-cluster-store-reconciler=false',
    '--enable-cluster-external-secret-reconciler=false',
    '--enable-cluster-push-secret-reconciler=false',
  ];
}

/** Why the controller reads and writes Secrets everywhere. */
const WRITES_TARGET_SECRETS =
  "the controller writes the target Secret of every ExternalSecret it serves, in that ExternalSecret's namespace, and reads the Secrets its SecretStores name as credentials (and its PushSecrets as their source)";

/**
 * The cert-controller reads and writes only its own Secret (a Role in its namespace, added by
 * the construct: Secrets bypass its cache, one GET by name), updates no CustomResourceDefinition
 * (v2.9.0's have no conversion webhook, so their strategy is None and it leaves them as they are)
 * and holds no Lease (it runs without leader election).
 */
function narrowCertController(clusterRole: Json): Change[] {
  return removeRules(clusterRole, (r) => {
    if (r.resources.includes('secrets')) return `moved to the Role ${CERT_SECRET_ROLE}: its own Secret, in its namespace`;
    if (r.resources.includes('leases')) return 'unused: the cert-controller runs without --enable-leader-election';
    if (r.resources.includes('customresourcedefinitions') && r.verbs.includes('update'))
      return 'unused: the CRDs have no conversion webhook (strategy None), so the cert-controller never updates them';
    return undefined;
  });
}

/** Without ClusterExternalSecrets, no finalizer on namespaces; without serviceAccountTokens, no tokens minted. */
function narrowController(clusterRole: Json, keep: { clusterExternalSecrets: boolean; serviceAccountTokens: boolean }): Change[] {
  return removeRules(clusterRole, (r) => {
    if (!keep.clusterExternalSecrets && r.resources.includes('namespaces') && r.verbs.includes('update'))
      return 'clusterExternalSecrets is off: no namespace finalizers';
    if (!keep.serviceAccountTokens && r.resources.includes('serviceaccounts/token')) return 'serviceAccountTokens is off';
    return undefined;
  });
}

/** Removes the rules for which `why` gives a reason, logging each with it. */
function removeRules(clusterRole: Json, why: (rule: Rule) => string | undefined): Change[] {
  const rules = clusterRole.rules as Rule[];
  const changes = rules.flatMap((r, i) => {
    const reason = why(r);
    return reason ? [{ field: `rules[${i}]`, from: JSON.stringify(r), to: `(removed: ${reason})` }] : [];
  });
  clusterRole.rules = rules.filter((r) => why(r) === undefined);
  return changes;
}

function firstContainer(deployment: Json): Json & { name: string } {
  return (deployment.spec as { template: { spec: { containers: Array<Json & { name: string }> } } }).template.spec.containers[0];
}

function appendArguments(deployment: Json, args: string[]): Change[] {
  if (!args.length) return [];
  const container = firstContainer(deployment);
  const before = container.args as string[];
  container.args = [...before, ...args];
  return [
    { field: `spec.template.spec.containers[${container.name}].args`, from: JSON.stringify(before), to: JSON.stringify(container.args) },
  ];
}

/** Upstream leaves the probe out: the health endpoint the component serves anyway (controller-runtime's /healthz and /readyz). */
function probe(deployment: Json, kind: 'livenessProbe' | 'readinessProbe', path: string, port: number | string): Change[] {
  const container = firstContainer(deployment);
  if (container[kind] !== undefined) return [];
  container[kind] = { httpGet: { path, port }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 5 };
  return [{ field: `spec.template.spec.containers[${container.name}].${kind}`, from: '(unset)', to: JSON.stringify(container[kind]) }];
}
