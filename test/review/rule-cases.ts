/**
 * One compliant and one or more non-compliant objects per rule, with the exact findings
 * expected: `[path, text the message contains]`. `rules.test.ts` runs them and checks that
 * every rule has both kinds of case.
 */
import { ALLOWED_REGISTRIES_ANNOTATION } from '../../lib/policy/image-registry';
import { KubeObject } from '../../lib/review/model';
import { CLUSTER_RULE_CASES } from './cluster-rule-cases';
import { CROSS_OBJECT_RULE_CASES } from './cross-object-rule-cases';
import { NETWORK_RULE_CASES } from './network-rule-cases';
import { container, deployment, hardenedNamespace, namespace, networkPolicy, PINNED_IMAGE, pod, workloadOfKind } from './builders';

export interface RuleCase {
  readonly rule: string;
  readonly name: string;
  readonly object: KubeObject;
  /** Other objects under review, for rules that look across objects. */
  readonly others?: readonly KubeObject[];
  readonly expected: ReadonlyArray<readonly [path: string, message: string]>;
}

const P = 'spec.template.spec';

// Fake credentials, assembled so that no scanner takes this file for a leak.
const FAKE_AWS_KEY_ID = ['AKIA', 'Z2Q7WLMRT5XKPB3N'].join('');
const FAKE_GITHUB_TOKEN = ['ghp', 'q7Xr2LmZ9vKw4TbN8cYp3HsJ6dFg1AeUoQiW'].join('_');
const FAKE_SLACK_TOKEN = ['xoxb', '1234567890', '9876543210', 'q7Xr2LmZ9vKw4TbN8cYp3HsJ'].join('-');
const FAKE_PEM_KEY = [
  '-----BEGIN RSA PRIVATE KEY-----',
  'MIIEowIBAAKCAQEA1sN4zQ8qW5b9kTn3yXvR2LmZ9vKw4TbN8cYp3HsJ6dFg1AeU',
  '-----END RSA PRIVATE KEY-----',
  '',
].join('\n');
const FAKE_JWT =
  [{ alg: 'RS256' }, { sub: 'system:serviceaccount:shop:web' }]
    .map((part) => Buffer.from(JSON.stringify(part)).toString('base64url'))
    .join('.') + '.q7Xr2LmZ9vKw4TbN8cYp3HsJ6dFg1AeUoQiWxBnVk5M';
const WEB = `${P}.containers[0]`;
/** The namespace `images`, with its own registry allowlist (a namespace of its own: the cases' other objects live in `shop`). */
const annotatedNamespace = (list: string): KubeObject => ({
  ...namespace('images'),
  metadata: {
    name: 'images',
    labels: { 'pod-security.kubernetes.io/enforce': 'restricted' },
    annotations: { [ALLOWED_REGISTRIES_ANNOTATION]: list },
  },
});
/** A Deployment in the namespace `images`. */
const inImages = (object: KubeObject): KubeObject => ({ ...object, metadata: { ...object.metadata, namespace: 'images' } });
const SETUP = `${P}.initContainers[0]`;
const windows = (spec: Record<string, any>) => {
  spec.os = { name: 'windows' };
};

const RBAC_API = 'rbac.authorization.k8s.io/v1';
type PolicyRule = { apiGroups?: string[]; resources?: string[]; verbs: string[]; resourceNames?: string[]; nonResourceURLs?: string[] };
type Subject = { kind: string; name: string; namespace?: string };

/** A Role in `shop`. */
function role(rules: PolicyRule[], name = 'web'): KubeObject {
  return { apiVersion: RBAC_API, kind: 'Role', metadata: { name, namespace: 'shop' }, rules };
}

/** A ClusterRole, with labels or an aggregationRule when given. */
function clusterRole(rules: PolicyRule[], name = 'web', extra: Record<string, unknown> = {}): KubeObject {
  const { labels, ...rest } = extra;
  return {
    apiVersion: RBAC_API,
    kind: 'ClusterRole',
    metadata: { name, ...(labels ? { labels } : {}) } as KubeObject['metadata'],
    rules,
    ...rest,
  };
}

/** A RoleBinding in `shop` (or a ClusterRoleBinding when `cluster`) of `roleRef` to `subjects`. */
function binding(roleRef: { kind: string; name: string }, subjects: Subject[], cluster = false): KubeObject {
  return {
    apiVersion: RBAC_API,
    kind: cluster ? 'ClusterRoleBinding' : 'RoleBinding',
    metadata: cluster ? { name: 'web' } : { name: 'web', namespace: 'shop' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef },
    subjects,
  };
}

const WEB_ACCOUNT: Subject = { kind: 'ServiceAccount', name: 'web', namespace: 'shop' };
const DEVELOPERS: Subject = { kind: 'Group', name: 'shop-developers' };
const READ_PODS: PolicyRule = { apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list', 'watch'] };

function withTemplateAnnotations(obj: KubeObject, annotations: Record<string, string>): KubeObject {
  (obj as any).spec.template.metadata.annotations = annotations;
  return obj;
}

/** A PodDisruptionBudget of the `web` pods, with the eviction policy given. */
function pdb(unhealthyPodEvictionPolicy: string | undefined): KubeObject {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: 'web', namespace: 'shop' },
    spec: {
      maxUnavailable: 1,
      selector: { matchLabels: { app: 'web' } },
      ...(unhealthyPodEvictionPolicy ? { unhealthyPodEvictionPolicy } : {}),
    },
  };
}

