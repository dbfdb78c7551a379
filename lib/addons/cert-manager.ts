import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { ITrafficEndpoint } from '../network/traffic-rules';
import { HardeningException } from '../core/exceptions';
import { requireDns1123Label } from '../core/names';
import { HardenedNamespace } from '../namespace/hardened-namespace';
import { trafficOf } from './addon-component';
import { AddOnResources, allowApiServer, allowWebhookCalls, ApiServerAddress, budgetOf } from './addon-props';
import { buildAddOn, ObjectEdit, ObjectRef } from './addon-release';
import { Change } from './pod-hardening';
import { readVendoredRelease } from './vendored-release';
import { replicaCount } from './replica-count';

type Json = Record<string, unknown>;

/** The cert-manager release this construct was reviewed for: vendor/addons/cert-manager/rendered.yaml. */
const REVIEWED_SHA256 = '5cf40fe493484530217bd6a68db3d0cb9f611a5c6e3c4f6e31533dfccb9aee33';
const NAMESPACE = 'cert-manager';
const CONTROLLER = 'cert-manager';
const CAINJECTOR = 'cert-manager-cainjector';
const WEBHOOK = 'cert-manager-webhook';
/** The webhook's HTTPS port (`--secure-port`), which the API server calls. */
const WEBHOOK_PORT = 10250;
const HTTPS = 443;
const HTTP = 80;
/** cert-manager's images are distroless static: any user runs them; this is distroless' nonroot. */
const USER = 65532;

/**
 * The image indexes (all platforms) of v1.21.1, read in public files that pin them and agree:
 * an Argo CD/Nix cert-manager setup (den aspect, all five), openagents' livekit-ops-policy.mjs
 * (all five), an edge-platform validator (controller, cainjector, webhook, startupapicheck) and
 * a CloudNativePG contract test (controller, cainjector, webhook). One further file lists other
 * digests for three of them (per-platform manifests, by every sign); it was not followed.
 */
const IMAGES = {
  controller: 'quay.io/jetstack/cert-manager-controller:v1.21.1@sha256:416a2d76870d996460e62bd7f521bf14fa017be9e3e904aab92163a331fcb61a',
  cainjector: 'quay.io/jetstack/cert-manager-cainjector:v1.21.1@sha256:ccf6b919ec0500745a47a910118f834f9636d0aac1ff221245cd2557ed8c7c98',
  webhook: 'quay.io/jetstack/cert-manager-webhook:v1.21.1@sha256:d8b3961b51c8c7320633f8208dc46bf88aa13804d0f7cbe48a096b2c523cee42',
  acmesolver: 'quay.io/jetstack/cert-manager-acmesolver:v1.21.1@sha256:dbc7cc1354f603918e7c5af7f55a0a620537394452c93a565bde75c6f48e8837',
} as const;

/** Props of `CertManager`. */
export interface CertManagerProps {
  /** Where the API server is: every component calls it, and it calls the webhook. */
  readonly apiServer: ApiServerAddress;

  /**
   * Blocks the controller may reach on port 443: the ACME servers of your Issuers (Let's
   * Encrypt: its API's addresses) and the APIs of DNS providers used for DNS-01 challenges.
   * None by default: the controller then reaches only the API server and the cluster DNS,
   * which is enough for CA, SelfSigned and Vault-in-cluster issuers but not for ACME.
   *
   * @default []
   */
  readonly acmeCidrs?: string[];

  /**
   * Blocks the controller may reach on port 80 for the HTTP-01 self check (it fetches
   * `http://<domain>/.well-known/acme-challenge/...` before telling the ACME server to):
   * the public addresses of your ingress. Without them HTTP-01 challenges never pass the check.
   *
   * @default []
   */
  readonly http01SelfCheckCidrs?: string[];

  /**
   * Limits cert-manager to one namespace (its `--namespace`; it supports one, not a list):
   * Certificates, Issuers and their Secrets are watched and written there only, ClusterIssuers
   * are off, and the controller's powers over Secrets, pods and Ingresses are granted by
   * RoleBindings in that namespace instead of ClusterRoleBindings.
   *
   * @default - every namespace
   */
  readonly watchNamespace?: string;

