/**
 * Our Pod Security rules against the real PodSecurity admission, on generated pods: the
 * upstream fixtures (pod-security-fixtures.test.ts) cover each check one field at a time;
 * here several fields change at once, in pod and containers, init containers included, and
 * kube-apiserver (test/peers/api-server) decides. Each generated pod is created in a namespace
 * enforcing `baseline` and in one enforcing `restricted`; the `pss-baseline` and
 * `pss-restricted` packs must find an error exactly where the server refuses the pod.
 *
 * A pod the server refuses for another reason (its validation: a combination no pod may
 * have) says nothing about Pod Security and is left out; most pods must be judged.
 */
import { review } from '../../lib/review/engine';
import { API_SERVER_PEER, manifestFolder, ObjectResult, onApiServer, SERVER_TIMEOUT } from '../api-server-peer';
import { removeTempDirs, seededRandom, withInstalledTool } from '../support';

const PODS = 300;
const LEVELS = ['baseline', 'restricted'] as const;

afterAll(removeTempDirs);

type Json = Record<string, any>;

/** A pod that meets `restricted`, as our constructs write one. */
function compliantPod(name: string): Json {
  const container = (containerName: string) => ({
    name: containerName,
    image: `registry.example.com/app@sha256:${'ab'.repeat(32)}`,
    ports: [{ containerPort: 8080 }],
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true },
  });
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: {
      securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } },
      initContainers: [container('init')],
      containers: [container('main')],
      volumes: [{ name: 'tmp', emptyDir: {} }],
    },
  };
}

/**
 * Changes a pod the way real pods differ: each picks one field of the pod or of one of its
 * containers and sets a value, risky or harmless. Values are ones the API server's validation
 * accepts on their own.
 */
const MUTATIONS: ReadonlyArray<(pod: Json, container: Json, pick: <T>(items: readonly T[]) => T) => void> = [
  (pod, _c, pick) => {
    pod.spec.securityContext.runAsNonRoot = pick([true, false, undefined]);
  },
  (_p, c, pick) => {
    c.securityContext.runAsNonRoot = pick([true, false]);
  },
  (pod, _c, pick) => {
    pod.spec.securityContext.runAsUser = pick([0, 1000, undefined]);
  },
  (_p, c, pick) => {
    c.securityContext.runAsUser = pick([0, 1, 65532]);
  },
  (_p, c, pick) => {
    c.securityContext.allowPrivilegeEscalation = pick([true, false, undefined]);
  },
  (_p, c, pick) => {
    c.securityContext.privileged = pick([true, false]);
  },
  (_p, c, pick) => {
    c.securityContext.capabilities = {
      ...c.securityContext.capabilities,
      add: [pick(['NET_BIND_SERVICE', 'CHOWN', 'NET_RAW', 'NET_ADMIN', 'SYS_ADMIN', 'KILL', 'AUDIT_WRITE'])],
    };
  },
  (_p, c, pick) => {
    c.securityContext.capabilities = { ...c.securityContext.capabilities, drop: pick([['ALL'], ['NET_RAW'], [], undefined]) };
  },
  (pod, _c, pick) => {
    pod.spec.securityContext.seccompProfile = pick([
      { type: 'RuntimeDefault' },
      { type: 'Unconfined' },
      { type: 'Localhost', localhostProfile: 'profiles/app.json' },
      undefined,
    ]);
  },
  (_p, c, pick) => {
    c.securityContext.seccompProfile = pick([
      { type: 'RuntimeDefault' },
      { type: 'Unconfined' },
      { type: 'Localhost', localhostProfile: 'profiles/app.json' },
    ]);
  },
  (pod, _c, pick) => {
    pod.spec[pick(['hostNetwork', 'hostPID', 'hostIPC'])] = pick([true, false]);
  },
  (_p, c, pick) => {
    c.ports = [{ containerPort: 8080, hostPort: pick([8080, 0]) }];
  },
  (pod, _c, pick) => {
    pod.spec.volumes.push({
      name: 'extra',
      ...pick<Json>([
        { hostPath: { path: '/var/log' } },
        { configMap: { name: 'c' } },
        { secret: { secretName: 's' } },
        { projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } },
        { persistentVolumeClaim: { claimName: 'data' } },
        { nfs: { server: '10.0.0.1', path: '/exports' } },
        { csi: { driver: 'example.csi.k8s.io' } },
        { downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
        { ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } } } },
      ]),
    });
  },
  (_p, c, pick) => {
    c.securityContext.procMount = pick(['Default', 'Unmasked']);
  },
  (pod, c, pick) => {
    const target = pick([pod.spec.securityContext, c.securityContext]);
    target.seLinuxOptions = pick<Json>([
      { type: 'container_t' },
      { type: 'container_init_t' },
      { type: 'spc_t' },
      { user: 'system_u' },
      { level: 's0:c1,c2' },
    ]);
  },
  (pod, _c, pick) => {
    pod.spec.securityContext.sysctls = [
      pick<Json>([
        { name: 'kernel.shm_rmid_forced', value: '0' },
        { name: 'net.ipv4.ip_unprivileged_port_start', value: '1024' },
        { name: 'kernel.msgmax', value: '65536' },
        { name: 'net.core.somaxconn', value: '1024' },
      ]),
    ];
  },
  (pod, c, pick) => {
    const target = pick([pod.spec.securityContext, c.securityContext]);
    target.appArmorProfile = pick<Json>([
      { type: 'RuntimeDefault' },
      { type: 'Unconfined' },
      { type: 'Localhost', localhostProfile: 'k8s-app' },
    ]);
  },
  (_p, c, pick) => {
    c[pick(['livenessProbe', 'readinessProbe'])] = { httpGet: { port: 8080, path: '/', host: pick(['127.0.0.1', '10.1.2.3', '']) } };
  },
  (_p, c, pick) => {
    c.lifecycle = {
      postStart: pick<Json>([
        { httpGet: { port: 8080, host: '10.1.2.3' } },
        { tcpSocket: { port: 8080, host: '10.1.2.3' } },
        { exec: { command: ['true'] } },
      ]),
    };
  },
  // User namespaces: restricted lets a pod with hostUsers: false run as root inside it.
  (pod, _c, pick) => {
    pod.spec.hostUsers = pick([false, true]);
  },
  // Windows pods: restricted skips the Linux-only checks (see withoutLinuxOnlyFields).
  (pod) => {
    pod.spec.os = { name: 'windows' };
  },
  (pod) => {
    pod.spec.os = { name: 'linux' };
  },
  (pod, c) => {
    pod.spec.hostNetwork = true;
    c.securityContext.windowsOptions = { hostProcess: true, runAsUserName: 'NT AUTHORITY\\SYSTEM' };
  },
];

