import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { ITrafficEndpoint } from '../network/traffic-rules';
import { HardeningException } from '../core/exceptions';
import { HardeningError } from '../core/hardening-error';
import { requireDns1123Label } from '../core/names';
import { HardenedNamespace } from '../namespace/hardened-namespace';
import { inNamespace } from '../review/namespace-param';
import { trafficOf } from './addon-component';
import { AddOnResources, allowApiServer, ApiServerAddress, budgetOf } from './addon-props';
import { AddOnWorkload, buildAddOn, ObjectRef } from './addon-release';
import { Change, ContainerBudget, PodHardening } from './pod-hardening';
import { readVendoredRelease, VendoredRelease } from './vendored-release';
import { replicaCount } from './replica-count';

/** The Argo CD release this construct was reviewed for: vendor/addons/argo-cd/install.yaml. */
const REVIEWED_SHA256 = '795a3a972224da6a7f9d32c3e946445f062b60fb46028476715affeb688236e3';
const NAMESPACE = 'argocd';

/**
 * The image indexes (all platforms) the upstream tags are pinned to, each read from at least two
 * independent public files that agree (find_string over public GitHub source, 2026-12-03).
 */
const IMAGES = {
  // A containerized-CLI shell profile (ARGOCD_IMAGE=...), an argo-diff Dockerfile and a
  // repo-server plugin Dockerfile (FROM ...), three projects.
  'quay.io/argoproj/argocd:v3.5.1':
    'quay.io/argoproj/argocd:v3.5.1@sha256:0deb1a1c917629b960ead995ae3b6069450a866992676599658687ef9a641ee8',
  // Two Argo CD bootstrap scripts (REDIS_IMAGE=public.ecr.aws/...), and three projects pinning the
  // same Docker Official Image as redis:8.2.3-alpine (ECR Public's docker/library mirrors its digests).
  'public.ecr.aws/docker/library/redis:8.2.3-alpine':
    'public.ecr.aws/docker/library/redis:8.2.3-alpine@sha256:08ad0b1d280850169a790dba1393ff7a90aef951fc19632cf4d3ce4f78e679ba',
  // An Argo CD bootstrap script (DEX_IMAGE=...) and the end-to-end scripts of another project.
  'ghcr.io/dexidp/dex:v2.45.0': 'ghcr.io/dexidp/dex:v2.45.0@sha256:b8469881d3cb3a73001506f0d3aaefecb9c45d2311c1e0f405d8ac538316c59d',
};

const CONTROLLER = 'argocd-application-controller';
const SERVER = 'argocd-server';
const REPO_SERVER = 'argocd-repo-server';
const REDIS = 'argocd-redis';
const APPLICATION_SETS = 'argocd-applicationset-controller';
const NOTIFICATIONS = 'argocd-notifications-controller';
const DEX = 'argocd-dex-server';

const SERVER_PORT = 8080;
const REPO_SERVER_PORT = 8081;
const REDIS_PORT = 6379;
const DEX_PORTS = [5556, 5557];
const DEX_TELEMETRY = 5558;
const HTTPS = 443;

/** Above the image's users: the Go programs of Argo CD, redis and dex need no entry in /etc/passwd. */
const USER = 10999;
/** The argocd image's only user: the repo server's git, ssh and gpg look it up in /etc/passwd. */
const ARGOCD_IMAGE_USER = 999;

/** A server outside the cluster: the block its addresses are in, and its port. */
export interface RemoteServer {
  /** The block, for example `140.82.112.0/20` (github.com). */
  readonly cidr: string;

  /**
   * The port (443 for HTTPS, 22 for git over SSH).
   *
   * @default 443
   */
  readonly port?: number;
}

/** CPU and memory of Argo CD's containers. */
export interface ArgoCdResources {
  /**
   * The application controller (holds the live state of every managed object in memory).
   *
   * @default { cpu: '250m', memory: '512Mi', memoryLimit: '2Gi' }
   */
  readonly applicationController?: AddOnResources;

  /**
   * Each repo server (renders manifests: git, Helm, Kustomize).
   *
   * @default { cpu: '100m', memory: '256Mi', memoryLimit: '1Gi' }
   */
  readonly repoServer?: AddOnResources;