  /**
   * Controller replicas: one leads, the others wait (leader election on a Lease), so a drain
   * does not stop issuance.
   *
   * @default 2
   */
  readonly controllerReplicas?: number;

  /**
   * Webhook replicas (spread over nodes, with a PodDisruptionBudget). Its webhook configurations
   * fail closed, so while no replica answers, no cert-manager object can be created or changed.
   *
   * @default 2
   */
  readonly webhookReplicas?: number;

  /**
   * The controller container's CPU and memory.
   *
   * @default { cpu: '50m', memory: '128Mi', memoryLimit: '512Mi' }
   */
  readonly controllerResources?: AddOnResources;

  /**
   * The webhook container's CPU and memory.
   *
   * @default { cpu: '20m', memory: '32Mi', memoryLimit: '128Mi' }
   */
  readonly webhookResources?: AddOnResources;

  /**
   * The cainjector container's CPU and memory.
   *
   * @default { cpu: '20m', memory: '64Mi', memoryLimit: '256Mi' }
   */
  readonly cainjectorResources?: AddOnResources;
}

/**
 * cert-manager (v1.21.1, its Helm chart rendered with CRDs into vendor/addons/cert-manager),
 * hardened: controller, webhook and cainjector in their own HardenedNamespace, each reaching
 * only the API server (the controller also the blocks given for ACME and HTTP-01 self checks),
 * the webhook reachable from the API server only; leader election in cert-manager's own
 * namespace instead of kube-system; the cainjector limited to the CA of cert-manager's own
 * webhook; the startupapicheck hook and the experimental CertificateSigningRequest RBAC left
 * out. REVIEW.md lists every change from upstream and the departures it keeps.
 */
export class CertManager extends Construct {
  /** The namespace (upstream's name: the webhook's certificate and the controller's arguments name it). */
  public readonly namespace: HardenedNamespace;
  /** The controller, as a traffic endpoint. */
  public readonly controller: ITrafficEndpoint;
  /** The admission webhook, as a traffic endpoint. */
  public readonly webhook: ITrafficEndpoint;
  /** The CA injector, as a traffic endpoint. */
  public readonly cainjector: ITrafficEndpoint;