/** Fields validation refuses on a Windows pod (`os.name: windows`); removed from those, so they are judged rather than refused. */
const LINUX_ONLY_POD = ['seccompProfile', 'seLinuxOptions', 'appArmorProfile', 'sysctls', 'runAsUser', 'runAsGroup', 'fsGroup'];
const LINUX_ONLY_CONTAINER = [
  'seccompProfile',
  'seLinuxOptions',
  'appArmorProfile',
  'capabilities',
  'allowPrivilegeEscalation',
  'readOnlyRootFilesystem',
  'privileged',
  'procMount',
  'runAsUser',
  'runAsGroup',
];
function withoutLinuxOnlyFields(pod: Json): void {
  if (pod.spec.os?.name !== 'windows') return;
  for (const field of LINUX_ONLY_POD) delete pod.spec.securityContext[field];
  delete pod.spec.hostUsers;
  for (const container of [...pod.spec.containers, ...pod.spec.initContainers]) {
    for (const field of LINUX_ONLY_CONTAINER) delete container.securityContext[field];
  }
}

/** `count` pods, each the compliant pod with 0 to 3 changes, the same on every run. */
function generatedPods(count: number): Json[] {
  const { random, pick } = seededRandom(20261123);
  return Array.from({ length: count }, (_, i) => {
    const pod = compliantPod(`pod-${String(i).padStart(3, '0')}`);
    const changes = Math.floor(random() * 4);
    for (let n = 0; n < changes; n++) {
      const container = pick([pod.spec.containers[0], pod.spec.initContainers[0]]);
      pick(MUTATIONS)(pod, container, pick);
    }
    withoutLinuxOnlyFields(pod);
    return JSON.parse(JSON.stringify(pod)); // drops the undefined fields
  });
}

/** Whether our pack for `level` finds an error in `pod`, with the rules that do. */
function ourVerdict(pod: Json, level: string): string[] {
  const result = review([{ object: pod, origin: pod.metadata.name }], { packs: [`pss-${level}`], today: '2026-01-01' });
  return result.findings.filter((f) => f.severity === 'error').map((f) => f.ruleId);
}

withInstalledTool(API_SERVER_PEER, 'Pod Security differential proof against kube-apiserver', 'scripts/install-peers.sh', () => {
  describe('our Pod Security packs agree with the PodSecurity admission of kube-apiserver', () => {
    const pods = generatedPods(PODS);
    const answers = new Map<string, ObjectResult>();
    beforeAll(async () => {
      const documents: Json[] = LEVELS.flatMap((level) => [
        {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: {
            name: `psa-${level}`,
            labels: { 'pod-security.kubernetes.io/enforce': level, 'pod-security.kubernetes.io/enforce-version': 'latest' },
          },
        },
        ...pods.map((pod) => ({ ...pod, metadata: { ...pod.metadata, namespace: `psa-${level}` } })),
      ]);
      const report = await onApiServer([manifestFolder('pod-security-server-', documents)], { crds: false });
      for (const o of report.objects) if (o.kind === 'Pod') answers.set(`${o.namespace}/${o.name}`, o);
    }, SERVER_TIMEOUT);

    test.each(LEVELS)('%s: an error from our pack exactly where the server refuses the pod', (level) => {
      const mismatches: string[] = [];
      let judged = 0;
      let refused = 0;
      for (const pod of pods) {
        const answer = answers.get(`psa-${level}/${pod.metadata.name}`)!;
        expect(answer).toBeDefined();
        const forbidden = answer.outcome === 'refused' && /violates PodSecurity/.test(answer.error ?? '');
        if (answer.outcome === 'refused' && !forbidden) continue; // refused by validation: not a Pod Security answer
        judged++;
        if (forbidden) refused++;
        const ours = ourVerdict(pod, level);
        if (ours.length > 0 !== forbidden) {
          mismatches.push(
            `${pod.metadata.name}: server ${forbidden ? `refuses (${answer.error})` : 'admits'}, we ${ours.length ? `find ${ours.join(', ')}` : 'find nothing'}\n${JSON.stringify(pod.spec)}`,
          );
        }
      }
      expect(mismatches).toEqual([]);
      // The comparison is not one-sided, and most pods were judged.
      expect(judged).toBeGreaterThan(PODS * 0.8);
      expect(refused).toBeGreaterThan(judged * 0.2);
      expect(judged - refused).toBeGreaterThan(judged * 0.2);
    });
  });
});