  /**
   * Each API and UI server.
   *
   * @default { cpu: '50m', memory: '128Mi', memoryLimit: '512Mi' }
   */
  readonly server?: AddOnResources;

  /**
   * The redis cache.
   *
   * @default { cpu: '50m', memory: '64Mi', memoryLimit: '256Mi' }
   */
  readonly redis?: AddOnResources;
}

/** Props of `ArgoCd`. */
export interface ArgoCdProps {
  /** Where the API server is: the controllers and the server call it, and Argo CD deploys into this cluster through it. */
  readonly apiServer: ApiServerAddress;

  /**
   * The Git (and Helm, OCI) servers the repo server fetches from: their address blocks and
   * ports (443 for HTTPS, 22 for SSH). Nothing else outside the cluster is reachable from it.
   */
  readonly gitServers: RemoteServer[];

  /**
   * Namespace of the ingress controller that forwards to the API and UI server (port 8080).
   *
   * @default 'ingress-nginx'
   */
  readonly ingressControllerNamespace?: string;

  /**
   * Labels of the ingress controller's pods.
   *
   * @default { 'app.kubernetes.io/name': 'ingress-nginx' }
   */
  readonly ingressControllerPodLabels?: { [key: string]: string };

  /**
   * Single sign-on through the bundled dex. Off, dex's objects are left out (local accounts
   * only, one workload and one token fewer); on, `identityProviders` says where dex may connect.
   *
   * @default false
   */
  readonly sso?: boolean;

  /**
   * The identity providers dex connects to (required when `sso` is on).
   *
   * @default - none
   */
  readonly identityProviders?: RemoteServer[];

  /**
   * The notification services (Slack, a mail relay, webhooks) the notifications controller
   * sends to. Without any, the notifications controller and its objects are left out.
   *
   * @default - none: no notifications controller
   */
  readonly notificationServices?: RemoteServer[];

  /**
   * API and UI server replicas (spread over nodes, with a PodDisruptionBudget).
   *
   * @default 2
   */
  readonly serverReplicas?: number;

  /**
   * Repo server replicas (spread over nodes, with a PodDisruptionBudget).
   *
   * @default 2
   */
  readonly repoServerReplicas?: number;

  /**
   * CPU and memory of the main containers.
   *
   * @default - see `ArgoCdResources`
   */
  readonly resources?: ArgoCdResources;
}

/**
 * Argo CD (v3.5.1, the upstream `manifests/install.yaml` vendored in vendor/addons/argo-cd),
 * hardened: in its own HardenedNamespace `argocd`, every pod restricted with a read-only root
 * filesystem, tokens only for the pods that call the API, traffic limited to what each component
 * needs (the repo server to the Git servers, the server from the ingress controller, redis from
 * the three components that cache in it), dex and the notifications controller only when asked
 * for. REVIEW.md lists every change from upstream and the departures it keeps; the application
 * controller's power over the whole cluster is one of them: deploying anything is Argo CD's job.
 */
export class ArgoCd extends Construct {
  /** The namespace (upstream's name: Argo CD's Applications and its RBAC name it). */
  public readonly namespace: HardenedNamespace;
  /** The API and UI server, as a traffic endpoint. */
  public readonly server: ITrafficEndpoint;
  /** The application controller, as a traffic endpoint. */
  public readonly applicationController: ITrafficEndpoint;
  /** The repo server, as a traffic endpoint (its egress: `gitServers`). */
  public readonly repoServer: ITrafficEndpoint;

