import * as path from 'node:path';
import { ApiObject, App, Chart, Cron, Size } from 'cdk8s';
import {
  ApiServerAddress,
  ArgoCd,
  AuditLogShipper,
  CertManager,
  ExternalSecret,
  ExternalSecretsOperator,
  HardenedAppProps,
  HardenedNamespace,
  IngressNginx,
  SealedSecret,
  SealedSecretsController,
  SealingCertificate,
  SecretStoreKind,
  SecretValue,
  SecurityAlerts,
  WorkloadSize,
} from '../lib';
import { ScheduledJob, StatefulStore, Tenant, TenantApplication, WebService, Worker } from '../templates';

/**
 * The public certificate of the Sealed Secrets controller. This demo certificate's private
 * key was discarded; point it at your controller's (`kubeseal --fetch-cert`).
 */
const SEALING_CERTIFICATE = SealingCertificate.fromFile(path.join(__dirname, 'sealed-secrets-cert.pem'));

/** Images of the reference platform, pinned by digest. */
const IMAGES = {
  storefront: 'ghcr.io/example/storefront:1.8.2@sha256:4b2c1a3f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b',
  api: 'ghcr.io/example/shop-api:3.4.0@sha256:0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e',
  postgres: 'docker.io/library/postgres:17.2@sha256:1f2e3d4c5b6a79880716f5e4d3c2b1a0f9e8d7c6b5a493827160f5e4d3c2b1a0',
  reporter: 'ghcr.io/example/reporter:2.1.0@sha256:9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0',
  rabbitmq: 'docker.io/library/rabbitmq:4.0.5@sha256:2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f70819',
  fulfilment: 'ghcr.io/example/fulfilment-worker:5.0.1@sha256:7e6d5c4b3a29180f7e6d5c4b3a29180f7e6d5c4b3a29180f7e6d5c4b3a29180f',
  // No public record of these two upstream images' digests agreed when their add-ons were reviewed
  // (the others' are pinned in the add-ons): the platform runs its own mirrors, pinned here.
  sealedSecrets:
    'ghcr.io/example/mirror/sealed-secrets-controller:0.36.6@sha256:5c7e1d0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d',
  externalSecrets: 'ghcr.io/example/mirror/external-secrets:v2.9.0@sha256:3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d',
  // The OpenTelemetry Collector's Kubernetes distribution, which the audit log shipper runs.
  otelcol:
    'ghcr.io/example/mirror/opentelemetry-collector-k8s:0.165.0@sha256:8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d7c',
};

/**
 * Where the cluster's API server is, seen from the pods' network: the kubeadm control plane of
 * ControlPlaneHardening on its nodes' subnet, port 6443. The add-ons' controllers call it, and
 * it calls their webhooks. Set your cluster's.
 */
const API_SERVER: ApiServerAddress = { cidrs: ['10.0.0.0/28'], port: 6443 };
/** GitHub's Git servers (https://api.github.com/meta, "git"), where the platform's repository is. */
const GIT_SERVERS = [{ cidr: '140.82.112.0/20', port: 443 }];
/** The cloud secret manager's private endpoint in the cluster's network (the ClusterSecretStore's provider). */
const SECRET_MANAGER_ENDPOINT = '10.0.16.0/28';
/** The add-ons' Argo CD sync wave: after the admission policies (-10), before the tenants (0). */
const ADD_ON_SYNC_WAVE = '-5';

/**
 * How `apps/main.ts` creates the reference platform's HardenedApp: its admission policies
 * (admission-policies/, applied first by the Application below) and the registries its images
 * may come from. The tests build it the same way.
 */
export const REFERENCE_APP_PROPS: HardenedAppProps = {
  admissionPolicies: true,
  allowedRegistries: [
    'ghcr.io/example',
    'docker.io/library',
    'registry.k8s.io/ingress-nginx',
    'quay.io/jetstack',
    'quay.io/argoproj',
    'public.ecr.aws/docker/library/redis',
  ],
};