  constructor(scope: Construct, id: string, props: CertManagerProps) {
    super(scope, id);
    const controllerReplicas = replicaCount(this, 'controllerReplicas', props.controllerReplicas ?? 2);
    const webhookReplicas = replicaCount(this, 'webhookReplicas', props.webhookReplicas ?? 2);
    const watched = props.watchNamespace === undefined ? undefined : requireDns1123Label(this, 'watchNamespace', props.watchNamespace);
    const release = readVendoredRelease(this, 'cert-manager', 'rendered.yaml', REVIEWED_SHA256);
    const hardening = (
      container: string,
      image: string,
      callsApi: string,
      budget: { cpu: string; memory: string; memoryLimit: string },
    ) => ({
      user: USER,
      group: USER,
      callsApi,
      writablePaths: [],
      budgets: { [container]: budget },
      images: { [image.replace(/@sha256:.*$/, '')]: image },
    });
    const built = buildAddOn(this, {
      title: 'cert-manager',
      release,
      namespace: { name: NAMESPACE, allowedRegistries: ['quay.io/jetstack'] },
      workloads: [
        {
          kind: 'Deployment',
          name: CONTROLLER,
          replicas: controllerReplicas,
          hardening: hardening(
            'cert-manager-controller',
            IMAGES.controller,
            'reconciles Issuers, Certificates, CertificateRequests, Orders and Challenges in the namespaces it watches, writes the certificates into Secrets there, creates the HTTP-01 solver pods, Services and Ingresses, and holds its leader-election Lease',
            budgetOf({ cpu: '50m', memory: '128Mi', memoryLimit: '512Mi' }, props.controllerResources),
          ),
          exceptions: [
            {
              rule: 'readiness-probe',
              reason:
                'the controller serves no traffic (it only calls out): upstream gives it a liveness probe on /livez and nothing to be ready for',
            },
          ],
        },
        {
          kind: 'Deployment',
          name: WEBHOOK,
          replicas: webhookReplicas,
          hardening: hardening(
            'cert-manager-webhook',
            IMAGES.webhook,
            "keeps its serving CA in the Secret cert-manager-webhook-ca and checks with SubjectAccessReviews that a CertificateRequest's requester may use the issuer it names",
            budgetOf({ cpu: '20m', memory: '32Mi', memoryLimit: '128Mi' }, props.webhookResources),
          ),
        },
        {
          kind: 'Deployment',
          name: CAINJECTOR,
          // Leader-elected, as the controller: the second waits, so the webhook's CA bundle is still injected through a drain.
          replicas: 2,
          hardening: hardening(
            'cert-manager-cainjector',
            IMAGES.cainjector,
            "writes the webhook's CA into cert-manager-webhook's Validating- and MutatingWebhookConfiguration, reading it from the Secret cert-manager-webhook-ca, and holds its leader-election Lease",
            budgetOf({ cpu: '20m', memory: '64Mi', memoryLimit: '256Mi' }, props.cainjectorResources),
          ),
          exceptions: [
            {
              rule: 'readiness-probe',
              reason:
                'the cainjector serves no traffic and exposes no health endpoint upstream; it only watches and patches through the API',
            },
            {
              rule: 'liveness-probe',
              reason:
                'the cainjector exposes no health endpoint upstream, only metrics on 9402, whose answer would say no more than that the process listens',
            },
          ],
        },
      ],
      leftOut: [
        { kind: 'Job', name: 'cert-manager-startupapicheck', why: STARTUPAPICHECK },
        ...[
          ['ServiceAccount', 'cert-manager-startupapicheck'],
          ['Role', 'cert-manager-startupapicheck:create-cert'],
          ['RoleBinding', 'cert-manager-startupapicheck:create-cert'],
        ].map(([kind, name]) => ({ kind, name, why: 'the account of the startupapicheck hook (left out, above) and what it may do' })),
        ...['ClusterRole', 'ClusterRoleBinding'].map((kind) => ({
          kind,
          name: 'cert-manager-controller-certificatesigningrequests',
          why: 'grants signing of Kubernetes CertificateSigningRequests for the experimental CSR controllers, which are off (feature gate ExperimentalCertificateSigningRequestControllers, alpha, default false): no code that runs uses it',
        })),
        ...(watched ? watchedLeftOut(watched) : []),
      ],
      edits: editsOf(watched),
      objectExceptions: rbacExceptions(watched),
    });
    this.namespace = built.namespace;
    this.controller = built.components.get(CONTROLLER)!;
    this.webhook = built.components.get(WEBHOOK)!;
    this.cainjector = built.components.get(CAINJECTOR)!;
    for (const component of built.components.values()) allowApiServer(this, component, props.apiServer, 'apiServer');
    allowWebhookCalls(this.webhook, props.apiServer, WEBHOOK_PORT, 'apiServer');
    if (watched) for (const role of IN_WATCHED_NAMESPACE) bindInWatchedNamespace(this, role, watched);
    (props.acmeCidrs ?? []).forEach((cidr, i) =>
      trafficOf(this.controller).allowEgressToCidr(cidr, [], { port: HTTPS }, `acmeCidrs[${i}]`),
    );
    (props.http01SelfCheckCidrs ?? []).forEach((cidr, i) =>
      trafficOf(this.controller).allowEgressToCidr(cidr, [], { port: HTTP }, `http01SelfCheckCidrs[${i}]`),
    );
  }
}

const STARTUPAPICHECK =
  "a Helm post-install hook that only waits until the webhook answers (a dry-run CertificateRequest) and is then deleted; outside Helm it would be a Job with an API token left behind after its one run, and Argo CD would run it again as a PostSync hook on every sync. The webhook's own readiness probe and the Deployments' rollout say the same";

/** Each edit of upstream's objects (two of one object are merged: buildAddOn takes one per object). */
function editsOf(watched: string | undefined): ObjectEdit[] {
  const controllerArguments = { ...CONTROLLER_ARGUMENTS, ...(watched ? { '--namespace': watched } : {}) };
  return (
    [
      ...['Role', 'RoleBinding'].flatMap((kind) =>
        ['cert-manager:leaderelection', 'cert-manager-cainjector:leaderelection'].map((name): ObjectEdit => ({
          kind,
          name,
          edit: (object) => intoOwnNamespace(object),
        })),
      ),
      { kind: 'Role', name: 'cert-manager-cainjector:leaderelection', edit: (object) => cainjectorSecretsHere(object) },
      { kind: 'ClusterRole', name: CAINJECTOR, edit: (object) => cainjectorOwnWebhookOnly(object) },
      { kind: 'Deployment', name: CONTROLLER, edit: (object) => setArguments(object, controllerArguments) },
      { kind: 'Deployment', name: CAINJECTOR, edit: (object) => setArguments(object, CAINJECTOR_ARGUMENTS) },
    ] satisfies ObjectEdit[]
  ).reduce<ObjectEdit[]>(mergeEdits, []);
}