  constructor(scope: Construct, id: string, props: ArgoCdProps) {
    super(scope, id);
    const serverReplicas = replicasOf(this, 'serverReplicas', props.serverReplicas);
    const repoServerReplicas = replicasOf(this, 'repoServerReplicas', props.repoServerReplicas);
    requireServers(this, 'gitServers', props.gitServers, 'the repo server can fetch from no repository');
    const sso = props.sso ?? false;
    if (sso) requireServers(this, 'identityProviders', props.identityProviders ?? [], 'dex can reach no identity provider');
    else if (props.identityProviders?.length) {
      throw new HardeningError(
        this,
        `'identityProviders' is set but 'sso' is off: dex is left out. Set 'sso: true' or remove 'identityProviders'.`,
      );
    }
    const notificationServices = props.notificationServices ?? [];
    const notifications = notificationServices.length > 0;
    const ingressNamespace = requireDns1123Label(this, 'ingressControllerNamespace', props.ingressControllerNamespace ?? 'ingress-nginx');
    const ingressPodLabels = props.ingressControllerPodLabels ?? { 'app.kubernetes.io/name': 'ingress-nginx' };
    if (Object.keys(ingressPodLabels).length === 0) {
      throw new HardeningError(
        this,
        `'ingressControllerPodLabels' is empty, which would admit every pod of '${ingressNamespace}'. Name the labels of the ingress controller's pods.`,
      );
    }

    const built = buildAddOn(this, {
      title: 'Argo CD',
      release: inArgoCdNamespace(readVendoredRelease(this, 'argo-cd', 'install.yaml', REVIEWED_SHA256)),
      namespace: {
        name: NAMESPACE,
        allowedRegistries: ['quay.io/argoproj', 'public.ecr.aws/docker/library', ...(sso ? ['ghcr.io/dexidp'] : [])],
      },
      workloads: [
        ...coreWorkloads(props.resources, serverReplicas, repoServerReplicas),
        ...(sso ? [dexWorkload()] : []),
        ...(notifications ? [notificationsWorkload()] : []),
      ],
      leftOut: [
        ...UPSTREAM_NETWORK_POLICIES.map((name) => ({
          kind: 'NetworkPolicy',
          name,
          why: "replaced by the add-on's own <workload>-traffic NetworkPolicies: upstream's admit the metrics ports from every namespace and argocd-server from anywhere, and isolate no egress",
        })),
        ...[
          { kind: 'ClusterRole', name: APPLICATION_SETS },
          { kind: 'ClusterRoleBinding', name: APPLICATION_SETS },
        ].map((ref) => ({
          ...ref,
          why: 'ApplicationSets are served in the argocd namespace only (applicationset.namespaces is unset), where the Role argocd-applicationset-controller grants the same; the cluster-wide copy is for ApplicationSets in any namespace, and reads every Secret of the cluster',
        })),
        ...(sso ? [] : objectsOf(DEX, ['ServiceAccount', 'Role', 'RoleBinding', 'Service', 'Deployment'])).map((ref) => ({
          ...ref,
          why: "single sign-on is off (prop 'sso'): local accounts only, so dex is one workload, one token and one Secret reader fewer",
        })),
        ...(notifications
          ? []
          : [
              ...objectsOf(NOTIFICATIONS, ['ServiceAccount', 'Role', 'RoleBinding', 'Deployment']),
              { kind: 'ConfigMap', name: 'argocd-notifications-cm' },
              { kind: 'Secret', name: 'argocd-notifications-secret' },
              { kind: 'Service', name: 'argocd-notifications-controller-metrics' },
            ]
        ).map((ref) => ({
          ...ref,
          why: "no notification service is given (prop 'notificationServices'): the controller could send nothing, and it reads the namespace's Secrets",
        })),
      ],
      edits: [
        { kind: 'ClusterRole', name: CONTROLLER, edit: discoveryOnlyNonResourceUrls },
        { kind: 'ClusterRole', name: SERVER, edit: withoutWorkflowSubmission },
        ...[SERVER, REPO_SERVER].map((name) => ({ kind: 'Deployment', name, edit: redisPasswordFromFile })),
        { kind: 'StatefulSet', name: CONTROLLER, edit: redisPasswordFromFile },
        { kind: 'Deployment', name: REDIS, edit: redisProbes },
        ...(sso ? [{ kind: 'Deployment', name: DEX, edit: dexProbes }] : []),
      ],
      objectExceptions: objectExceptions(sso, notifications),
    });
    this.namespace = built.namespace;
    const component = (name: string) => built.components.get(name)!;
    this.server = component(SERVER);
    this.applicationController = component(CONTROLLER);
    this.repoServer = component(REPO_SERVER);
    const redis = component(REDIS);
    const applicationSets = component(APPLICATION_SETS);

    trafficOf(this.server).allowFromPods(ingressNamespace, ingressPodLabels, { port: SERVER_PORT }, 'ingressController');
    const clients = [this.server, this.applicationController, applicationSets, ...(notifications ? [component(NOTIFICATIONS)] : [])];
    for (const client of clients) connect(client, this.repoServer, REPO_SERVER_PORT);
    for (const client of [this.server, this.applicationController, this.repoServer]) connect(client, redis, REDIS_PORT);
    egressTo(this.repoServer, props.gitServers, 'gitServers');
    if (sso) {
      const dex = component(DEX);
      for (const port of DEX_PORTS) connect(this.server, dex, port);
      egressTo(dex, props.identityProviders ?? [], 'identityProviders');
    }
    if (notifications) egressTo(component(NOTIFICATIONS), notificationServices, 'notificationServices');
    for (const [name, c] of built.components) {
      if (name !== REPO_SERVER) allowApiServer(this, c, props.apiServer, 'apiServer');
    }
    // The `default` AppProject, locked: Argo CD creates it allowing every repository, destination
    // and kind when it is missing, so an Application that names no project (or a user who may
    // create Applications) could deploy anything with the controller's power.
    new ApiObject(this, 'default-project', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AppProject',
      metadata: { name: 'default', namespace: NAMESPACE },
      spec: {
        description: 'Locked: every Application names a project of its own',
        sourceRepos: [],
        destinations: [],
        clusterResourceWhitelist: [],
        namespaceResourceBlacklist: [{ group: '*', kind: '*' }],
      },
    });
    // The StatefulSet's governing Service (its serviceName), which upstream leaves out: headless,
    // no port, so it gives the controller's pods their DNS names and opens nothing.
    new ApiObject(this, 'controller-governing-service', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: CONTROLLER,
        namespace: NAMESPACE,
        labels: { 'app.kubernetes.io/name': CONTROLLER, 'app.kubernetes.io/part-of': 'argocd' },
      },
      spec: { clusterIP: 'None', selector: { ...this.applicationController.selectorLabels } },
    });
  }
}

