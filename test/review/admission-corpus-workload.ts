/** Admission differential corpus (admission-corpus.ts): workload hardening and secrets rules on pod templates. */
import type { Json, PodMutation } from './pod-mutations';

const HEX = 'ab'.repeat(32);

/** Images written the ways the API server's pull policy defaulting and the image rules read differently. */
const IMAGES = [
  'nginx',
  'nginx:latest',
  'nginx:1.27',
  `nginx@sha256:${HEX}`,
  `nginx:latest@sha256:${HEX}`,
  `nginx:1.27@sha256:${HEX}`,
  `nginx@sha256:${HEX.slice(2)}`,
  `nginx@sha256:${HEX.toUpperCase()}`,
  `nginx@sha512:${HEX}${HEX}`,
  `nginx:latest@sha384:${HEX.slice(0, 32)}`,
  'ghcr.io/example/app:latest',
  'ghcr.io/Example/app',
  'ghcr.io/Example/app:latest',
  'Example/app:latest',
  'registry.example.com:5000/shop/web',
  'registry.example.com:5000/shop/web:2.1',
  'localhost/app',
  'localhost:5000/app:latest',
  'index.docker.io/app',
  'docker.io/library/app:LATEST',
  'app:Latest',
  'a__b/app',
  'app:-bad',
  HEX,
  `${HEX}:1.0`,
  `ngi\u00a0nx@sha256:${HEX}`,
  `ngi\u2028nx@sha256:${HEX}`,
  `ngi\tnx@sha256:${HEX}`,
  `ngi nx:latest`,
];

/** Environment variable names on both sides of `secretWordIn`: words, camelCase humps, reference suffixes, vendor names. */
const ENV_NAMES = [
  'DB_PASSWORD',
  'dbPassword',
  'DB_PASSWORD_FILE',
  'passwordFile',
  'PASSWD',
  'apiKey',
  'API_KEY_ID',
  'X-Api-Key',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'accessKey',
  'privateKey',
  'PRIVATE.KEY',
  'secretName',
  'SECRETNAME',
  'tokenURL',
  'TOKEN_url',
  'myTOKEN',
  'myToken2',
  'GITHUB_TOKEN',
  'gh_pat',
  'GITHUB-PAT',
  'MY_SLACK_WEBHOOK_URL',
  'slackWebhookUrl',
  'SLACK__WEBHOOK__URL',
  'STORAGE_CONNECTION_STRING',
  'DD_APP_KEY',
  'license.key',
  'ID_ED25519',
  'PGPASS',
  'pg pass',
  'NETRC',
  'dockerconfigjson',
  'credentials',
  'AzureCredential',
  'PassWord',
  'LOG_LEVEL',
  'PORT',
  'tok_en',
  'a1Bsecret',
  'ABCSecret',
  'secret$Id',
  'x$TOKEN',
  '_',
];

/** Pieces of generated names: secret words, reference suffixes and vendor words in several cases, and characters that do or do not start a camelCase hump. */
const NAME_PIECES = [
  'db',
  'PASSWORD',
  'Token',
  'url',
  'ID',
  'api',
  'KEY',
  'Key',
  'slack',
  'Webhook',
  'gh',
  'pat',
  'x1',
  '$',
  'a',
  'SECRET',
  'file',
];
const NAME_SEPARATORS = ['_', '-', '.', '', ' ', '__'];

/** A name of one to three pieces. */
function generatedName(pick: <T>(items: readonly T[]) => T): string {
  const pieces = [pick(NAME_PIECES), pick(NAME_PIECES), pick(NAME_PIECES)].slice(0, pick([1, 2, 3]));
  return pieces.reduce((name, piece) => name + pick(NAME_SEPARATORS) + piece);
}

const ENV_VALUES = ['hunter2', '', '$(OTHER)', '$(OTHER', '$(A.b-c)', ' $(OTHER)', 'x$(OTHER)'];