/** Where the platform's manifests live, for the Argo CD Applications that roll them out. */
export interface ReferencePlatformProps {
  /** @default 'https://github.com/example/platform.git' */
  readonly repoUrl?: string;
  /** Folder of the synthesized output in that repository. @default 'dist' */
  readonly outputPath?: string;
}

/**
 * The reference platform that `npx cdk8s synth` builds into `dist/`: two tenants, each a
 * chart (one folder of `dist/` each), and the Argo CD Applications that roll them out.
 *
 * - shop: a storefront and its API (WebService), a PostgreSQL database (StatefulStore) and
 *   a nightly report (ScheduledJob); the API reads one ConfigMap through the Kubernetes API,
 *   its database password is sealed in Git, its payment key comes from the cloud secret manager.
 * - fulfilment: an order queue (StatefulStore) fed by the shop's API, and a worker reading it.
 */
export function buildReferencePlatform(app: App, props: ReferencePlatformProps = {}): void {
  const repoUrl = props.repoUrl ?? 'https://github.com/example/platform.git';
  const outputPath = props.outputPath ?? 'dist';
  // The add-ons first: the controllers the tenants' objects rely on, each in its own chart (one
  // folder of dist/ each), Argo CD itself in argocd/ with the Applications.
  const gitops = new Chart(app, 'argocd');
  const argoCd = new ArgoCd(gitops, 'argo-cd', { apiServer: API_SERVER, gitServers: GIT_SERVERS });
  const ingress = new IngressNginx(new Chart(app, 'ingress-nginx'), 'ingress-nginx', { apiServer: API_SERVER });
  const addOnCharts = [
    ingress.node.scope as Chart,
    new CertManager(new Chart(app, 'cert-manager'), 'cert-manager', { apiServer: API_SERVER }).node.scope as Chart,
    new SealedSecretsController(new Chart(app, 'sealed-secrets'), 'sealed-secrets', { apiServer: API_SERVER, image: IMAGES.sealedSecrets })
      .node.scope as Chart,
    externalSecrets(app),
    ...securityMonitoring(app, repoUrl, outputPath),
  ];

  const shop = new Tenant(new Chart(app, 'shop'), 'shop', {
    viewerGroups: ['oidc:shop-support'],
    developerGroups: ['oidc:shop-developers'],
    adminGroups: ['oidc:shop-admins'],
  });
  const fulfilment = new Tenant(new Chart(app, 'fulfilment'), 'fulfilment', {
    viewerGroups: ['oidc:fulfilment-support'],
    developerGroups: ['oidc:fulfilment-developers'],
    adminGroups: ['oidc:platform-admins'],
  });

  // Secrets: one sealed into Git, one fetched from the cloud secret manager.
  const database = new SealedSecret(shop, 'database-credentials', {
    certificate: SEALING_CERTIFICATE,
    // Created with a random value on the first synth (secrets/ is ignored by git).
    values: { password: SecretValue.generatedInFile('secrets/shop/database-password') },
  });
  const payments = new ExternalSecret(shop, 'payment-provider', {
    storeRef: { name: 'cloud-secrets', kind: SecretStoreKind.CLUSTER_SECRET_STORE },
    data: [{ secretKey: 'api-key', remoteRef: { key: 'shop/payment-provider', property: 'api-key' } }],
  });
  const databaseMount = { secretName: database.name, path: '/var/run/secrets/database' };

  const postgres = new StatefulStore(shop, 'database', {
    image: IMAGES.postgres,
    port: 5432,
    dataPath: '/var/lib/postgresql/data',
    storage: Size.gibibytes(20),
    storageClassName: 'encrypted-ssd',
    secretMounts: [databaseMount],
  });
  const queue = new StatefulStore(fulfilment, 'orders-queue', {
    image: IMAGES.rabbitmq,
    port: 5672,
    dataPath: '/var/lib/rabbitmq',
    storage: Size.gibibytes(10),
    storageClassName: 'encrypted-ssd',
  });

  const api = new WebService(shop, 'api', {
    image: IMAGES.api,
    port: 9000,
    fromIngressController: false,
    secretMounts: [databaseMount, { secretName: payments.targetName, path: '/var/run/secrets/payments' }],
    dependencies: [
      { workload: postgres.workload, port: 5432 },
      { workload: queue.workload, port: 5672 },
    ],
    // The payment provider's API, outside the cluster.
    externalDependencies: [{ cidr: '203.0.113.0/24', port: 443 }],
  });
  // The API reads its feature flags from one ConfigMap, and nothing else of the cluster.
  api.workload.grant({ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'watch'], resourceNames: ['feature-flags'] });

  const storefront = new WebService(shop, 'storefront', {
    image: IMAGES.storefront,
    port: 8080,
    size: WorkloadSize.MEDIUM,
    dependencies: [{ workload: api.workload, port: 9000 }],
  });
  new ScheduledJob(shop, 'nightly-report', {
    image: IMAGES.reporter,
    schedule: Cron.schedule({ minute: '0', hour: '3' }),
    args: ['--since=24h'],
    secretMounts: [databaseMount],
    dependencies: [{ workload: postgres.workload, port: 5432 }],
  });
  new Worker(fulfilment, 'order-worker', {
    image: IMAGES.fulfilment,
    args: ['--queue=orders'],
    healthPort: 8081,
    dependencies: [{ workload: queue.workload, port: 5672 }],
  });

  // What the ingress controller may forward to: the storefront, and Argo CD's UI and API.
  ingress.allowToBackend(storefront.workload, 8080);
  ingress.allowToBackend(argoCd.server, 8080);

  admissionPolicyApplication(gitops, repoUrl, `${outputPath}/admission-policies`);
  addOnApplications(gitops, repoUrl, outputPath, addOnCharts);
  for (const tenant of [shop, fulfilment]) {
    new TenantApplication(gitops, tenant.namespaceName, {
      namespace: tenant.namespaceName,
      repoUrl,
      path: `${outputPath}/${tenant.namespaceName}`,
    });
  }
}