const UPSTREAM_NETWORK_POLICIES = [CONTROLLER, APPLICATION_SETS, DEX, NOTIFICATIONS, REDIS, REPO_SERVER, SERVER].map(
  (name) => `${name}-network-policy`,
);

function objectsOf(name: string, kinds: readonly string[]): ObjectRef[] {
  return kinds.map((kind) => ({ kind, name }));
}

function replicasOf(scope: Construct, field: string, value: number | undefined): number {
  return replicaCount(scope, field, value ?? 2, "Two keep it up through a node's drain.");
}

/** Refuses an empty list of servers: `emptyMeans` says what would not work. */
function requireServers(scope: Construct, field: string, servers: readonly RemoteServer[], emptyMeans: string): void {
  if (servers.length > 0) return;
  throw new HardeningError(
    scope,
    `'${field}' is empty, so ${emptyMeans}. Give the address blocks and ports of the servers, for example [{ cidr: '140.82.112.0/20', port: 443 }].`,
  );
}

function egressTo(component: ITrafficEndpoint, servers: readonly RemoteServer[], field: string): void {
  servers.forEach((server, i) => trafficOf(component).allowEgressToCidr(server.cidr, [], { port: server.port ?? HTTPS }, `${field}[${i}]`));
}

/** Lets `client` connect to `server` on `port`: both sides of the flow. */
function connect(client: ITrafficEndpoint, server: ITrafficEndpoint, port: number): void {
  trafficOf(server).allowFromWorkload(client, { port }, `${client.name}->${server.name}`);
  trafficOf(client).allowToWorkload(server, { port });
}

/**
 * Argo CD's install.yaml names no namespace: it is applied with `kubectl apply -n argocd`, so
 * its objects are read as that command sends them (namespaced kinds get `argocd`). No object of
 * the reviewed file names another namespace, so the refusal that would cite `origin` never fires.
 */
function inArgoCdNamespace(release: VendoredRelease): VendoredRelease {
  const manifests = release.objects.map((object) => ({ object, origin: `${release.manifestPath}:1` }));
  return { ...release, objects: inNamespace(manifests, NAMESPACE, []).map((m) => m.object) };
}

const initBudget: ContainerBudget = { cpu: '10m', memory: '32Mi', memoryLimit: '128Mi' };

function hardening(callsApi: string | undefined, budgets: PodHardening['budgets'], user = USER): PodHardening {
  return { user, group: user, ...(callsApi ? { callsApi } : {}), writablePaths: [], budgets, images: IMAGES };
}