/** The first anti-affinity term of the pod, made again if an earlier change removed it. */
function antiAffinityTerm(pod: Json): Json {
  const app = pod.metadata.labels.app;
  const preferred = pod.spec.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution;
  if (preferred?.length) return preferred[0].podAffinityTerm;
  const term = { labelSelector: { matchLabels: { app } }, topologyKey: 'kubernetes.io/hostname' };
  pod.spec.affinity = { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] } };
  return term;
}

function securityContextOf(c: Json): Json {
  c.securityContext ??= {};
  return c.securityContext;
}

/** A probe of one kind, with the paths and ports two probes are compared by. */
function probe(pick: <T>(items: readonly T[]) => T): Json {
  return pick<Json>([
    { httpGet: { path: pick(['/healthz', '/', undefined]), port: pick([8080, 8081, 'http', 'admin']) } },
    { tcpSocket: { port: pick([8080, 8081, 'http']) } },
    { exec: { command: pick([['pg_isready'], ['pg_isready', '-q'], ['true']]) } },
    { grpc: { port: 8080 } },
  ]);
}

/** A change listed twice or three times: picked as often, for the rules few kinds or containers reach. */
const twice = (m: PodMutation): PodMutation[] => [m, m];
const thrice = (m: PodMutation): PodMutation[] => [m, m, m];