/**
 * External Secrets, and the ClusterSecretStore the shop's ExternalSecret names (`cloud-secrets`):
 * AWS Secrets Manager, reached at its private endpoint, with the operator's own identity (IRSA).
 */
function externalSecrets(app: App): Chart {
  const chart = new Chart(app, 'external-secrets');
  new ExternalSecretsOperator(chart, 'external-secrets', {
    apiServer: API_SERVER,
    storeCidrs: [SECRET_MANAGER_ENDPOINT],
    image: IMAGES.externalSecrets,
  });
  new ApiObject(chart, 'cloud-secrets', {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ClusterSecretStore',
    metadata: { name: 'cloud-secrets' },
    spec: {
      // Only the namespaces that fetch from it.
      conditions: [{ namespaces: ['shop'] }],
      // A role of its own, which may read shop/* only: never the operator's identity.
      provider: { aws: { service: 'SecretsManager', region: 'eu-west-1', role: 'arn:aws:iam::111122223333:role/platform-shop-secrets' } },
    },
  });
  return chart;
}

/** The platform's log store: Loki, its OTLP endpoint on the monitoring network. Set yours. */
const LOG_STORE = { logsEndpoint: 'https://loki.monitoring.example.com/otlp/v1/logs', cidrs: ['10.0.48.0/28'] };

/**
 * Watching the cluster, a chart (and namespace) each: the API server's audit log shipped off the
 * control-plane nodes to the log store; the security alerts, in a namespace the cluster's
 * Prometheus (prometheus-operator, not part of this platform) loads rules from, their runbook
 * the REVIEW.md published with the output.
 */