function coreWorkloads(resources: ArgoCdResources | undefined, serverReplicas: number, repoServerReplicas: number): AddOnWorkload[] {
  return [
    {
      kind: 'StatefulSet',
      name: CONTROLLER,
      hardening: hardening(
        'reconciles Applications: watches every kind of object it manages in the cluster, and creates, patches and deletes them to match Git',
        { [CONTROLLER]: budgetOf({ cpu: '250m', memory: '512Mi', memoryLimit: '2Gi' }, resources?.applicationController) },
      ),
      exceptions: [
        {
          rule: 'liveness-probe',
          reason:
            'upstream probes the application controller for readiness only (/healthz on 8082): a liveness restart of a controller busy reconciling would drop its in-memory cache of every managed object, rebuilt by listing every kind again, and abort the syncs in progress',
        },
      ],
    },
    {
      kind: 'Deployment',
      name: SERVER,
      replicas: serverReplicas,
      hardening: hardening(
        "serves the API and UI: reads and writes Applications, AppProjects and Argo CD's settings (ConfigMaps and Secrets in argocd), shows and deletes live objects",
        { [SERVER]: budgetOf({ cpu: '50m', memory: '128Mi', memoryLimit: '512Mi' }, resources?.server) },
      ),
    },
    {
      kind: 'Deployment',
      name: REPO_SERVER,
      replicas: repoServerReplicas,
      hardening: hardening(
        undefined,
        { [REPO_SERVER]: budgetOf({ cpu: '100m', memory: '256Mi', memoryLimit: '1Gi' }, resources?.repoServer), copyutil: initBudget },
        ARGOCD_IMAGE_USER,
      ),
      exceptions: [
        {
          rule: 'high-user-group-ids',
          reason:
            "the repo server runs git, ssh and gpg, which look the user up in the image's /etc/passwd (ssh exits with 'No user exists for uid' otherwise); the argocd image's only user is argocd, uid 999, and /etc/passwd is on the read-only root filesystem",
        },
      ],
    },
    {
      kind: 'Deployment',
      name: REDIS,
      hardening: {
        ...hardening(
          'its init container (argocd admin redis-initial-password) creates the Secret argocd-redis holding the cache password on first start; redis itself never calls the API',
          { redis: budgetOf({ cpu: '50m', memory: '64Mi', memoryLimit: '256Mi' }, resources?.redis), 'secret-init': initBudget },
        ),
        // redis is run with --save "" --appendonly no: nothing persists; a write to its working folder lands here.
        writablePaths: [{ container: 'redis', path: '/data', sizeLimit: '64Mi' }],
      },
      singleInstance:
        "the non-HA install's redis is a cache the other components refill from Git and the API; two instances would be two caches that disagree (Argo CD's HA install runs redis-ha with sentinels instead)",
      exceptions: [
        {
          rule: 'secret-as-file',
          reason:
            'redis-server takes its password only as an argument or in its configuration file (--requirepass $(REDIS_PASSWORD)); the Secret argocd-redis is created at runtime by the init container, so no configuration file can hold it at synth. The Argo CD components read it from a mounted file instead (REDIS_CREDS_DIR_PATH)',
        },
      ],
    },
    {
      kind: 'Deployment',
      name: APPLICATION_SETS,
      hardening: hardening(
        'reconciles ApplicationSets in argocd: creates, updates and deletes the Applications they generate, with a leader-election Lease',
        { [APPLICATION_SETS]: { cpu: '50m', memory: '64Mi', memoryLimit: '256Mi' } },
      ),
      singleInstance:
        'its leader election is off in this install (argocd-cmd-params-cm), so a second instance would generate the same Applications twice; while it restarts, existing Applications keep syncing',
      exceptions: ['liveness-probe', 'readiness-probe'].map((rule) => ({
        rule,
        reason:
          "the ApplicationSet controller has no health endpoint to probe: v3.5.1 registers no check on controller-runtime's probe server (/healthz and /readyz on 8081 answer 404), and it serves no traffic but Git webhooks, which this add-on does not route to it",
      })),
    },
  ];
}