/** Changes to a pod template for the workload hardening and secrets rules on pod templates. */
export const MUTATIONS: readonly PodMutation[] = [
  // read-only-root-filesystem
  (_p, c, pick) => {
    securityContextOf(c).readOnlyRootFilesystem = pick([true, false, undefined]);
  },
  // high-user-group-ids: container and pod ids, inheritance, fsGroup
  (_p, c, pick) => {
    securityContextOf(c).runAsGroup = pick([0, 1000, 10000, 10001, 65532, undefined]);
  },
  (_p, c, pick) => {
    securityContextOf(c).runAsUser = pick([10000, 10001, undefined]);
  },
  (pod, _c, pick) => {
    pod.spec.securityContext.runAsGroup = pick([0, 10000, 10001, 65532, undefined]);
  },
  (pod, _c, pick) => {
    pod.spec.securityContext.runAsUser = pick([10000, 10001, 65532, undefined]);
  },
  (pod, _c, pick) => {
    pod.spec.securityContext.fsGroup = pick([0, 10000, 10001, 65532, undefined]);
  },
  // resources-set: a missing request, a limit standing for its request, numbers
  (_p, c, pick) => {
    c.resources = pick<Json | undefined>([
      undefined,
      {},
      { limits: { cpu: '500m', memory: '256Mi' } },
      { limits: { memory: '256Mi' } },
      { limits: { memory: '256Mi' }, requests: { cpu: '100m' } },
      { limits: { cpu: 1, memory: 268435456 }, requests: { memory: '128Mi' } },
      { requests: { cpu: '100m', memory: '256Mi' } },
      { requests: { cpu: '100m' }, limits: { memory: '256Mi', cpu: '1' } },
      { requests: { memory: '256Mi' }, limits: { memory: '256Mi' } },
      { requests: { cpu: 0, memory: 0 }, limits: { memory: '1Gi' } },
    ]);
  },
  (_p, c, pick) => {
    c.resources ??= {};
    const section = pick(['requests', 'limits']);
    c.resources[section] = { ...c.resources[section] };
    delete c.resources[section][pick(['cpu', 'memory'])];
  },
  // image-digest, no-latest-tag, image-pull-always (the API server defaults an unset policy from the image)
  (_p, c, pick) => {
    c.image = pick(IMAGES);
    c.imagePullPolicy = pick([undefined, undefined, 'Always', 'IfNotPresent', 'Never']);
  },
  (_p, c, pick) => {
    c.imagePullPolicy = pick([undefined, 'IfNotPresent', 'Never', 'Always']);
  },
  (_p, c, pick) => {
    delete c.imagePullPolicy;
    c.image = pick(IMAGES);
  },
  // readiness-probe, liveness-probe, distinct-probes
  ...twice((pod, _c, pick) => {
    delete pod.spec.containers[0][pick(['readinessProbe', 'livenessProbe'])];
  }),
  (_p, c, pick) => {
    c.readinessProbe = probe(pick);
    c.livenessProbe = pick([probe(pick), c.readinessProbe]);
    c.ports = [{ containerPort: 8080, name: 'http' }];
  },
  (_p, c, pick) => {
    const path = pick(['/', undefined, '/healthz']);
    const port = pick([8080, 'http']);
    c.readinessProbe = { httpGet: { path, port }, periodSeconds: 5 };
    c.livenessProbe = { httpGet: { path: pick(['/', undefined, path]), port: pick([port, 8080, 'admin']) }, failureThreshold: 6 };
  },
  // a sidecar (restartable init container) may have probes; distinct-probes judges it, the probe rules do not
  (pod, _c, pick) => {
    const sidecar = pod.spec.initContainers[0];
    sidecar.restartPolicy = 'Always';
    sidecar.readinessProbe = probe(pick);
    sidecar.livenessProbe = pick([probe(pick), sidecar.readinessProbe, undefined]);
  },
  // no-default-service-account (the deprecated serviceAccount stands in for an empty serviceAccountName)
  (pod, _c, pick) => {
    pod.spec.serviceAccountName = pick(['app', 'default', '', undefined]);
    pod.spec.serviceAccount = pick([undefined, undefined, 'app', 'default']);
  },
  // env-no-literal-secret and secret-as-file
  ...thrice((_p, c, pick) => {
    c.env = [...(c.env ?? []), { name: pick(ENV_NAMES), value: pick(ENV_VALUES) }, { name: generatedName(pick), value: pick(ENV_VALUES) }];
  }),
  (_p, c, pick) => {
    c.env = [
      ...(c.env ?? []),
      {
        name: pick(ENV_NAMES),
        valueFrom: pick<Json>([
          { secretKeyRef: { name: 'db', key: 'password' } },
          { configMapKeyRef: { name: 'settings', key: 'level' } },
          { fieldRef: { fieldPath: 'metadata.name' } },
        ]),
      },
    ];
  },
  (_p, c, pick) => {
    c.envFrom = [
      pick<Json>([{ secretRef: { name: 'db' } }, { configMapRef: { name: 'settings' } }, { prefix: 'DB_', secretRef: { name: 'db' } }]),
    ];
  },
  // pod-anti-affinity: topology key, selectors of the own pods or others, namespaces, required terms
  ...twice((pod) => {
    delete pod.spec.affinity;
  }),
  ...twice((pod, _c, pick) => {
    const term = antiAffinityTerm(pod);
    term.topologyKey = pick(['kubernetes.io/hostname', 'topology.kubernetes.io/zone']);
    term.namespaces = pick([undefined, [], ['corpus'], ['other'], ['other', 'corpus']]);
  }),
  ...thrice((pod, _c, pick) => {
    const term = antiAffinityTerm(pod);
    const app = pod.metadata.labels.app;
    term.labelSelector = pick<Json | undefined>([
      undefined,
      {},
      { matchLabels: { app: 'other' } },
      { matchLabels: { app, tier: 'web' } },
      { matchExpressions: [{ key: 'app', operator: 'In', values: [app, 'other'] }] },
      { matchExpressions: [{ key: 'app', operator: 'In', values: ['other'] }] },
      { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['other'] }] },
      { matchExpressions: [{ key: 'app', operator: 'NotIn', values: [app] }] },
      { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['web'] }] },
      { matchExpressions: [{ key: 'app', operator: 'Exists' }] },
      { matchExpressions: [{ key: 'tier', operator: 'Exists' }] },
      { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] },
      { matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] },
      { matchLabels: { app }, matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] },
    ]);
  }),
  (pod, _c, pick) => {
    pod.metadata.labels.tier = pick(['web', 'db']);
  },
  (pod, _c, pick) => {
    const app = pod.metadata.labels.app;
    pod.spec.affinity = {
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          {
            labelSelector: { matchLabels: { app: pick([app, 'other']) } },
            topologyKey: pick(['kubernetes.io/hostname', 'topology.kubernetes.io/zone']),
          },
        ],
      },
    };
  },
];
