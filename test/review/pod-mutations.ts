/**
 * Generated pods for the differential proofs against kube-apiserver: a pod that meets
 * `restricted`, and the changes real pods make to it, one field of the pod or of one of its
 * containers at a time. Pod Security (pod-security-server.test.ts) and the admission policies
 * (admission-server.test.ts) are both judged on them.
 */

/** A change to a pod or to one of its containers; `pick` chooses among values, seeded. */
export type PodMutation = (pod: Json, container: Json, pick: <T>(items: readonly T[]) => T) => void;

/** A manifest under construction: any field may be set. */
export type Json = Record<string, any>;

/** A pod that meets `restricted`, as our constructs write one. */
export function compliantPod(name: string): Json {
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
export const POD_SECURITY_MUTATIONS: readonly PodMutation[] = [
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
export function withoutLinuxOnlyFields(pod: Json): void {
  if (pod.spec.os?.name !== 'windows') return;
  for (const field of LINUX_ONLY_POD) delete pod.spec.securityContext[field];
  delete pod.spec.hostUsers;
  for (const container of [...pod.spec.containers, ...pod.spec.initContainers]) {
    for (const field of LINUX_ONLY_CONTAINER) delete container.securityContext[field];
  }
}