function dexWorkload(): AddOnWorkload {
  return {
    kind: 'Deployment',
    name: DEX,
    hardening: hardening(
      'argocd-dex reads its connectors from argocd-cm and their client secrets from argocd-secret, and restarts dex when they change',
      { dex: { cpu: '20m', memory: '64Mi', memoryLimit: '128Mi' }, copyutil: initBudget },
    ),
  };
}

function notificationsWorkload(): AddOnWorkload {
  return {
    kind: 'Deployment',
    name: NOTIFICATIONS,
    hardening: hardening(
      'watches Applications and AppProjects, reads its templates and triggers (argocd-notifications-cm and -secret) and records what it sent in annotations',
      { [NOTIFICATIONS]: { cpu: '20m', memory: '64Mi', memoryLimit: '128Mi' } },
    ),
    exceptions: [
      {
        rule: 'readiness-probe',
        reason:
          'the notifications controller serves nothing but its metrics: no Service sends it requests, so readiness would gate nothing; upstream probes its liveness (port 9001) and the add-on keeps that',
      },
    ],
  };
}

/** Where the Argo CD components read the redis password from: the Secret argocd-redis, mounted read-only. */
const REDIS_CREDENTIALS = '/app/config/redis-credentials';

/**
 * The Argo CD components read the redis password from a mounted file (REDIS_CREDS_DIR_PATH, which
 * takes precedence over the environment in v3.5.1's util/cache) instead of an environment
 * variable every process of the container and every crash dump sees.
 */
function redisPasswordFromFile(workload: Record<string, unknown>): Change[] {
  const pod = (workload.spec as { template: { spec: Record<string, unknown> } }).template.spec;
  const container = (pod.containers as Array<Record<string, unknown>>)[0];
  const env = container.env as Array<Record<string, unknown>>;
  const i = env.findIndex((e) => e.name === 'REDIS_PASSWORD');
  const at = `spec.template.spec.containers[${String(container.name)}]`;
  env.splice(i, 1, { name: 'REDIS_CREDS_DIR_PATH', value: REDIS_CREDENTIALS });
  (pod.volumes as unknown[]).push({ name: 'redis-credentials', secret: { secretName: REDIS, items: [{ key: 'auth', path: 'auth' }] } });
  (container.volumeMounts as unknown[]).push({ name: 'redis-credentials', mountPath: REDIS_CREDENTIALS, readOnly: true });
  return [
    { field: `${at}.env[REDIS_PASSWORD]`, from: 'Secret argocd-redis key auth', to: `(removed) REDIS_CREDS_DIR_PATH=${REDIS_CREDENTIALS}` },
    { field: 'spec.template.spec.volumes[redis-credentials]', from: '(none)', to: 'Secret argocd-redis, key auth' },
    { field: `${at}.volumeMounts`, from: '(none)', to: `${REDIS_CREDENTIALS} (read-only)` },
  ];
}

/** Upstream's redis has no probes: ready when it accepts connections, alive while it answers PING. */
function redisProbes(deployment: Record<string, unknown>): Change[] {
  const pod = (deployment.spec as { template: { spec: Record<string, unknown> } }).template.spec;
  const redis = (pod.containers as Array<Record<string, unknown>>)[0];
  const readiness = { tcpSocket: { port: REDIS_PORT }, periodSeconds: 10 };
  const liveness = {
    exec: { command: ['sh', '-c', 'redis-cli -a "$REDIS_PASSWORD" --no-auth-warning ping | grep -q PONG'] },
    initialDelaySeconds: 10,
    periodSeconds: 30,
    timeoutSeconds: 5,
  };
  redis.readinessProbe = readiness;
  redis.livenessProbe = liveness;
  return [
    { field: 'spec.template.spec.containers[redis].readinessProbe', from: '(unset)', to: JSON.stringify(readiness) },
    { field: 'spec.template.spec.containers[redis].livenessProbe', from: '(unset)', to: JSON.stringify(liveness) },
  ];
}