/** The controller's ClusterRoles granted in the watched namespace only when `watchNamespace` is set. */
const IN_WATCHED_NAMESPACE = ['issuers', 'certificates', 'orders', 'challenges', 'ingress-shim'].map((r) => `cert-manager-controller-${r}`);
const CLUSTER_ISSUERS = 'cert-manager-controller-clusterissuers';

function watchedLeftOut(watched: string): Array<ObjectRef & { why: string }> {
  const clusterIssuers = `ClusterIssuers are off when cert-manager watches one namespace (watchNamespace '${watched}', --namespace)`;
  return [
    ...IN_WATCHED_NAMESPACE.map((name) => ({
      kind: 'ClusterRoleBinding',
      name,
      why: `granted in namespace '${watched}' only, by a RoleBinding of the same name there: the controller watches that namespace only (watchNamespace, --namespace)`,
    })),
    { kind: 'ClusterRole', name: CLUSTER_ISSUERS, why: clusterIssuers },
    { kind: 'ClusterRoleBinding', name: CLUSTER_ISSUERS, why: clusterIssuers },
  ];
}

/** Grants the controller upstream's ClusterRole `role` in the watched namespace only. */
function bindInWatchedNamespace(scope: Construct, role: string, watched: string): void {
  new ApiObject(scope, `Watched-RoleBinding-${role}`, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: role, namespace: watched },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
    subjects: [{ kind: 'ServiceAccount', name: CONTROLLER, namespace: NAMESPACE }],
  });
}

/** A ClusterRole of upstream's that grants powers our rules flag, the powers, and why its holder needs them. */
interface Powers {
  readonly role: string;
  readonly accepts: string[];
  readonly reason: string;
  /** The binding grants Secret reads in every namespace. */
  readonly readsSecrets: boolean;
}

/** The controller's ClusterRoles that grant flagged powers (ingress-shim and approve grant none). */
const CONTROLLER_POWERS: readonly Powers[] = [
  {
    role: 'cert-manager-controller-issuers',
    accepts: ['read secrets', 'create secrets'],
    readsSecrets: true,
    reason:
      "an Issuer keeps its CA key pair, ACME account key or Vault/Venafi credentials in Secrets of its own namespace, which may be any: the issuers controller reads them and creates the ACME account key's Secret",
  },
  {
    role: 'cert-manager-controller-clusterissuers',
    accepts: ['read secrets', 'create secrets'],
    readsSecrets: true,
    reason:
      "a ClusterIssuer keeps its CA key pair, ACME account key or credentials in Secrets of the cluster resource namespace (cert-manager): the clusterissuers controller reads them and creates the ACME account key's Secret",
  },
  {
    role: 'cert-manager-controller-certificates',
    accepts: ['read secrets', 'create secrets'],
    readsSecrets: true,
    reason:
      "a Certificate's key pair is written to the Secret it names, in the Certificate's namespace, which may be any: the certificates controllers create, update and delete those Secrets and read them to decide renewals",
  },
  {
    role: 'cert-manager-controller-orders',
    accepts: ['read secrets'],
    readsSecrets: true,
    reason: "the orders controller reads the issuer's ACME account key Secret to place and finalize Orders with the ACME server",
  },
  {
    role: 'cert-manager-controller-challenges',
    accepts: ['read secrets', 'create pods'],
    readsSecrets: true,
    reason:
      'the challenges controller reads the DNS-01 provider credentials and ACME account key an issuer names, and creates the HTTP-01 solver pods (acmesolver, pinned by digest) with their Services in the namespace of the Certificate being solved, deleting them once the challenge passes',
  },
];

/** Why each ClusterRoleBinding upstream keeps is cluster-wide. */
const EVERY_NAMESPACE =
  'Certificates, Issuers, Ingresses and Gateways live in every namespace: the controller watches and writes them cluster-wide';