export const RULE_CASES: readonly RuleCase[] = [
  { rule: 'no-host-namespaces', name: 'a hardened deployment complies', object: deployment(), expected: [] },
  {
    rule: 'no-host-namespaces',
    name: 'hostNetwork false complies',
    object: deployment((s) => {
      s.hostNetwork = false;
    }),
    expected: [],
  },
  {
    rule: 'no-host-namespaces',
    name: 'hostNetwork, hostPID and hostIPC',
    object: deployment((s) => {
      s.hostNetwork = true;
      s.hostPID = true;
      s.hostIPC = true;
    }),
    expected: [
      [`${P}.hostNetwork`, 'host network namespace'],
      [`${P}.hostPID`, 'host process ID namespace'],
      [`${P}.hostIPC`, 'host IPC namespace'],
    ],
  },

  { rule: 'no-privileged', name: 'privileged: false complies', object: deployment(), expected: [] },
  {
    rule: 'no-privileged',
    name: 'a privileged init container',
    object: deployment((s) => {
      container(s, 'setup').securityContext.privileged = true;
    }),
    expected: [[`${SETUP}.securityContext.privileged`, 'init container "setup" is privileged']],
  },

  {
    rule: 'baseline-capabilities',
    name: 'adding the default set complies',
    object: deployment((s) => {
      container(s).securityContext.capabilities.add = [
        'AUDIT_WRITE',
        'CHOWN',
        'DAC_OVERRIDE',
        'FOWNER',
        'FSETID',
        'KILL',
        'MKNOD',
        'NET_BIND_SERVICE',
        'SETFCAP',
        'SETGID',
        'SETPCAP',
        'SETUID',
        'SYS_CHROOT',
      ];
    }),
    expected: [],
  },
  {
    rule: 'baseline-capabilities',
    name: 'NET_RAW, and names spelled differently',
    object: deployment((s) => {
      container(s).securityContext.capabilities.add = ['NET_RAW', 'chown', 'CAP_KILL'];
    }),
    expected: [
      [`${WEB}.securityContext.capabilities.add[0]`, 'container "web" adds capability "NET_RAW"'],
      [`${WEB}.securityContext.capabilities.add[1]`, 'write "CHOWN"'],
      [`${WEB}.securityContext.capabilities.add[2]`, 'write "KILL"'],
    ],
  },

  {
    rule: 'drop-all-capabilities',
    name: 'drop ALL and add NET_BIND_SERVICE complies',
    object: deployment((s) => {
      container(s).securityContext.capabilities.add = ['NET_BIND_SERVICE'];
    }),
    expected: [],
  },
  {
    rule: 'drop-all-capabilities',
    name: 'a Windows pod is exempt',
    object: deployment((s) => {
      windows(s);
      delete container(s).securityContext.capabilities;
    }),
    expected: [],
  },
  {
    rule: 'drop-all-capabilities',
    name: 'no drop, and CHOWN added',
    object: deployment((s) => {
      container(s).securityContext.capabilities = { drop: ['NET_RAW'], add: ['CHOWN'] };
    }),
    expected: [
      [`${WEB}.securityContext.capabilities.drop`, 'container "web" does not drop ALL'],
      [`${WEB}.securityContext.capabilities.add[0]`, 'adds capability "CHOWN"'],
    ],
  },
  {
    rule: 'drop-all-capabilities',
    name: 'no capabilities at all',
    object: deployment((s) => {
      delete container(s, 'setup').securityContext.capabilities;
    }),
    expected: [[`${SETUP}.securityContext.capabilities.drop`, 'init container "setup" does not drop ALL']],
  },

  { rule: 'no-host-path', name: 'emptyDir complies', object: deployment(), expected: [] },
  {
    rule: 'no-host-path',
    name: 'a hostPath volume',
    object: deployment((s) => {
      s.volumes.push({ name: 'docker', hostPath: { path: '/var/run/docker.sock' } });
    }),
    expected: [[`${P}.volumes[1].hostPath`, 'volume "docker" mounts the node\'s path "/var/run/docker.sock"']],
  },
  {
    rule: 'no-host-path',
    name: 'a hostPath volume mounted writable by one container of two',
    object: deployment((s) => {
      s.volumes.push({ name: 'logs', hostPath: { path: '/var/log/app' } });
      container(s, 'setup').volumeMounts = [{ name: 'logs', mountPath: '/logs', readOnly: true }];
      container(s, 'web').volumeMounts = [...(container(s, 'web').volumeMounts ?? []), { name: 'logs', mountPath: '/logs' }];
    }),
    expected: [[`${P}.volumes[1].hostPath`, 'volume "logs" mounts the node\'s path "/var/log/app", writable']],
  },

  {
    rule: 'restricted-volume-types',
    name: 'every allowed type, and a volume with no source, comply',
    object: deployment((s) => {
      s.volumes = [
        { name: 'defaulted' },
        { name: 'c', configMap: { name: 'c' } },
        { name: 's', secret: { secretName: 's' } },
        { name: 'p', persistentVolumeClaim: { claimName: 'p' } },
        { name: 'd', downwardAPI: { items: [] } },
        { name: 'pr', projected: { sources: [] } },
        { name: 'e', ephemeral: { volumeClaimTemplate: {} } },
        { name: 'csi', csi: { driver: 'x' } },
        { name: 'i', image: { reference: PINNED_IMAGE } },
      ];
    }),
    expected: [],
  },
  {
    rule: 'restricted-volume-types',
    name: 'nfs and hostPath volumes',
    object: deployment((s) => {
      s.volumes.push({ name: 'share', nfs: { server: 'nfs', path: '/' } }, { name: 'host', hostPath: { path: '/' } });
    }),
    expected: [
      [`${P}.volumes[1].nfs`, 'volume "share" uses the restricted volume type "nfs"'],
      [`${P}.volumes[2].hostPath`, '"hostPath"'],
    ],
  },

  {
    rule: 'no-host-ports',
    name: 'hostPort 0 complies',
    object: deployment((s) => {
      container(s).ports[0].hostPort = 0;
    }),
    expected: [],
  },
  {
    rule: 'no-host-ports',
    name: 'a host port',
    object: deployment((s) => {
      container(s).ports.push({ containerPort: 9090, hostPort: 9090 });
    }),
    expected: [[`${WEB}.ports[1].hostPort`, 'container "web" binds host port 9090']],
  },

  {
    rule: 'no-apparmor-unconfined',
    name: 'RuntimeDefault, Localhost and allowed annotations comply',
    object: withTemplateAnnotations(
      deployment((s) => {
        s.securityContext.appArmorProfile = { type: 'RuntimeDefault' };
        container(s).securityContext.appArmorProfile = { type: 'Localhost', localhostProfile: 'web' };
      }),
      {
        'container.apparmor.security.beta.kubernetes.io/web': 'localhost/web',
        'container.apparmor.security.beta.kubernetes.io/setup': 'runtime/default',
      },
    ),
    expected: [],
  },
  {
    rule: 'no-apparmor-unconfined',
    name: 'Unconfined in the fields and the annotation',
    object: withTemplateAnnotations(
      deployment((s) => {
        s.securityContext.appArmorProfile = { type: 'Unconfined' };
        container(s, 'setup').securityContext.appArmorProfile = { type: 'Unconfined' };
      }),
      { 'container.apparmor.security.beta.kubernetes.io/web': 'unconfined' },
    ),
    expected: [
      [`${P}.securityContext.appArmorProfile.type`, 'pod sets AppArmor profile type "Unconfined"'],
      [`${SETUP}.securityContext.appArmorProfile.type`, 'init container "setup" sets AppArmor profile type "Unconfined"'],
      [
        'spec.template.metadata.annotations["container.apparmor.security.beta.kubernetes.io/web"]',
        'container "web" has AppArmor annotation "unconfined"',
      ],
    ],
  },

  {
    rule: 'no-custom-selinux',
    name: 'standard types and a level comply',
    object: deployment((s) => {
      s.securityContext.seLinuxOptions = { type: 'container_t', level: 's0:c1,c2' };
      container(s).securityContext.seLinuxOptions = { type: 'container_engine_t' };
    }),
    expected: [],
  },
  {
    rule: 'no-custom-selinux',
    name: 'a custom type, user and role',
    object: deployment((s) => {
      container(s).securityContext.seLinuxOptions = { type: 'spc_t', user: 'system_u', role: 'system_r' };
    }),
    expected: [
      [`${WEB}.securityContext.seLinuxOptions.type`, 'container "web" sets SELinux type "spc_t"'],
      [`${WEB}.securityContext.seLinuxOptions.user`, 'SELinux user "system_u"'],
      [`${WEB}.securityContext.seLinuxOptions.role`, 'SELinux role "system_r"'],
    ],
  },

  {
    rule: 'no-unmasked-proc-mount',
    name: 'Unmasked in a user namespace complies',
    object: deployment((s) => {
      s.hostUsers = false;
      container(s).securityContext.procMount = 'Unmasked';
    }),
    expected: [],
  },
  {
    rule: 'no-unmasked-proc-mount',
    name: 'Unmasked without a user namespace',
    object: deployment((s) => {
      container(s).securityContext.procMount = 'Unmasked';
    }),
    expected: [[`${WEB}.securityContext.procMount`, 'container "web" sets procMount "Unmasked"']],
  },

  {
    rule: 'restricted-proc-mount',
    name: 'Default complies',
    object: deployment((s) => {
      container(s).securityContext.procMount = 'Default';
    }),
    expected: [],
  },
  {
    rule: 'restricted-proc-mount',
    name: 'Unmasked even in a user namespace',
    object: deployment((s) => {
      s.hostUsers = false;
      container(s).securityContext.procMount = 'Unmasked';
    }),
    expected: [[`${WEB}.securityContext.procMount`, 'container "web" sets procMount "Unmasked"']],
  },

  {
    rule: 'no-unconfined-seccomp',
    name: 'no profile at all complies with baseline',
    object: deployment((s) => {
      delete s.securityContext.seccompProfile;
    }),
    expected: [],
  },
  {
    rule: 'no-unconfined-seccomp',
    name: 'Unconfined on a container',
    object: deployment((s) => {
      container(s).securityContext.seccompProfile = { type: 'Unconfined' };
    }),
    expected: [[`${WEB}.securityContext.seccompProfile.type`, 'container "web" sets seccomp profile "Unconfined"']],
  },

  {
    rule: 'seccomp-runtime-default',
    name: 'Localhost on every container complies',
    object: deployment((s) => {
      delete s.securityContext.seccompProfile;
      container(s).securityContext.seccompProfile = { type: 'Localhost', localhostProfile: 'web.json' };
      container(s, 'setup').securityContext.seccompProfile = { type: 'RuntimeDefault' };
    }),
    expected: [],
  },
  {
    rule: 'seccomp-runtime-default',
    name: 'a Windows pod is exempt',
    object: deployment((s) => {
      windows(s);
      delete s.securityContext.seccompProfile;
    }),
    expected: [],
  },
  {
    rule: 'seccomp-runtime-default',
    name: 'no profile anywhere',
    object: deployment((s) => {
      delete s.securityContext.seccompProfile;
    }),
    expected: [
      [`${SETUP}.securityContext.seccompProfile`, 'init container "setup" runs without a seccomp profile'],
      [`${WEB}.securityContext.seccompProfile`, 'container "web" runs without'],
    ],
  },
  {
    rule: 'seccomp-runtime-default',
    name: 'Unconfined on the pod, even with good containers',
    object: deployment((s) => {
      s.securityContext.seccompProfile = { type: 'Unconfined' };
      container(s).securityContext.seccompProfile = { type: 'RuntimeDefault' };
    }),
    expected: [
      [`${P}.securityContext.seccompProfile.type`, 'pod sets seccomp profile "Unconfined"'],
      [`${SETUP}.securityContext.seccompProfile`, 'init container "setup" runs without'],
    ],
  },

  {
    rule: 'no-unsafe-sysctls',
    name: 'safe sysctls, including v1.37 additions, comply',
    object: deployment((s) => {
      s.securityContext.sysctls = [
        { name: 'net.ipv4.ip_unprivileged_port_start', value: '0' },
        { name: 'net.ipv4.tcp_notsent_lowat', value: '16384' },
      ];
    }),
    expected: [],
  },
  {
    rule: 'no-unsafe-sysctls',
    name: 'an unsafe sysctl',
    object: deployment((s) => {
      s.securityContext.sysctls = [{ name: 'kernel.msgmax', value: '65536' }];
    }),
    expected: [[`${P}.securityContext.sysctls[0].name`, 'pod sets the unsafe sysctl "kernel.msgmax"']],
  },

  {
    rule: 'no-windows-host-process',
    name: 'hostProcess false complies',
    object: deployment((s) => {
      windows(s);
      s.securityContext.windowsOptions = { hostProcess: false };
    }),
    expected: [],
  },
  {
    rule: 'no-windows-host-process',
    name: 'a HostProcess container',
    object: deployment((s) => {
      windows(s);
      container(s).securityContext.windowsOptions = { hostProcess: true };
    }),
    expected: [[`${WEB}.securityContext.windowsOptions.hostProcess`, 'container "web" runs as a Windows HostProcess container']],
  },

  {
    rule: 'no-host-probes',
    name: 'probes without a host comply',
    object: deployment((s) => {
      container(s).livenessProbe.httpGet.host = '';
    }),
    expected: [],
  },
  {
    rule: 'no-host-probes',
    name: 'a probe to localhost and a hook to another host',
    object: deployment((s) => {
      container(s).livenessProbe.httpGet.host = '127.0.0.1';
      container(s).lifecycle = { preStop: { tcpSocket: { host: 'metadata.internal', port: 80 } } };
    }),
    expected: [
      [`${WEB}.livenessProbe.httpGet.host`, 'container "web" sends its livenessProbe to host "127.0.0.1"'],
      [`${WEB}.lifecycle.preStop.tcpSocket.host`, 'preStop hook to host "metadata.internal"'],
    ],
  },

  {
    rule: 'no-privilege-escalation',
    name: 'a Windows pod is exempt',
    object: deployment((s) => {
      windows(s);
      delete container(s).securityContext.allowPrivilegeEscalation;
    }),
    expected: [],
  },
  {
    rule: 'no-privilege-escalation',
    name: 'unset and true',
    object: deployment((s) => {
      delete container(s, 'setup').securityContext.allowPrivilegeEscalation;
      container(s).securityContext.allowPrivilegeEscalation = true;
    }),
    expected: [
      [`${SETUP}.securityContext.allowPrivilegeEscalation`, 'init container "setup" does not set allowPrivilegeEscalation: false'],
      [`${WEB}.securityContext.allowPrivilegeEscalation`, 'container "web" allows privilege escalation'],
    ],
  },

  {
    rule: 'run-as-non-root',
    name: 'set on every container instead of the pod complies',
    object: deployment((s) => {
      delete s.securityContext.runAsNonRoot;
      container(s).securityContext.runAsNonRoot = true;
      container(s, 'setup').securityContext.runAsNonRoot = true;
    }),
    expected: [],
  },
  {
    rule: 'run-as-non-root',
    name: 'a pod with its own user namespace is exempt',
    object: deployment((s) => {
      s.hostUsers = false;
      delete s.securityContext.runAsNonRoot;
    }),
    expected: [],
  },
  {
    rule: 'run-as-non-root',
    name: 'unset on the pod and a container',
    object: deployment((s) => {
      delete s.securityContext.runAsNonRoot;
      container(s).securityContext.runAsNonRoot = true;
    }),
    expected: [[`${SETUP}.securityContext.runAsNonRoot`, 'init container "setup" may run as root']],
  },
  {
    rule: 'run-as-non-root',
    name: 'false on the pod fails even when every container says true',
    object: deployment((s) => {
      s.securityContext.runAsNonRoot = false;
      container(s).securityContext.runAsNonRoot = true;
      container(s, 'setup').securityContext.runAsNonRoot = true;
    }),
    expected: [[`${P}.securityContext.runAsNonRoot`, 'pod sets runAsNonRoot: false']],
  },

  {
    rule: 'no-root-user',
    name: 'root in a user namespace complies',
    object: deployment((s) => {
      s.hostUsers = false;
      s.securityContext.runAsUser = 0;
    }),
    expected: [],
  },
  {
    rule: 'no-root-user',
    name: 'user 0 on the pod and a container',
    object: deployment((s) => {
      s.securityContext.runAsUser = 0;
      container(s).securityContext.runAsUser = 0;
    }),
    expected: [
      [`${P}.securityContext.runAsUser`, 'pod runs all its containers as root'],
      [`${WEB}.securityContext.runAsUser`, 'container "web" runs as root'],
    ],
  },

  {
    rule: 'read-only-root-filesystem',
    name: 'a Windows pod is exempt',
    object: deployment((s) => {
      windows(s);
      delete container(s).securityContext.readOnlyRootFilesystem;
    }),
    expected: [],
  },
  {
    rule: 'read-only-root-filesystem',
    name: 'a writable root filesystem',
    object: deployment((s) => {
      container(s).securityContext.readOnlyRootFilesystem = false;
    }),
    expected: [[`${WEB}.securityContext.readOnlyRootFilesystem`, 'container "web" has a writable root filesystem']],
  },

  {
    rule: 'high-user-group-ids',
    name: 'ids set on the containers instead of the pod comply',
    object: deployment((s) => {
      s.securityContext = { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
      for (const name of ['web', 'setup']) Object.assign(container(s, name).securityContext, { runAsUser: 10001, runAsGroup: 10001 });
    }),
    expected: [],
  },
  {
    rule: 'high-user-group-ids',
    name: 'a low pod user, a container without group, a low fsGroup',
    object: deployment((s) => {
      s.securityContext.runAsUser = 1000;
      delete s.securityContext.runAsGroup;
      s.securityContext.fsGroup = 2000;
      container(s).securityContext.runAsGroup = 10001;
    }),
    expected: [
      [`${P}.securityContext.fsGroup`, 'pod sets fsGroup 2000'],
      [`${P}.securityContext.runAsUser`, 'init container "setup" runs with runAsUser 1000 (inherited from the pod)'],
      [`${SETUP}.securityContext.runAsGroup`, 'init container "setup" does not set runAsGroup'],
      [`${P}.securityContext.runAsUser`, 'container "web" runs with runAsUser 1000'],
    ],
  },
  {
    rule: 'high-user-group-ids',
    name: 'the container value wins over the pod value',
    object: deployment((s) => {
      container(s).securityContext.runAsUser = 10000;
    }),
    expected: [[`${WEB}.securityContext.runAsUser`, 'container "web" runs with runAsUser 10000, not above 10000']],
  },

  { rule: 'resources-set', name: 'requests and a memory limit comply', object: deployment(), expected: [] },
  {
    rule: 'resources-set',
    name: 'missing cpu request on the init container and memory limit on the container',
    object: deployment((s) => {
      delete container(s, 'setup').resources.requests.cpu;
      delete container(s).resources.limits;
    }),
    expected: [
      [`${SETUP}.resources.requests.cpu`, 'init container "setup" has no cpu request'],
      [`${WEB}.resources.limits.memory`, 'container "web" has no memory limit'],
    ],
  },
  {
    rule: 'resources-set',
    name: 'a limit stands for its missing request: the API server copies it',
    object: deployment((s) => {
      const resources = container(s).resources;
      resources.limits.cpu = '1';
      delete resources.requests;
    }),
    expected: [],
  },

  {
    rule: 'image-digest',
    name: 'tag plus digest complies',
    object: deployment((s) => {
      container(s).image = `nginx:1.27@sha256:${'b'.repeat(64)}`;
    }),
    expected: [],
  },
  {
    rule: 'image-digest',
    name: 'a tag, and a truncated digest',
    object: deployment((s) => {
      container(s).image = 'nginx:1.27';
      container(s, 'setup').image = `nginx@sha256:${'b'.repeat(63)}`;
    }),
    expected: [
      [
        `${SETUP}.image`,
        `uses image "nginx@sha256:${'b'.repeat(63)}", whose digest must be sha256: followed by 64 lowercase hex characters; it has 63`,
      ],
      [`${WEB}.image`, 'container "web" uses image "nginx:1.27", which is not pinned'],
    ],
  },

  {
    rule: 'image-registry-allowed',
    name: "images under an entry of the namespace's allowlist comply (and without any list, every registry does)",
    object: inImages(
      deployment((s) => {
        container(s).image = `ghcr.io/example/web:1.0@sha256:${'b'.repeat(64)}`;
        container(s, 'setup').image = 'nginx:1.27';
      }),
    ),
    others: [annotatedNamespace('ghcr.io/example, docker.io/library')],
    expected: [],
  },
  {
    rule: 'image-registry-allowed',
    name: "images outside the namespace's allowlist, also one whose name only starts like an entry",
    object: inImages(
      deployment((s) => {
        container(s).image = `ghcr.io/examples/web@sha256:${'b'.repeat(64)}`;
        container(s, 'setup').image = 'nginx:1.27';
      }),
    ),
    others: [annotatedNamespace('ghcr.io/example')],
    expected: [
      [`${SETUP}.image`, 'init container "setup" uses image "nginx:1.27" from "docker.io/library/nginx", which namespace "images"\'s'],
      [`${WEB}.image`, 'container "web" uses image "ghcr.io/examples/web@sha256:'],
    ],
  },

  {
    rule: 'image-digest',
    name: 'an image volume is an image too: unpinned, it is found',
    object: deployment((s) => {
      s.volumes = [{ name: 'models', image: { reference: 'ghcr.io/example/models:1.0' } }];
    }),
    expected: [[`${P}.volumes[0].image.reference`, 'image volume "models" uses image "ghcr.io/example/models:1.0", which is not pinned']],
  },
  {
    rule: 'no-latest-tag',
    name: 'an image volume without a tag floats on latest',
    object: deployment((s) => {
      s.volumes = [{ name: 'models', image: { reference: 'ghcr.io/example/models' } }];
    }),
    expected: [[`${P}.volumes[0].image.reference`, 'image volume "models" uses image "ghcr.io/example/models" without a tag']],
  },
  {
    rule: 'image-registry-allowed',
    name: "an image volume from outside the namespace's allowlist",
    object: inImages(
      deployment((s) => {
        container(s).image = `ghcr.io/example/web@sha256:${'b'.repeat(64)}`;
        container(s, 'setup').image = `ghcr.io/example/web@sha256:${'b'.repeat(64)}`;
        s.volumes = [{ name: 'models', image: { reference: `evil.example/payload@sha256:${'c'.repeat(64)}` } }];
      }),
    ),
    others: [annotatedNamespace('ghcr.io/example')],
    expected: [[`${P}.volumes[0].image.reference`, 'image volume "models" uses image "evil.example/payload@sha256:']],
  },
  {
    rule: 'no-latest-tag',
    name: 'version tags, also behind a registry port, comply',
    object: deployment((s) => {
      container(s).image = 'registry.example.com:5000/shop/web:1.2.3';
      container(s, 'setup').image = 'nginx:1.27';
    }),
    expected: [],
  },
  {
    rule: 'no-latest-tag',
    name: 'latest, and no tag behind a registry port',
    object: deployment((s) => {
      container(s).image = 'nginx:latest';
      container(s, 'setup').image = 'registry.example.com:5000/shop/setup';
    }),
    expected: [
      [`${SETUP}.image`, 'without a tag, which means latest'],
      [`${WEB}.image`, 'container "web" uses image "nginx:latest" with the latest tag'],
    ],
  },

  { rule: 'image-pull-always', name: 'Always complies', object: deployment(), expected: [] },
  {
    rule: 'image-pull-always',
    name: 'IfNotPresent',
    object: deployment((s) => {
      container(s).imagePullPolicy = 'IfNotPresent';
    }),
    expected: [[`${WEB}.imagePullPolicy`, 'container "web" has imagePullPolicy "IfNotPresent"']],
  },

  { rule: 'readiness-probe', name: 'init containers need none', object: deployment(), expected: [] },
  {
    rule: 'readiness-probe',
    name: 'a container without readiness probe',
    object: deployment((s) => {
      delete container(s).readinessProbe;
    }),
    expected: [[`${WEB}.readinessProbe`, 'container "web" has no readinessProbe']],
  },

  { rule: 'liveness-probe', name: 'init containers need none', object: deployment(), expected: [] },
  {
    rule: 'liveness-probe',
    name: 'a container without liveness probe',
    object: deployment((s) => {
      delete container(s).livenessProbe;
    }),
    expected: [[`${WEB}.livenessProbe`, 'container "web" has no livenessProbe']],
  },

  { rule: 'distinct-probes', name: 'different HTTP paths comply', object: deployment(), expected: [] },
  {
    rule: 'distinct-probes',
    name: 'TCP probes on different ports comply',
    object: deployment((s) => {
      container(s).readinessProbe = { tcpSocket: { port: 8080 } };
      container(s).livenessProbe = { tcpSocket: { port: 8081 }, periodSeconds: 20 };
    }),
    expected: [],
  },
  {
    rule: 'distinct-probes',
    name: 'the same path and port (a named port counts as 0, as in kube-score)',
    object: deployment((s) => {
      container(s).readinessProbe = { httpGet: { path: '/healthz', port: 'http' } };
      container(s).livenessProbe = { httpGet: { path: '/healthz', port: 'admin' }, failureThreshold: 6 };
    }),
    expected: [[`${WEB}.livenessProbe`, 'container "web" has the same readiness and liveness probe']],
  },
  {
    rule: 'distinct-probes',
    name: "an unset HTTP path is the API server's /",
    object: deployment((s) => {
      container(s).readinessProbe = { httpGet: { port: 8080 } };
      container(s).livenessProbe = { httpGet: { path: '/', port: 8080 } };
    }),
    expected: [[`${WEB}.livenessProbe`, 'container "web" has the same readiness and liveness probe']],
  },
  {
    rule: 'distinct-probes',
    name: 'the same TCP port, and the same command',
    object: deployment((s) => {
      container(s).readinessProbe = { tcpSocket: { port: 5432 }, periodSeconds: 10 };
      container(s).livenessProbe = { tcpSocket: { port: 5432 }, periodSeconds: 20, failureThreshold: 6 };
      const sidecar = container(s, 'setup');
      sidecar.readinessProbe = { exec: { command: ['pg_isready'] } };
      sidecar.livenessProbe = { exec: { command: ['pg_isready'] } };
    }),
    expected: [
      [`${SETUP}.livenessProbe`, 'init container "setup" has the same'],
      [`${WEB}.livenessProbe`, 'container "web" has the same'],
    ],
  },

  {
    rule: 'pod-anti-affinity',
    name: 'a preferred term on the node that selects its own pods complies',
    object: deployment(),
    expected: [],
  },
  {
    rule: 'pod-anti-affinity',
    name: 'one replica needs none',
    object: (() => {
      const d = deployment((s) => {
        delete s.affinity;
      });
      (d as any).spec.replicas = 1;
      return d;
    })(),
    expected: [],
  },
  {
    rule: 'pod-anti-affinity',
    name: 'no affinity, and spread constraints alone',
    object: deployment((s) => {
      delete s.affinity;
      s.topologySpreadConstraints = [
        {
          maxSkew: 1,
          topologyKey: 'kubernetes.io/hostname',
          whenUnsatisfiable: 'ScheduleAnyway',
          labelSelector: { matchLabels: { app: 'web' } },
        },
      ];
    }),
    expected: [[`${P}.affinity.podAntiAffinity`, 'deployment has 2 replicas but no podAntiAffinity on kubernetes.io/hostname']],
  },
  {
    rule: 'pod-anti-affinity',
    name: 'a term on the zone, or selecting other pods, with replicas left to an autoscaler',
    object: (() => {
      const d = deployment((s) => {
        s.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey =
          'topology.kubernetes.io/zone';
        s.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution = [
          { labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'kubernetes.io/hostname' },
        ];
      });
      delete (d as any).spec.replicas;
      return d;
    })(),
    others: [
      {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: 'web', namespace: 'shop' },
        spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 6 },
      },
    ],
    expected: [[`${P}.affinity.podAntiAffinity`, 'replicas set by an autoscaler']],
  },
  {
    rule: 'pod-anti-affinity',
    name: 'replicas unset and no autoscaler in the input: the API server sets 1, which needs none',
    object: (() => {
      const d = deployment((s) => {
        delete s.affinity;
      });
      delete (d as any).spec.replicas;
      return d;
    })(),
    expected: [],
  },

  { rule: 'pdb-unhealthy-pod-eviction-policy', name: 'AlwaysAllow complies', object: pdb('AlwaysAllow'), expected: [] },
  {
    rule: 'pdb-unhealthy-pod-eviction-policy',
    name: 'unset',
    object: pdb(undefined),
    expected: [['spec.unhealthyPodEvictionPolicy', 'sets no unhealthyPodEvictionPolicy']],
  },

  {
    rule: 'unjudged-pod-template',
    name: 'a kind the review knows (an Argo Rollout) is judged, not warned about',
    object: workloadOfKind('argoproj.io/Rollout'),
    expected: [],
  },
  {
    rule: 'unjudged-pod-template',
    name: 'a custom resource without a pod spec',
    object: {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'shop' },
      spec: {
        project: 'default',
        source: { repoURL: 'https://git.example.com/shop.git', path: 'dist', targetRevision: 'main' },
        destination: { namespace: 'shop', server: 'https://kubernetes.default.svc' },
      },
    },
    expected: [],
  },
  {
    rule: 'unjudged-pod-template',
    name: 'a ConfigMap holding pod YAML as text is never searched',
    object: {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'x' },
      data: { 'pod.yaml': 'spec:\n  containers:\n  - image: busybox\n    securityContext: {privileged: true}\n' },
    },
    expected: [],
  },
  {
    rule: 'unjudged-pod-template',
    name: 'a kind of a built-in group is never searched',
    object: { apiVersion: 'apps/v1', kind: 'Widget', spec: { template: { spec: { containers: [{ image: 'x' }] } } } },
    expected: [],
  },
  {
    rule: 'unjudged-pod-template',
    name: 'a Deployment of a custom group',
    object: { ...deployment(), apiVersion: 'example.com/v1' },
    expected: [
      [
        P,
        'kind Deployment of API group "example.com" is not known to the review, so the pod rules did not judge the pod spec at spec.template.spec',
      ],
    ],
  },
  {
    rule: 'unjudged-pod-template',
    name: "a JobSet: every replicated job's pod spec, at its path",
    object: {
      apiVersion: 'jobset.x-k8s.io/v1alpha2',
      kind: 'JobSet',
      metadata: { name: 'train' },
      spec: {
        replicatedJobs: ['leader', 'workers'].map((name) => ({
          name,
          replicas: 1,
          template: { spec: { template: { spec: { containers: [{ name: 'train', image: PINNED_IMAGE }] } } } },
        })),
      },
    },
    expected: [
      ['spec.replicatedJobs[0].template.spec.template.spec', 'kind JobSet of API group "jobset.x-k8s.io"'],
      ['spec.replicatedJobs[1].template.spec.template.spec', 'did not judge'],
    ],
  },
  {
    rule: 'unjudged-pod-template',
    name: 'an OpenShift Template carrying a DeploymentConfig',
    object: {
      apiVersion: 'template.openshift.io/v1',
      kind: 'Template',
      metadata: { name: 'web' },
      objects: [
        {
          apiVersion: 'apps.openshift.io/v1',
          kind: 'DeploymentConfig',
          spec: { template: { spec: { containers: [{ name: 'web', image: 'web:1' }] } } },
        },
      ],
    },
    expected: [['objects[0].spec.template.spec', 'kind Template of API group "template.openshift.io"']],
  },
  {
    rule: 'unjudged-pod-template',
    name: 'an OpenKruise SidecarSet: its injected containers are not judged either',
    object: {
      apiVersion: 'apps.kruise.io/v1alpha1',
      kind: 'SidecarSet',
      metadata: { name: 'log' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        containers: [{ name: 'log', image: 'fluent-bit:3', securityContext: { privileged: true } }],
      },
    },
    expected: [['spec', 'kind SidecarSet of API group "apps.kruise.io"']],
  },

  { rule: 'no-service-account-token', name: 'false complies', object: pod(), expected: [] },
  {
    rule: 'no-service-account-token',
    name: 'the default (unset)',
    object: pod((s) => {
      delete s.automountServiceAccountToken;
    }),
    expected: [['spec.automountServiceAccountToken', 'pod mounts a service account token']],
  },
  {
    rule: 'no-service-account-token',
    name: 'a projected token volume mounts one though automount is false',
    object: pod((s) => {
      s.volumes = [
        { name: 'cfg', projected: { sources: [{ configMap: { name: 'x' } }] } },
        { name: 'token', projected: { sources: [{ configMap: { name: 'x' } }, { serviceAccountToken: { path: 'token' } }] } },
      ];
    }),
    expected: [['spec.volumes[1].projected.sources[1].serviceAccountToken', 'through the projected volume "token"']],
  },

  {
    rule: 'no-default-service-account',
    name: 'the deprecated serviceAccount field naming its own account complies',
    object: deployment((s) => {
      delete s.serviceAccountName;
      s.serviceAccount = 'web';
    }),
    expected: [],
  },
  {
    rule: 'no-default-service-account',
    name: 'no service account',
    object: deployment((s) => {
      delete s.serviceAccountName;
    }),
    expected: [[`${P}.serviceAccountName`, 'default service account']],
  },
  {
    rule: 'no-default-service-account',
    name: 'the account named default',
    object: deployment((s) => {
      s.serviceAccountName = 'default';
    }),
    expected: [[`${P}.serviceAccountName`, 'service account "default"']],
  },

  { rule: 'namespace-pod-security', name: 'enforce restricted complies', object: namespace(), expected: [] },
  {
    rule: 'namespace-pod-security',
    name: 'no Pod Security label',
    object: namespace('shop', {}),
    expected: [['metadata.labels["pod-security.kubernetes.io/enforce"]', 'namespace enforces no Pod Security level']],
  },
  {
    rule: 'namespace-pod-security',
    name: 'enforce baseline',
    object: namespace('shop', { 'pod-security.kubernetes.io/enforce': 'baseline' }),
    expected: [['metadata.labels["pod-security.kubernetes.io/enforce"]', 'enforces Pod Security level "baseline", not "restricted"']],
  },

  {
    rule: 'workload-namespace-hardened',
    name: 'a workload in a declared namespace complies',
    object: deployment(),
    others: hardenedNamespace(),
    expected: [],
  },
  {
    rule: 'workload-namespace-hardened',
    name: 'a namespace the output does not declare',
    object: deployment(),
    others: [namespace('other')],
    expected: [['metadata.namespace', 'workload runs in namespace "shop", which this output does not declare']],
  },
  {
    rule: 'workload-namespace-hardened',
    name: 'no namespace at all means default',
    object: pod(undefined, { namespace: '' }),
    others: [namespace('default')],
    expected: [['metadata.namespace', 'workload runs in the "default" namespace']],
  },

  {
    rule: 'namespace-default-deny',
    name: 'one policy denying both ways complies',
    object: namespace(),
    others: hardenedNamespace().slice(1),
    expected: [],
  },
  {
    rule: 'namespace-default-deny',
    name: 'two policies, one per direction (policyTypes defaulted from an egress section), comply',
    object: namespace(),
    others: [networkPolicy({ podSelector: {} }, 'deny-in'), networkPolicy({ podSelector: {}, egress: [] }, 'deny-out')],
    expected: [],
  },
  {
    rule: 'namespace-default-deny',
    name: 'no policy',
    object: namespace(),
    expected: [
      ['metadata.name', 'no NetworkPolicy in namespace "shop" isolates ingress of all its pods'],
      ['metadata.name', 'isolates egress of all its pods'],
    ],
  },
  {
    rule: 'namespace-default-deny',
    name: 'a policy selecting some pods, or in another namespace, does not count',
    object: namespace(),
    others: [
      networkPolicy({ podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress', 'Egress'] }),
      networkPolicy({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] }, 'default-deny', 'other'),
    ],
    expected: [
      ['metadata.name', 'isolates ingress'],
      ['metadata.name', 'isolates egress'],
    ],
  },

  {
    rule: 'network-ingress-from-anywhere',
    name: 'named pods and a narrow CIDR comply',
    object: networkPolicy({
      podSelector: { matchLabels: { app: 'web' } },
      ingress: [
        {
          from: [
            { podSelector: { matchLabels: { app: 'front' } } },
            { namespaceSelector: {}, podSelector: { matchLabels: { app: 'probe' } } },
            { ipBlock: { cidr: '203.0.113.0/24' } },
          ],
        },
      ],
    }),
    expected: [],
  },
  {
    rule: 'network-ingress-from-anywhere',
    name: 'a rule without from, every namespace, and 0.0.0.0/0',
    object: networkPolicy({
      podSelector: {},
      ingress: [
        { ports: [{ port: 80 }] },
        { from: [{ namespaceSelector: {} }, { ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }] },
      ],
    }),
    expected: [
      ['spec.ingress[0].from', 'ingress rule 0 has no "from", so it allows every source'],
      ['spec.ingress[1].from[0].namespaceSelector', 'allows every pod of every namespace'],
      ['spec.ingress[1].from[1].ipBlock.cidr', 'allows every address (0.0.0.0/0)'],
      ['spec.ingress[1].from[2].ipBlock.cidr', 'allows every address (::/0)'],
    ],
  },

  {
    rule: 'network-egress-metadata',
    name: 'a broad block that excepts the metadata address, and pods, comply',
    object: networkPolicy({
      podSelector: {},
      egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['100.100.100.200/32', '169.254.0.0/16'] } }, { podSelector: {} }] }],
    }),
    expected: [],
  },
  {
    rule: 'network-egress-metadata',
    name: 'a rule without to, and a block containing the metadata address',
    object: networkPolicy({
      podSelector: {},
      egress: [{ ports: [{ port: 443 }] }, { to: [{ ipBlock: { cidr: '169.254.0.0/16', except: ['169.254.1.0/24'] } }] }],
    }),
    expected: [
      ['spec.egress[0].to', 'egress rule 0 has no "to", so it allows every destination'],
      ['spec.egress[1].to[0].ipBlock', 'allows 169.254.0.0/16, which contains the metadata address 169.254.169.254'],
    ],
  },
  // Found by an attacker's review: blocks a cluster without strict CIDR validation stores, and
  // network plugins read masked; and a block that cannot be read at all is not passed.
  {
    rule: 'network-egress-metadata',
    name: 'blocks written with host bits or leading zeros, and a block that cannot be read',
    object: networkPolicy({
      podSelector: {},
      egress: [
        {
          to: [
            { ipBlock: { cidr: '169.254.169.254/16' } },
            { ipBlock: { cidr: '0169.0254.0169.0254/032' } },
            { ipBlock: { cidr: 'metadata/32' } },
          ],
        },
      ],
    }),
    expected: [
      ['spec.egress[0].to[0].ipBlock', 'allows 169.254.169.254/16, which contains the metadata address 169.254.169.254'],
      ['spec.egress[0].to[1].ipBlock', 'allows 0169.0254.0169.0254/032, which contains the metadata address 169.254.169.254'],
      ['spec.egress[0].to[2].ipBlock.cidr', 'egress rule 0 allows the block "metadata/32", which cannot be read as an address block'],
    ],
  },
  {
    rule: 'network-ingress-from-anywhere',
    name: 'a /0 block written with host bits, and a block that cannot be read',
    object: networkPolicy({
      podSelector: {},
      ingress: [{ from: [{ ipBlock: { cidr: '1.2.3.4/0' } }, { ipBlock: { cidr: 'anywhere' } }] }],
    }),
    expected: [
      ['spec.ingress[0].from[1].ipBlock.cidr', 'ingress rule 0 allows the block "anywhere", which cannot be read as an address block'],
      ['spec.ingress[0].from[0].ipBlock.cidr', 'ingress rule 0 allows every address (1.2.3.4/0)'],
    ],
  },

  {
    rule: 'network-policy-selects-pods',
    name: 'a selector that matches a pod template of its namespace, and a namespace-wide policy, comply',
    object: networkPolicy({
      podSelector: { matchLabels: { app: 'web' } },
      policyTypes: ['Ingress'],
    }),
    others: [deployment(), networkPolicy({ podSelector: {}, policyTypes: ['Ingress'] }, 'all', 'empty')],
    expected: [],
  },
  {
    rule: 'network-policy-selects-pods',
    name: 'a namespace-wide policy in a namespace without pods',
    object: networkPolicy({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] }, 'default-deny', 'empty'),
    expected: [],
  },
  {
    rule: 'network-policy-selects-pods',
    name: 'a mistyped label, and the right labels in another namespace',
    object: networkPolicy({
      podSelector: { matchLabels: { app: 'wbe' } },
      policyTypes: ['Ingress'],
    }),
    others: [deployment(), deployment(() => undefined, { namespace: 'other' })],
    expected: [['spec.podSelector', 'selects no pod template of namespace "shop" in this output']],
  },
  {
    rule: 'network-policy-selects-pods',
    name: 'an expression no pod satisfies',
    object: networkPolicy({
      podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['api'] }] },
      policyTypes: ['Ingress'],
    }),
    others: [deployment()],
    expected: [['spec.podSelector', 'selects no pod template']],
  },

  {
    rule: 'rbac-no-wildcards',
    name: 'named groups, resources, verbs and URLs comply',
    object: clusterRole([READ_PODS, { nonResourceURLs: ['/healthz', '/apis/*'], verbs: ['get'] }]),
    expected: [],
  },
  {
    rule: 'rbac-no-wildcards',
    name: '"*" everywhere',
    object: role([{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]),
    expected: [
      ['rules[0].apiGroups[0]', 'rule 0 covers every API group ("*")'],
      ['rules[0].resources[0]', 'rule 0 covers every resource and subresource ("*")'],
      ['rules[0].verbs[0]', 'rule 0 allows every verb ("*"), escalate, bind and impersonate included'],
    ],
  },
  {
    rule: 'rbac-no-wildcards',
    name: 'a subresource of every resource, and every non-resource URL',
    object: clusterRole([
      READ_PODS,
      { apiGroups: ['apps'], resources: ['deployments', '*/scale'], verbs: ['update'] },
      { nonResourceURLs: ['*'], verbs: ['get'] },
    ]),
    expected: [
      ['rules[1].resources[1]', 'rule 1 covers the "scale" subresource of every resource ("*/scale")'],
      ['rules[2].nonResourceURLs[0]', 'rule 2 covers every non-resource URL ("*")'],
    ],
  },

  {
    rule: 'rbac-no-escalation-verbs',
    name: 'reading roles and bindings complies',
    object: clusterRole([{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles', 'rolebindings'], verbs: ['get', 'list'] }]),
    expected: [],
  },
  {
    rule: 'rbac-no-escalation-verbs',
    name: 'bind, escalate and impersonate',
    object: clusterRole([
      { apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['get', 'bind', 'escalate'] },
      { apiGroups: [''], resources: ['users', 'groups'], verbs: ['impersonate'] },
    ]),
    expected: [
      ['rules[0].verbs[1]', 'rule 0 grants "bind" on "clusterroles", which lets its holders bind roles with permissions they do not hold'],
      ['rules[0].verbs[2]', 'rule 0 grants "escalate" on "clusterroles"'],
      ['rules[1].verbs[0]', 'rule 1 grants "impersonate" on "users", "groups", which lets its holders act as other users'],
    ],
  },
  {
    rule: 'rbac-no-escalation-verbs',
    name: 'a "*" verb on roles and on every resource counts as escalate, bind and impersonate',
    object: clusterRole([
      { apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['*'] },
      { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
    ]),
    expected: [
      [
        'rules[0].verbs[0]',
        'rule 0 allows every verb ("*") on "clusterroles", "escalate" included, which lets its holders create and edit roles with permissions they do not hold',
      ],
      ['rules[0].verbs[0]', 'rule 0 allows every verb ("*") on "clusterroles", "bind" included'],
      ['rules[1].verbs[0]', 'rule 1 allows every verb ("*") on "roles", "clusterroles", "escalate" included'],
      ['rules[1].verbs[0]', 'rule 1 allows every verb ("*") on "roles", "clusterroles", "bind" included'],
      [
        'rules[1].verbs[0]',
        'rule 1 allows every verb ("*") on "users", "groups", "serviceaccounts", "uids", "userextras", "impersonate" included, which lets its holders act as other users',
      ],
    ],
  },
  {
    rule: 'rbac-no-escalation-verbs',
    name: 'a "*" verb on resources where escalate, bind and impersonate mean nothing complies',
    object: role([{ apiGroups: [''], resources: ['configmaps'], verbs: ['*'] }]),
    expected: [],
  },

  {
    rule: 'rbac-no-cluster-takeover-powers',
    name: 'reading namespaces, webhooks and certificate requests complies',
    object: clusterRole([
      { apiGroups: [''], resources: ['namespaces', 'persistentvolumes'], verbs: ['get', 'list'] },
      { apiGroups: ['admissionregistration.k8s.io'], resources: ['mutatingwebhookconfigurations'], verbs: ['get'] },
      { apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests'], verbs: ['create', 'get'] },
    ]),
    expected: [],
  },
  {
    rule: 'rbac-no-cluster-takeover-powers',
    name: '* on *, namespaces, webhooks, certificate approval, signers and PersistentVolumes',
    object: clusterRole([
      { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
      { apiGroups: [''], resources: ['namespaces'], verbs: ['patch'] },
      {
        apiGroups: ['admissionregistration.k8s.io'],
        resources: ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations'],
        verbs: ['create'],
      },
      { apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests/approval'], verbs: ['update'] },
      {
        apiGroups: ['certificates.k8s.io'],
        resources: ['signers'],
        verbs: ['approve'],
        resourceNames: ['kubernetes.io/kube-apiserver-client'],
      },
      { apiGroups: [''], resources: ['persistentvolumes'], verbs: ['create'] },
    ]),
    expected: [
      ['rules[0]', 'rule 0 lets its holders do anything, as cluster-admin does (in all but name) (* on *)'],
      ['rules[0]', 'relabel namespaces'],
      ['rules[0]', 'send every API request to a webhook of their choosing'],
      ['rules[0]', 'send every API request, Secrets included'],
      ['rules[0]', 'approve certificate requests'],
      ['rules[0]', 'approve requests for a signer'],
      ['rules[0]', 'create hostPath volumes'],
      ['rules[0]', 'rewrite any API request with a policy of their choosing'],
      ['rules[0]', 'loosen, unbind or delete the admission policies'],
      ['rules[0]', 'route an API group to a server of their choosing'],
      ['rules[0]', "point a custom resource's conversion at a webhook"],
      ['rules[0]', 'relabel and untaint nodes'],
      [
        'rules[1]',
        'rule 1 lets its holders relabel namespaces (a RoleBinding reaches its own), lifting Pod Security so privileged pods take the node (patch on namespaces)',
      ],
      [
        'rules[2]',
        'rule 2 lets its holders send every API request to a webhook of their choosing, which may rewrite any object (create on mutatingwebhookconfigurations)',
      ],
      [
        'rules[2]',
        'rule 2 lets its holders send every API request, Secrets included, to a webhook of their choosing, which may also refuse it (create on validatingwebhookconfigurations)',
      ],
      [
        'rules[3]',
        "rule 3 lets its holders approve certificate requests, which with a signer's approve gives client certificates of any user or group (update on certificatesigningrequests/approval)",
      ],
      ['rules[4]', 'rule 4 lets its holders approve requests for a signer'],
      [
        'rules[5]',
        'rule 5 lets its holders create hostPath volumes, which mount any path of the node into a pod (create on persistentvolumes)',
      ],
    ],
  },
  {
    rule: 'rbac-no-cluster-takeover-powers',
    name: 'a Role grants no cluster-scoped power, but patching its own namespace is one',
    object: role([
      { apiGroups: [''], resources: ['persistentvolumes'], verbs: ['create'] },
      { apiGroups: [''], resources: ['namespaces'], verbs: ['update'] },
    ]),
    expected: [
      [
        'rules[1]',
        'rule 1 lets its holders relabel namespaces (a RoleBinding reaches its own), lifting Pod Security so privileged pods take the node (update on namespaces)',
      ],
    ],
  },

  {
    rule: 'rbac-namespace-escalation-powers',
    name: 'reading ConfigMaps, deleting pods and reading NetworkPolicies comply; a create limited by name is no create',
    object: role([
      { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['delete'] },
      { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: ['get', 'list'] },
      { apiGroups: [''], resources: ['secrets', 'pods'], verbs: ['create'], resourceNames: ['web'] },
    ]),
    expected: [],
  },
  {
    rule: 'rbac-namespace-escalation-powers',
    name: 'reading and creating Secrets, creating pods, deleting NetworkPolicies, through "*" too',
    object: role([
      { apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: ['web-tls'] },
      { apiGroups: [''], resources: ['secrets', 'pods'], verbs: ['create'] },
      { apiGroups: ['networking.k8s.io'], resources: ['*'], verbs: ['patch'] },
    ]),
    expected: [
      [
        'rules[0]',
        'rule 0 lets its holders read Secrets, whose values are credentials (service account tokens among them) (get on secrets)',
      ],
      [
        'rules[1]',
        'rule 1 lets its holders create service-account-token Secrets, which the control plane fills with the token of any service account of the namespace (create on secrets)',
      ],
      [
        'rules[1]',
        'rule 1 lets its holders run pods of their choosing as any service account of the namespace, mounting any of its Secrets (create on pods)',
      ],
      ['rules[2]', 'rule 2 lets its holders remove, loosen or add the NetworkPolicies that isolate pods (patch on networkpolicies)'],
    ],
  },

  {
    rule: 'rbac-no-aggregation-leak',
    name: 'an aggregate-to-view ClusterRole that reads a custom resource, and an unlabelled Secret reader, comply',
    object: clusterRole([{ apiGroups: ['example.com'], resources: ['widgets'], verbs: ['get', 'list', 'watch'] }], 'widget-viewer', {
      labels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' },
    }),
    others: [clusterRole([{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }], 'unlabelled')],
    expected: [],
  },
  {
    rule: 'rbac-no-aggregation-leak',
    name: 'an aggregate-to-view ClusterRole that reads Secrets leaks them into view (and, through it, edit and admin)',
    object: clusterRole([READ_PODS, { apiGroups: [''], resources: ['secrets'], verbs: ['list'] }], 'secret-viewer', {
      labels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' },
    }),
    expected: [
      [
        'rules[1]',
        'ClusterRole is aggregated into the built-in ClusterRole "view" by its labels, so every holder of "view" can read Secrets, whose values are credentials (service account tokens among them) (list on secrets)',
      ],
    ],
  },
  {
    rule: 'rbac-no-aggregation-leak',
    name: 'an aggregate-to-edit ClusterRole adds to edit only what edit lacks',
    object: clusterRole(
      [
        { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'create'] },
        { apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['bind'] },
      ],
      'binder',
      { labels: { 'rbac.authorization.k8s.io/aggregate-to-edit': 'true' } },
    ),
    expected: [
      [
        'rules[1]',
        'aggregated into the built-in ClusterRole "admin" by its labels, so every holder of "admin" can bind roles with permissions they do not hold (bind on clusterroles)',
      ],
      ['rules[1]', 'aggregated into the built-in ClusterRole "edit" by its labels, so every holder of "edit" can bind roles'],
    ],
  },

  {
    rule: 'rbac-no-kube-system-escalation',
    name: 'view in kube-system, and admin in another namespace, comply',
    object: { ...binding({ kind: 'ClusterRole', name: 'view' }, [DEVELOPERS]), metadata: { name: 'web', namespace: 'kube-system' } },
    others: [binding({ kind: 'ClusterRole', name: 'admin' }, [DEVELOPERS])],
    expected: [],
  },
  {
    rule: 'rbac-no-kube-system-escalation',
    name: 'edit in kube-system, judged by its real (aggregated) rules',
    object: { ...binding({ kind: 'ClusterRole', name: 'edit' }, [DEVELOPERS]), metadata: { name: 'web', namespace: 'kube-system' } },
    expected: [
      [
        'roleRef.name',
        'binding grants ClusterRole "edit" in kube-system, whose rule 0 of built-in ClusterRole "system:aggregate-to-edit" lets its holders run commands in containers (get on pods/exec) among the control plane\'s accounts',
      ],
      ['roleRef.name', 'attach to the processes of containers'],
      ['roleRef.name', 'open connections to the ports of pods'],
      ['roleRef.name', "swap the image of a running pod's container"],
      ['roleRef.name', 'mint tokens for service accounts'],
      ['roleRef.name', 'act as other users, groups or service accounts'],
      ['roleRef.name', 'read Secrets'],
      ['roleRef.name', 'create service-account-token Secrets'],
      ['roleRef.name', 'run pods of their choosing'],
      ['roleRef.name', 'remove, loosen or add the NetworkPolicies'],
    ],
  },

  {
    rule: 'rbac-no-exec-attach-portforward',
    name: 'reading pods and logs, and exec in another group, comply',
    object: role([
      READ_PODS,
      { apiGroups: ['metrics.k8s.io'], resources: ['pods', 'pods/exec'], verbs: ['get'] },
      { apiGroups: [''], resources: ['pods/exec'], verbs: ['list', 'watch'] },
    ]),
    expected: [],
  },
  {
    rule: 'rbac-no-exec-attach-portforward',
    name: 'get on exec and attach (WebSocket), create on portforward and tokens',
    object: role([
      { apiGroups: [''], resources: ['pods/exec', 'pods/attach'], verbs: ['get'] },
      { apiGroups: [''], resources: ['pods/portforward', 'serviceaccounts/token'], verbs: ['create'], resourceNames: ['web'] },
    ]),
    expected: [
      ['rules[0].resources[0]', 'rule 0 lets its holders run commands in containers (get on pods/exec)'],
      ['rules[0].resources[1]', 'rule 0 lets its holders attach to the processes of containers (get on pods/attach)'],
      ['rules[1].resources[0]', 'rule 1 lets its holders open connections to the ports of pods (create on pods/portforward)'],
      ['rules[1].resources[1]', 'rule 1 lets its holders mint tokens for service accounts (create on serviceaccounts/token)'],
    ],
  },
  {
    rule: 'rbac-no-exec-attach-portforward',
    name: 'get on nodes/proxy, a read-only "*", and "*/exec"',
    object: clusterRole([
      { apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'] },
      { apiGroups: ['*'], resources: ['*'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['*/exec'], verbs: ['*'] },
    ]),
    expected: [
      [
        'rules[0].resources[0]',
        'rule 0 lets its holders call the kubelet API of nodes, which runs commands in every pod on them (get on nodes/proxy)',
      ],
      // One finding per power reached through "*", each with its own value (an exception names the power it accepts).
      ['rules[1].resources[0]', 'rule 1 lets its holders run commands in containers (get on pods/exec) through "*"'],
      ['rules[1].resources[0]', 'rule 1 lets its holders attach to the processes of containers (get on pods/attach) through "*"'],
      ['rules[1].resources[0]', 'rule 1 lets its holders open connections to the ports of pods (get on pods/portforward) through "*"'],
      [
        'rules[1].resources[0]',
        'rule 1 lets its holders call the kubelet API of nodes, which runs commands in every pod on them (get, list, watch on nodes/proxy) through "*"',
      ],
      ['rules[2].resources[0]', 'rule 2 lets its holders run commands in containers (get, create on pods/exec) through "*/exec"'],
    ],
  },
  {
    rule: 'rbac-no-exec-attach-portforward',
    name: 'patching ephemeral containers, as good as exec',
    object: role([
      { apiGroups: [''], resources: ['pods/ephemeralcontainers'], verbs: ['patch'] },
      { apiGroups: [''], resources: ['pods/ephemeralcontainers'], verbs: ['get'] },
    ]),
    expected: [
      [
        'rules[0].resources[0]',
        'rule 0 lets its holders add a container of their choosing to running pods, as good as exec (patch on pods/ephemeralcontainers)',
      ],
    ],
  },

  {
    rule: 'rbac-no-cluster-secret-read',
    name: 'a built-in role that reads Secrets (edit), granted cluster-wide',
    object: binding({ kind: 'ClusterRole', name: 'edit' }, [DEVELOPERS], true),
    expected: [
      ['roleRef.name', 'binding grants the built-in ClusterRole "edit", which reads Secrets (get, list, watch), in every namespace'],
    ],
  },
  {
    rule: 'rbac-no-cluster-secret-read',
    name: 'a ClusterRole that reads pods but only creates Secrets complies',
    object: binding({ kind: 'ClusterRole', name: 'web' }, [DEVELOPERS], true),
    others: [clusterRole([READ_PODS, { apiGroups: [''], resources: ['secrets'], verbs: ['create'] }])],
    expected: [],
  },
  {
    rule: 'rbac-no-cluster-secret-read',
    name: 'built-in view complies',
    object: binding({ kind: 'ClusterRole', name: 'view' }, [DEVELOPERS], true),
    expected: [],
  },
  {
    rule: 'rbac-no-cluster-secret-read',
    name: 'built-in roles by their real rules: system:aggregate-to-edit and a controller role',
    object: binding({ kind: 'ClusterRole', name: 'system:aggregate-to-edit' }, [DEVELOPERS], true),
    expected: [
      [
        'roleRef.name',
        'binding grants the built-in ClusterRole "system:aggregate-to-edit", which reads Secrets (get, list, watch), in every namespace',
      ],
    ],
  },
  {
    rule: 'rbac-no-cluster-secret-read',
    name: "a controller's built-in role that reads every resource",
    object: binding({ kind: 'ClusterRole', name: 'system:controller:generic-garbage-collector' }, [WEB_ACCOUNT], true),
    expected: [
      [
        'roleRef.name',
        'binding grants the built-in ClusterRole "system:controller:generic-garbage-collector", which reads Secrets (get, list, watch), in every namespace',
      ],
    ],
  },
  {
    rule: 'rbac-no-cluster-secret-read',
    name: 'a ClusterRole of the output that lists Secrets through "*"',
    object: binding({ kind: 'ClusterRole', name: 'web' }, [WEB_ACCOUNT], true),
    others: [clusterRole([READ_PODS, { apiGroups: [''], resources: ['*'], verbs: ['list'] }])],
    expected: [['roleRef.name', 'binding grants ClusterRole "web", whose rule 1 allows list on Secrets, in every namespace']],
  },
  {
    rule: 'rbac-no-cluster-secret-read',
    name: 'an aggregated ClusterRole gathering a Secret reader by label',
    object: binding({ kind: 'ClusterRole', name: 'monitoring' }, [WEB_ACCOUNT], true),
    others: [
      clusterRole([], 'monitoring', {
        aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'example.com/aggregate-to-monitoring': 'true' } }] },
      }),
      clusterRole(
        [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'watch'], resourceNames: ['scrape-token'] }],
        'scrape-token-reader',
        { labels: { 'example.com/aggregate-to-monitoring': 'true' } },
      ),
      clusterRole([{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }], 'unlabelled'),
    ],
    expected: [
      [
        'roleRef.name',
        'binding grants ClusterRole "monitoring", which aggregates ClusterRole "scrape-token-reader", whose rule 0 allows get, watch on Secrets named "scrape-token", in every namespace',
      ],
    ],
  },

  {
    rule: 'rbac-no-cluster-admin-binding',
    name: 'a Role that happens to be named cluster-admin complies',
    object: binding({ kind: 'Role', name: 'cluster-admin' }, [DEVELOPERS]),
    expected: [],
  },
  {
    rule: 'rbac-no-cluster-admin-binding',
    name: 'cluster-admin granted cluster-wide',
    object: binding({ kind: 'ClusterRole', name: 'cluster-admin' }, [DEVELOPERS], true),
    expected: [['roleRef.name', 'binding grants ClusterRole "cluster-admin", every verb on every resource, in every namespace']],
  },
  {
    rule: 'rbac-no-cluster-admin-binding',
    name: 'cluster-admin granted in one namespace',
    object: binding({ kind: 'ClusterRole', name: 'cluster-admin' }, [DEVELOPERS]),
    expected: [['roleRef.name', 'in namespace "shop"']],
  },
  {
    rule: 'rbac-no-cluster-admin-binding',
    name: 'a role of every verb on every resource: cluster-admin in all but name',
    object: binding({ kind: 'Role', name: 'web' }, [DEVELOPERS]),
    others: [role([READ_PODS, { apiGroups: ['*'], resources: ['*'], verbs: ['*'] }])],
    expected: [
      [
        'roleRef.name',
        'binding grants Role "web", whose rule 1 of Role "web" allows every verb on every resource of every group: cluster-admin in all but name, in namespace "shop"',
      ],
    ],
  },
  {
    rule: 'rbac-no-cluster-admin-binding',
    name: 'every verb on every resource of one group is not cluster-admin',
    object: binding({ kind: 'ClusterRole', name: 'web' }, [DEVELOPERS], true),
    others: [clusterRole([{ apiGroups: ['apps'], resources: ['*'], verbs: ['*'] }])],
    expected: [],
  },

  {
    rule: 'rbac-no-broad-subjects',
    name: 'a team group and a service account comply',
    object: binding({ kind: 'ClusterRole', name: 'view' }, [DEVELOPERS, WEB_ACCOUNT]),
    expected: [],
  },
  {
    rule: 'rbac-no-broad-subjects',
    name: 'anonymous, unauthenticated, authenticated and every service account',
    object: binding({ kind: 'ClusterRole', name: 'view' }, [
      { kind: 'User', name: 'system:anonymous' },
      { kind: 'Group', name: 'system:unauthenticated' },
      DEVELOPERS,
      { kind: 'Group', name: 'system:authenticated' },
      { kind: 'Group', name: 'system:serviceaccounts' },
    ]),
    expected: [
      ['subjects[0].name', 'subject 0 is the user "system:anonymous": the role goes to every request without credentials'],
      ['subjects[1].name', 'subject 1 is the group "system:unauthenticated"'],
      ['subjects[3].name', 'subject 3 is the group "system:authenticated": the role goes to every user and service account that logs in'],
      ['subjects[4].name', 'every service account of every namespace'],
    ],
  },

  {
    rule: 'rbac-no-default-service-account-binding',
    name: 'an account of its own complies',
    object: binding({ kind: 'Role', name: 'web' }, [WEB_ACCOUNT]),
    expected: [],
  },
  {
    rule: 'rbac-no-default-service-account-binding',
    name: 'the default account, its namespace taken from the binding',
    object: binding({ kind: 'Role', name: 'web' }, [WEB_ACCOUNT, { kind: 'ServiceAccount', name: 'default' }]),
    expected: [
      [
        'subjects[1].name',
        'subject 1 is the "default" ServiceAccount of namespace "shop", which every pod without an account of its own runs as',
      ],
    ],
  },

  {
    rule: 'rbac-no-default-service-account-binding',
    name: "the default account by its user name, and the namespace's group of accounts, which holds it",
    object: binding({ kind: 'Role', name: 'web' }, [
      { kind: 'User', name: 'system:serviceaccount:shop:default' },
      { kind: 'Group', name: 'system:serviceaccounts:shop' },
      { kind: 'Group', name: 'system:serviceaccounts:shop:extra' },
      { kind: 'User', name: 'system:serviceaccount:shop:web' },
    ]),
    expected: [
      ['subjects[0].name', 'subject 0 is the user "system:serviceaccount:shop:default", the "default" ServiceAccount'],
      ['subjects[1].name', 'subject 1 is the group "system:serviceaccounts:shop", every ServiceAccount of the namespace'],
    ],
  },
  {
    rule: 'rbac-no-user-subjects',
    name: 'a group, and a control-plane user, comply',
    object: binding({ kind: 'ClusterRole', name: 'view' }, [DEVELOPERS, { kind: 'User', name: 'system:kube-scheduler' }]),
    expected: [],
  },
  {
    rule: 'rbac-no-user-subjects',
    name: 'a person bound by name',
    object: binding({ kind: 'ClusterRole', name: 'view' }, [DEVELOPERS, { kind: 'User', name: 'alice@example.com' }]),
    expected: [['subjects[1].kind', 'subject 1 is the individual user "alice@example.com"']],
  },

  {
    rule: 'rbac-cluster-scope',
    name: 'a RoleBinding of a ClusterRole complies',
    object: binding({ kind: 'ClusterRole', name: 'view' }, [DEVELOPERS]),
    expected: [],
  },
  {
    rule: 'rbac-cluster-scope',
    name: 'a ClusterRoleBinding',
    object: binding({ kind: 'ClusterRole', name: 'view' }, [DEVELOPERS], true),
    expected: [['roleRef', 'binding grants ClusterRole "view" in every namespace and on cluster-scoped resources']],
  },

  {
    rule: 'secret-no-plaintext',
    name: 'a Secret without values (a service account token) complies',
    object: {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'web-token', namespace: 'shop', annotations: { 'kubernetes.io/service-account.name': 'web' } },
      type: 'kubernetes.io/service-account-token',
    },
    expected: [],
  },
  {
    rule: 'secret-no-plaintext',
    name: 'values in data and stringData',
    object: {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'web', namespace: 'shop' },
      data: { password: 'cDRzc3cwcmQ=', '.dockerconfigjson': 'e30=' },
      stringData: { token: 'abc' },
    },
    expected: [
      ['data.password', 'Secret carries the value of "password" base64-encoded, not encrypted'],
      ['data[".dockerconfigjson"]', '".dockerconfigjson"'],
      ['stringData.token', 'Secret carries the value of "token" in plain text'],
    ],
  },

  {
    rule: 'env-no-literal-secret',
    name: 'secretKeyRef, file paths, key ids, variable references and plain settings comply',
    object: deployment((s) => {
      container(s).env = [
        { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
        { name: 'DB_PASSWORD_FILE', value: '/run/secrets/db/password' },
        { name: 'AWS_ACCESS_KEY_ID', value: 'AKIAEXAMPLE' },
        { name: 'TOKEN_URL', value: 'https://auth.example.com/token' },
        { name: 'API_TOKEN', value: '$(INJECTED_TOKEN)' },
        { name: 'SECRET', value: '' },
        { name: 'LOG_LEVEL', value: 'info' },
      ];
    }),
    expected: [],
  },
  {
    rule: 'env-no-literal-secret',
    name: 'literal passwords, API keys, tokens and private keys, init containers too',
    object: deployment((s) => {
      container(s).env = [
        { name: 'LOG_LEVEL', value: 'info' },
        { name: 'DB_PASSWORD', value: 'hunter2' },
        { name: 'stripeApiKey', value: 'sk_live_x' },
      ];
      container(s, 'setup').env = [
        { name: 'GITHUB_TOKEN', value: 'ghp_x' },
        { name: 'SIGNING_PRIVATE_KEY', value: '-----BEGIN' },
      ];
    }),
    expected: [
      [
        `${SETUP}.env[0].value`,
        'init container "setup" sets the environment variable "GITHUB_TOKEN", which looks like a token, to a literal value',
      ],
      [`${SETUP}.env[1].value`, '"SIGNING_PRIVATE_KEY", which looks like a private key'],
      [`${WEB}.env[1].value`, 'container "web" sets the environment variable "DB_PASSWORD", which looks like a password'],
      [`${WEB}.env[2].value`, '"stripeApiKey", which looks like an API key'],
    ],
  },

  {
    rule: 'secret-as-file',
    name: 'Secrets as files, ConfigMap values and plain variables comply',
    object: deployment((s) => {
      container(s).env = [
        { name: 'LOG_LEVEL', value: 'info' },
        { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'web', key: 'mode' } } },
      ];
      container(s).envFrom = [{ configMapRef: { name: 'web' } }];
    }),
    expected: [],
  },
  {
    rule: 'secret-as-file',
    name: 'a Secret key as a variable, a whole Secret by envFrom, init containers too',
    object: deployment((s) => {
      container(s).env = [
        { name: 'LOG_LEVEL', value: 'info' },
        { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
      ];
      container(s, 'setup').envFrom = [{ configMapRef: { name: 'web' } }, { secretRef: { name: 'bootstrap' } }];
    }),
    expected: [
      [`${SETUP}.envFrom[1].secretRef`, 'init container "setup" loads every key of Secret "bootstrap" into its environment'],
      [
        `${WEB}.env[1].valueFrom.secretKeyRef`,
        'container "web" reads key "password" of Secret "db" into the environment variable "DB_PASSWORD"',
      ],
    ],
  },

  {
    rule: 'configmap-no-secret-keys',
    name: 'configuration, file paths and a certificate comply',
    object: {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'web', namespace: 'shop' },
      data: {
        'app.properties': 'port=8080',
        'password-file': '/run/secrets/db/password',
        'tls.crt': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
      },
    },
    expected: [],
  },
  {
    rule: 'configmap-no-secret-keys',
    name: 'secret-looking keys and a private key under an innocent name',
    object: {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'web', namespace: 'shop' },
      data: { 'db-password': 'hunter2', 'tls.key': '-----BEGIN EC PRIVATE KEY-----\nMHc\n-----END EC PRIVATE KEY-----\n', api_token: 'x' },
      binaryData: { 'credentials.json': 'e30=' },
    },
    expected: [
      ['data["db-password"]', 'ConfigMap key "db-password" looks like a password'],
      ['data["tls.key"]', 'ConfigMap key "tls.key" holds a PEM private key'],
      ['data.api_token', 'looks like a token'],
      ['binaryData["credentials.json"]', 'ConfigMap key "credentials.json" looks like a credential'],
    ],
  },
  {
    rule: 'configmap-no-secret-keys',
    name: 'vendor credential names, and a token in decoded binaryData under an innocent name',
    object: {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'web', namespace: 'shop' },
      data: { SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T0/B0/x', id_rsa: 'x', 'config.yaml': `token: ${FAKE_GITHUB_TOKEN}` },
      binaryData: { 'app.bin': Buffer.from(`key=${FAKE_AWS_KEY_ID}`).toString('base64') },
    },
    expected: [
      ['data.SLACK_WEBHOOK_URL', 'looks like a Slack webhook URL'],
      ['data.id_rsa', 'looks like an SSH private key'],
      ['data["config.yaml"]', 'ConfigMap key "config.yaml" holds a GitHub token (ghp_…)'],
      ['binaryData["app.bin"]', 'ConfigMap key "app.bin" holds an AWS access key id (AKIA…)'],
    ],
  },
  {
    rule: 'value-no-known-secret',
    name: "plain settings, certificates, AWS's documented example key and a Secret's own data comply",
    object: deployment(
      (s) => {
        container(s).env = [
          { name: 'LOG_LEVEL', value: 'info' },
          { name: 'EXAMPLE_KEY_ID', value: 'AKIAIOSFODNN7EXAMPLE' },
          { name: 'CA', value: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' },
        ];
        container(s).args = ['--listen=:8080', '--key-file=/run/secrets/tls/tls.key'];
      },
      { annotations: { 'example.com/note': 'keys starting with AKIA are rotated by the platform' } },
    ),
    expected: [],
  },
  {
    rule: 'value-no-known-secret',
    name: 'a Secret carries its values where they belong: only its annotations are searched',
    object: {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'web', namespace: 'shop' },
      stringData: { token: FAKE_GITHUB_TOKEN },
    },
    expected: [],
  },
  {
    rule: 'value-no-known-secret',
    name: 'a PEM key under a harmless env name, tokens in args, command and annotations',
    object: withTemplateAnnotations(
      deployment(
        (s) => {
          container(s).env = [
            { name: 'LOG_LEVEL', value: 'info' },
            { name: 'CONFIG', value: FAKE_PEM_KEY },
          ];
          container(s).args = ['--listen=:8080', `--token=${FAKE_GITHUB_TOKEN}`];
          container(s, 'setup').command = [
            'sh',
            '-c',
            `curl -H "Authorization: Bearer ${FAKE_SLACK_TOKEN}" https://slack.com/api/auth.test`,
          ];
        },
        { annotations: { 'example.com/deploy-key': FAKE_AWS_KEY_ID } },
      ),
      { 'example.com/pull-key': `AIza${'q7Xr2LmZ9vKw4TbN8cYp3HsJ6dFg1AeUoQi'}` },
    ),
    expected: [
      ['metadata.annotations["example.com/deploy-key"]', 'annotation "example.com/deploy-key" holds an AWS access key id (AKIA…)'],
      ['spec.template.metadata.annotations["example.com/pull-key"]', 'annotation "example.com/pull-key" holds a Google API key (AIza…)'],
      [`${SETUP}.command[2]`, 'init container "setup" command holds a Slack token (xoxb-…)'],
      [`${WEB}.env[1].value`, 'container "web" environment variable "CONFIG" holds a PEM private key (RSA PRIVATE KEY)'],
      [`${WEB}.args[1]`, 'container "web" args holds a GitHub token (ghp_…)'],
    ],
  },
  {
    rule: 'value-no-jwt',
    name: 'dotted versions and host names comply',
    object: deployment((s) => {
      container(s).env = [
        { name: 'VERSION', value: '1.27.3' },
        { name: 'UPSTREAM', value: 'api.internal.example.com' },
      ];
    }),
    expected: [],
  },
  {
    rule: 'value-no-jwt',
    name: 'a service account token in an env value',
    object: deployment((s) => {
      container(s).env = [
        { name: 'KUBE_TOKEN', valueFrom: { secretKeyRef: { name: 't', key: 't' } } },
        { name: 'AUTH', value: `Bearer ${FAKE_JWT}` },
      ];
    }),
    expected: [[`${WEB}.env[1].value`, 'container "web" environment variable "AUTH" holds a JSON Web Token (eyJ…)']],
  },
  {
    rule: 'value-no-jwt',
    name: 'a JWT in ConfigMap data',
    object: {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'web', namespace: 'shop' },
      data: { 'client.conf': `token=${FAKE_JWT}\n` },
    },
    expected: [['data["client.conf"]', 'ConfigMap key "client.conf" holds a JSON Web Token (eyJ…)']],
  },
  {
    rule: 'duplicate-object',
    name: 'objects that differ in name, namespace, kind or API group are distinct',
    object: deployment(),
    others: [
      { ...deployment(), metadata: { name: 'api', namespace: 'shop' } },
      { ...deployment(), metadata: { name: 'web', namespace: 'shop-2' } },
      { ...deployment(), kind: 'StatefulSet' },
      { ...deployment(), apiVersion: 'example.com/v1' },
    ],
    expected: [],
  },
  {
    rule: 'duplicate-object',
    name: 'the same ConfigMap twice',
    object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop' }, data: { mode: 'fast' } },
    others: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop' }, data: { mode: 'slow' } }],
    expected: [['metadata.name', 'ConfigMap shop/settings is defined more than once (also at another document of the input)']],
  },
  {
    rule: 'duplicate-object',
    name: 'the same Deployment under another apps version',
    object: deployment(),
    others: [{ ...deployment(), apiVersion: 'apps/v1beta2' }],
    expected: [['metadata.name', 'Deployment shop/web is defined more than once (also at another document of the input)']],
  },
  { rule: 'object-schema', name: 'a hardened deployment has the shape of apps/v1 Deployment', object: deployment(), expected: [] },
  {
    rule: 'object-schema',
    name: 'a custom resource is left to its CRD',
    object: { apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret', metadata: { name: 'web' }, spec: [] },
    expected: [],
  },
  {
    rule: 'object-schema',
    name: 'a misspelt field and a string for a boolean',
    object: deployment((s) => {
      s.hostNetwork = 'false';
      s.securityContex = {};
    }),
    expected: [
      [`${P}.hostNetwork`, 'the string "false"; the API server expects a boolean'],
      [`${P}.securityContex`, 'did you mean "securityContext"?'],
    ],
  },
  ...CLUSTER_RULE_CASES,
  ...NETWORK_RULE_CASES,
  ...CROSS_OBJECT_RULE_CASES,
];