/** Upstream's dex has no probes: dex serves /healthz/live and /healthz/ready on its telemetry port (5558, set by argocd-dex). */
function dexProbes(deployment: Record<string, unknown>): Change[] {
  const pod = (deployment.spec as { template: { spec: Record<string, unknown> } }).template.spec;
  const dex = (pod.containers as Array<Record<string, unknown>>)[0];
  const probe = (path: string) => ({ httpGet: { path, port: DEX_TELEMETRY }, periodSeconds: 10 });
  dex.readinessProbe = probe('/healthz/ready');
  dex.livenessProbe = { ...probe('/healthz/live'), initialDelaySeconds: 10 };
  return [
    { field: 'spec.template.spec.containers[dex].readinessProbe', from: '(unset)', to: JSON.stringify(dex.readinessProbe) },
    { field: 'spec.template.spec.containers[dex].livenessProbe', from: '(unset)', to: JSON.stringify(dex.livenessProbe) },
  ];
}

/** The API server's discovery and OpenAPI documents, which the controller reads to know every kind it deploys. */
const DISCOVERY_PATHS = ['/api', '/api/*', '/apis', '/apis/*', '/openapi', '/openapi/*', '/version', '/version/'];

/** Upstream grants every verb on every non-resource URL; the controller only reads discovery. */
function discoveryOnlyNonResourceUrls(clusterRole: Record<string, unknown>): Change[] {
  const rules = clusterRole.rules as Array<Record<string, unknown>>;
  const rule = rules.find((r) => r.nonResourceURLs !== undefined)!;
  const from = JSON.stringify({ nonResourceURLs: rule.nonResourceURLs, verbs: rule.verbs });
  rule.nonResourceURLs = [...DISCOVERY_PATHS];
  rule.verbs = ['get'];
  const i = rules.indexOf(rule);
  return [{ field: `rules[${i}]`, from, to: JSON.stringify({ nonResourceURLs: DISCOVERY_PATHS, verbs: ['get'] }) }];
}

/** The UI's "submit" action of Argo Workflows' WorkflowTemplates: Argo Workflows is no part of this platform. */
function withoutWorkflowSubmission(clusterRole: Record<string, unknown>): Change[] {
  const rules = clusterRole.rules as Array<Record<string, unknown>>;
  const i = rules.findIndex((r) => (r.apiGroups as string[]).includes('argoproj.io') && (r.resources as string[]).includes('workflows'));
  if (i < 0) return [];
  const [removed] = rules.splice(i, 1);
  return [{ field: `rules[${i}]`, from: JSON.stringify(removed), to: '(removed)' }];
}

/** Why the application controller holds every power: it is what deploys, into this cluster, whatever Git holds. */
const DEPLOYS_ANYTHING =
  "the application controller applies whatever the Applications' Git sources hold to this cluster (namespaces, CRDs, RBAC, webhooks and admission policies included: the reference platform's own policies are synced by it), prunes what Git drops and watches every kind to diff it; AppProjects, not RBAC, limit what each Application may deploy";

/** Why the server reads, patches and deletes any object. */
const SHOWS_AND_ACTS =
  "argocd-server shows the live manifest of every object an Application manages (get), runs the UI's resource actions (patch: restart, scale, suspend) and deletes objects from the UI (delete), for any kind Git may hold; Argo CD's own RBAC (argocd-rbac-cm, AppProjects) decides which user may do that to what";