const CLUSTER_WIDE: Readonly<Record<string, string>> = {
  'cert-manager-controller-issuers': EVERY_NAMESPACE,
  'cert-manager-controller-certificates': EVERY_NAMESPACE,
  'cert-manager-controller-orders': EVERY_NAMESPACE,
  'cert-manager-controller-challenges': EVERY_NAMESPACE,
  'cert-manager-controller-ingress-shim': EVERY_NAMESPACE,
  'cert-manager-controller-clusterissuers': 'ClusterIssuers are cluster-scoped: only a ClusterRoleBinding grants watching them',
  'cert-manager-controller-approve:cert-manager-io':
    "the approver approves CertificateRequests of every namespace that name cert-manager's own issuers (approve on signers, limited by resourceNames to issuers.cert-manager.io/* and clusterissuers.cert-manager.io/*)",
  'cert-manager-webhook:subjectaccessreviews':
    'SubjectAccessReviews are cluster-scoped: the webhook asks whether the requester of a CertificateRequest may use the issuer it names',
  [CAINJECTOR]:
    "webhook configurations are cluster-scoped: only a ClusterRoleBinding grants watching them and patching cert-manager-webhook's own",
};

/** Our exceptions on upstream's RBAC objects. */
function rbacExceptions(watched: string | undefined): Array<ObjectRef & { exceptions: HardeningException[] }> {
  const powers = new Map(CONTROLLER_POWERS.map((p) => [p.role, p]));
  const leftOut = new Set((watched ? watchedLeftOut(watched) : []).map((l) => `${l.kind}/${l.name}`));
  const all: Array<ObjectRef & { exceptions: HardeningException[] }> = [
    ...CONTROLLER_POWERS.map((p) => ({
      kind: 'ClusterRole',
      name: p.role,
      exceptions: [{ rule: 'rbac-namespace-escalation-powers', reason: p.reason, accepts: p.accepts }],
    })),
    ...Object.entries(CLUSTER_WIDE).map(([name, reason]) => {
      const p = powers.get(name);
      return {
        kind: 'ClusterRoleBinding',
        name,
        exceptions: [
          ...(p?.readsSecrets ? [{ rule: 'rbac-no-cluster-secret-read', reason: p.reason, accepts: ['read secrets'] }] : []),
          { rule: 'rbac-cluster-scope', reason },
        ],
      };
    }),
    {
      kind: 'ClusterRole',
      name: CAINJECTOR,
      exceptions: [
        {
          rule: 'rbac-no-cluster-takeover-powers',
          reason:
            "the cainjector writes the CA of cert-manager's webhook into the caBundle of its Validating- and MutatingWebhookConfiguration, narrowed to those two by resourceNames (upstream: every webhook configuration, APIService and CRD)",
          accepts: ['create mutatingwebhookconfigurations', 'create validatingwebhookconfigurations'],
        },
      ],
    },
    {
      kind: 'Role',
      name: 'cert-manager-cainjector:leaderelection',
      exceptions: [
        {
          rule: 'rbac-namespace-escalation-powers',
          reason:
            "the cainjector watches the Secrets of cert-manager's namespace (metadata only) and reads cert-manager-webhook-ca, the source of the webhook's CA; it reads no other namespace's",
          accepts: ['read secrets'],
        },
      ],
    },
    {
      kind: 'Role',
      name: 'cert-manager-webhook:dynamic-serving',
      exceptions: [
        {
          rule: 'rbac-namespace-escalation-powers',
          reason:
            'the webhook creates its serving CA in the Secret cert-manager-webhook-ca and reads it back (reads limited to that name by resourceNames), in its own namespace only',
          accepts: ['read secrets', 'create secrets'],
        },
      ],
    },
  ];
  return all.filter((o) => !leftOut.has(`${o.kind}/${o.name}`));
}

/** Two edits of one object become one that applies both (buildAddOn takes one edit per object). */
function mergeEdits(edits: ObjectEdit[], next: ObjectEdit): ObjectEdit[] {
  const i = edits.findIndex((e) => e.kind === next.kind && e.name === next.name);
  if (i < 0) return [...edits, next];
  const first = edits[i];
  edits[i] = { kind: next.kind, name: next.name, edit: (object) => [...first.edit(object), ...next.edit(object)] };
  return edits;
}