function securityMonitoring(app: App, repoUrl: string, outputPath: string): Chart[] {
  const shipping = new Chart(app, 'audit-log-shipping');
  new AuditLogShipper(shipping, 'audit-log-shipper', { image: IMAGES.otelcol, sink: LOG_STORE });
  const alerting = new Chart(app, 'security-monitoring');
  const namespace = new HardenedNamespace(alerting, 'security-monitoring');
  const repository = repoUrl.replace(/\.git$/, '');
  new SecurityAlerts(namespace, 'security-alerts', { runbookUrl: `${repository}/blob/main/${outputPath}/REVIEW.md` });
  return [shipping, alerting];
}

/**
 * One Argo CD Application per add-on folder, sync wave -5: after the admission policies, before
 * the tenants; inside each, Argo CD applies the CRDs before the controllers. Their project may
 * create exactly the cluster-scoped kinds the add-ons emit and deploy only into their namespaces.
 */
function addOnApplications(gitops: Chart, repoUrl: string, outputPath: string, charts: readonly Chart[]): void {
  const project = 'platform-addons';
  const server = 'https://kubernetes.default.svc';
  const objects = charts.flatMap((chart) => chart.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject));
  const clusterKinds = new Map<string, { group: string; kind: string }>();
  const namespaces = new Set<string>();
  for (const api of objects) {
    const group = api.apiVersion.includes('/') ? api.apiVersion.split('/')[0] : '';
    if (api.metadata.namespace === undefined) clusterKinds.set(`${group}/${api.kind}`, { group, kind: api.kind });
    else namespaces.add(api.metadata.namespace);
  }
  new ApiObject(gitops, 'addons-project', {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AppProject',
    metadata: { name: project, namespace: 'argocd' },
    spec: {
      description: "The platform's add-ons: their namespaces and the cluster-scoped kinds they bring",
      sourceRepos: [repoUrl],
      destinations: [...namespaces].sort().map((namespace) => ({ server, namespace })),
      clusterResourceWhitelist: [...clusterKinds.keys()].sort().map((key) => clusterKinds.get(key)!),
    },
  });
  for (const chart of charts) {
    const name = chart.node.id;
    new ApiObject(gitops, `addon-${name}`, {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name, namespace: 'argocd', annotations: { 'argocd.argoproj.io/sync-wave': ADD_ON_SYNC_WAVE } },
      spec: {
        project,
        source: { repoURL: repoUrl, path: `${outputPath}/${name}`, targetRevision: 'main' },
        destination: { server, namespace: name },
        syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['ServerSideApply=true'] },
      },
    });
  }
}

/**
 * The Argo CD Application of the admission policies HardenedApp writes (`admissionPolicies`):
 * sync wave -10, so an app-of-apps syncing argocd/ applies them before the tenants (wave 0),
 * in a project that may create those two cluster-scoped kinds and nothing else.
 */
function admissionPolicyApplication(gitops: Chart, repoUrl: string, path: string): void {
  const project = 'platform-admission';
  const destination = { namespace: 'argocd', server: 'https://kubernetes.default.svc' };
  new ApiObject(gitops, 'admission-project', {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AppProject',
    metadata: { name: project, namespace: 'argocd' },
    spec: {
      description: "The platform's admission policies: cluster-scoped, nothing else",
      sourceRepos: [repoUrl],
      destinations: [destination],
      clusterResourceWhitelist: [
        { group: 'admissionregistration.k8s.io', kind: 'ValidatingAdmissionPolicy' },
        { group: 'admissionregistration.k8s.io', kind: 'ValidatingAdmissionPolicyBinding' },
      ],
      namespaceResourceBlacklist: [{ group: '*', kind: '*' }],
    },
  });
  new ApiObject(gitops, 'admission-application', {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: 'admission-policies', namespace: 'argocd', annotations: { 'argocd.argoproj.io/sync-wave': '-10' } },
    spec: {
      project,
      destination,
      source: { repoURL: repoUrl, path, targetRevision: 'main' },
      syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['ServerSideApply=true'] },
    },
  });
}