/** Departures kept on RBAC objects, each with why Argo CD needs it. */
function objectExceptions(
  sso: boolean,
  notifications: boolean,
): ReadonlyArray<ObjectRef & { readonly exceptions: readonly HardeningException[] }> {
  const readsSettings = (who: string, accepts: string[]) => ({ rule: 'rbac-namespace-escalation-powers', reason: who, accepts });
  return [
    {
      kind: 'ClusterRole',
      name: CONTROLLER,
      exceptions: [
        { rule: 'rbac-no-wildcards', reason: DEPLOYS_ANYTHING },
        { rule: 'rbac-no-cluster-takeover-powers', reason: DEPLOYS_ANYTHING, accepts: [...TAKEOVER_POWERS] },
        { rule: 'rbac-no-escalation-verbs', reason: DEPLOYS_ANYTHING, accepts: ['escalate', 'bind', 'impersonate'] },
        { rule: 'rbac-no-exec-attach-portforward', reason: DEPLOYS_ANYTHING, accepts: [...EXEC_POWERS] },
        {
          rule: 'rbac-namespace-escalation-powers',
          reason: DEPLOYS_ANYTHING,
          accepts: ['read secrets', 'create secrets', 'create pods', 'write networkpolicies'],
        },
      ],
    },
    {
      kind: 'ClusterRoleBinding',
      name: CONTROLLER,
      exceptions: [
        { rule: 'rbac-no-cluster-admin-binding', reason: DEPLOYS_ANYTHING, accepts: ['* on *'] },
        { rule: 'rbac-no-cluster-secret-read', reason: DEPLOYS_ANYTHING, accepts: ['read secrets'] },
        { rule: 'rbac-cluster-scope', reason: DEPLOYS_ANYTHING },
      ],
    },
    {
      kind: 'Role',
      name: CONTROLLER,
      exceptions: [
        readsSettings('the controller reads the cluster and repository credentials Argo CD keeps as Secrets in argocd', ['read secrets']),
      ],
    },
    {
      kind: 'ClusterRole',
      name: SERVER,
      exceptions: [
        { rule: 'rbac-no-wildcards', reason: SHOWS_AND_ACTS },
        { rule: 'rbac-no-cluster-takeover-powers', reason: SHOWS_AND_ACTS, accepts: [...SERVER_TAKEOVER_POWERS] },
        { rule: 'rbac-no-exec-attach-portforward', reason: SHOWS_AND_ACTS, accepts: [...SERVER_EXEC_POWERS] },
        { rule: 'rbac-namespace-escalation-powers', reason: SHOWS_AND_ACTS, accepts: ['read secrets', 'write networkpolicies'] },
      ],
    },
    {
      kind: 'ClusterRoleBinding',
      name: SERVER,
      exceptions: [
        { rule: 'rbac-no-cluster-secret-read', reason: SHOWS_AND_ACTS, accepts: ['read secrets'] },
        { rule: 'rbac-cluster-scope', reason: SHOWS_AND_ACTS },
      ],
    },
    {
      kind: 'Role',
      name: SERVER,
      exceptions: [
        readsSettings(
          "argocd-server keeps Argo CD's settings in argocd: repositories, clusters, accounts and its signing key are Secrets it creates, reads and updates there",
          ['read secrets', 'create secrets'],
        ),
      ],
    },
    {
      kind: 'Role',
      name: APPLICATION_SETS,
      exceptions: [
        readsSettings(
          'the ApplicationSet controller reads the repository credentials and SCM tokens its generators use, Secrets in argocd',
          ['read secrets'],
        ),
      ],
    },
    {
      kind: 'Role',
      name: REDIS,
      exceptions: [
        readsSettings(
          "redis's init container creates the Secret argocd-redis with a random password on first start and reads it back (get limited to it by resourceNames; a create cannot be)",
          ['read secrets', 'create secrets'],
        ),
      ],
    },
    ...(sso
      ? [
          {
            kind: 'Role',
            name: DEX,
            exceptions: [readsSettings("argocd-dex reads its connectors' client secrets from argocd-secret", ['read secrets'])],
          },
        ]
      : []),
    ...(notifications
      ? [
          {
            kind: 'Role',
            name: NOTIFICATIONS,
            exceptions: [
              readsSettings('the notifications controller reads the service credentials of argocd-notifications-secret', ['read secrets']),
            ],
          },
        ]
      : []),
  ];
}

/** The takeover powers `*` on `*` holds. */
const TAKEOVER_POWERS = [
  '* on *',
  'patch namespaces',
  'create mutatingwebhookconfigurations',
  'create validatingwebhookconfigurations',
  'update certificatesigningrequests/approval',
  'approve signers',
  'create persistentvolumes',
  'create mutatingadmissionpolicies',
  'write validatingadmissionpolicies',
  'create apiservices',
  'update customresourcedefinitions',
  'patch nodes',
];
/** Those the server's get, patch and delete on `*` hold. */
const SERVER_TAKEOVER_POWERS = TAKEOVER_POWERS.filter((p) => !['* on *', 'approve signers', 'create persistentvolumes'].includes(p));
const EXEC_POWERS = [
  'create pods/exec',
  'create pods/attach',
  'create pods/portforward',
  'patch pods/ephemeralcontainers',
  'update pods',
  'get nodes/proxy',
  'create serviceaccounts/token',
];
const SERVER_EXEC_POWERS = EXEC_POWERS.filter((p) => p !== 'create serviceaccounts/token');