/** Upstream's leader election runs in kube-system; here in cert-manager's own namespace (the arguments say so too). */
function intoOwnNamespace(object: Json): Change[] {
  const metadata = object.metadata as Json;
  const changes: Change[] = [];
  if (metadata.namespace !== NAMESPACE) {
    changes.push({ field: 'metadata.namespace', from: JSON.stringify(metadata.namespace), to: JSON.stringify(NAMESPACE) });
    metadata.namespace = NAMESPACE;
  }
  return changes;
}

/** Arguments set (or replaced, by their name) on the first container. */
const CONTROLLER_ARGUMENTS: Readonly<Record<string, string>> = {
  '--leader-election-namespace': NAMESPACE,
  // The solver pods run in the Certificates' namespaces, whose admission wants a digest.
  '--acme-http01-solver-image': IMAGES.acmesolver,
  // DNS-01 checks ask the cluster's resolver only, not every authoritative nameserver on the internet.
  '--dns01-recursive-nameservers-only': 'true',
};

const CAINJECTOR_ARGUMENTS: Readonly<Record<string, string>> = {
  '--leader-election-namespace': NAMESPACE,
  // Only sources in cert-manager's namespace: the webhook's CA Secret (no Secret of any other namespace is read).
  '--namespace': NAMESPACE,
  '--enable-certificates-data-source': 'false',
  '--enable-apiservices-injectable': 'false',
  '--enable-customresourcedefinitions-injectable': 'false',
};

function setArguments(deployment: Json, wanted: Readonly<Record<string, string>>): Change[] {
  const container = ((deployment.spec as Json).template as { spec: { containers: Json[] } }).spec.containers[0];
  const args = container.args as string[];
  const changes: Change[] = [];
  for (const [flag, value] of Object.entries(wanted)) {
    const i = args.findIndex((a) => a === flag || a.startsWith(`${flag}=`));
    const argument = `${flag}=${value}`;
    if (i >= 0 && args[i] === argument) continue;
    changes.push({
      field: `spec.template.spec.containers[${String(container.name)}].args`,
      from: i >= 0 ? JSON.stringify(args[i]) : '(unset)',
      to: JSON.stringify(argument),
    });
    if (i >= 0) args[i] = argument;
    else args.push(argument);
  }
  return changes;
}

/** The cainjector reads the Secrets of cert-manager's namespace only (it runs with `--namespace=cert-manager`). */
function cainjectorSecretsHere(role: Json): Change[] {
  const rules = role.rules as Json[];
  rules.push({ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'] });
  return [
    {
      field: 'rules[secrets]',
      from: '(none: upstream reads Secrets through its ClusterRole, in every namespace)',
      to: 'get, list, watch in cert-manager only',
    },
  ];
}

/**
 * Upstream's cainjector may update every webhook configuration, APIService and CRD of the
 * cluster, and read every Secret and Certificate. Here it writes only cert-manager-webhook's two
 * configurations (their caBundle), and reads only its namespace's Secrets (the Role above).
 */
function cainjectorOwnWebhookOnly(clusterRole: Json): Change[] {
  const upstream = clusterRole.rules as Json[];
  const webhookConfigurations = ['validatingwebhookconfigurations', 'mutatingwebhookconfigurations'];
  const rules = [
    ...upstream.filter((r) => (r.resources as string[]).includes('events')),
    { apiGroups: ['admissionregistration.k8s.io'], resources: webhookConfigurations, verbs: ['get', 'list', 'watch'] },
    {
      apiGroups: ['admissionregistration.k8s.io'],
      resources: webhookConfigurations,
      resourceNames: [WEBHOOK],
      verbs: ['update', 'patch'],
    },
  ];
  clusterRole.rules = rules;
  return [
    {
      field: 'rules',
      from: 'certificates, secrets: get/list/watch; validating/mutatingwebhookconfigurations, apiservices, customresourcedefinitions: get/list/watch/update/patch (every one)',
      to: `validating/mutatingwebhookconfigurations: get/list/watch, update/patch of ${WEBHOOK} only; no certificates, secrets, apiservices, customresourcedefinitions`,
    },
  ];
}
