/**
 * One compliant and one or more non-compliant objects per rule, with the exact findings
 * expected: `[path, text the message contains]`. `rules.test.ts` runs them and checks that
 * every rule has both kinds of case.
 */
import { KubeObject } from '../../lib/review/model';
import { container, deployment, hardenedNamespace, namespace, networkPolicy, PINNED_IMAGE, pod } from './builders';

export interface RuleCase {
  readonly rule: string;
  readonly name: string;
  readonly object: KubeObject;
  /** Other objects under review, for rules that look across objects. */
  readonly others?: readonly KubeObject[];
  readonly expected: ReadonlyArray<readonly [path: string, message: string]>;
}

const P = 'spec.template.spec';
const WEB = `${P}.containers[0]`;
const SETUP = `${P}.initContainers[0]`;
const windows = (spec: Record<string, any>) => { spec.os = { name: 'windows' }; };

function withTemplateAnnotations(obj: KubeObject, annotations: Record<string, string>): KubeObject {
  (obj as any).spec.template.metadata.annotations = annotations;
  return obj;
}

export const RULE_CASES: readonly RuleCase[] = [
  { rule: 'no-host-namespaces', name: 'a hardened deployment complies', object: deployment(), expected: [] },
  { rule: 'no-host-namespaces', name: 'hostNetwork false complies', object: deployment((s) => { s.hostNetwork = false; }), expected: [] },
  { rule: 'no-host-namespaces', name: 'hostNetwork, hostPID and hostIPC', object: deployment((s) => { s.hostNetwork = true; s.hostPID = true; s.hostIPC = true; }),
    expected: [[`${P}.hostNetwork`, 'host network namespace'], [`${P}.hostPID`, 'host process ID namespace'], [`${P}.hostIPC`, 'host IPC namespace']] },

  { rule: 'no-privileged', name: 'privileged: false complies', object: deployment(), expected: [] },
  { rule: 'no-privileged', name: 'a privileged init container', object: deployment((s) => { container(s, 'setup').securityContext.privileged = true; }),
    expected: [[`${SETUP}.securityContext.privileged`, 'init container "setup" is privileged']] },

  { rule: 'baseline-capabilities', name: 'adding the default set complies', object: deployment((s) => {
    container(s).securityContext.capabilities.add = ['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT'];
  }), expected: [] },
  { rule: 'baseline-capabilities', name: 'NET_RAW, and names spelled differently', object: deployment((s) => { container(s).securityContext.capabilities.add = ['NET_RAW', 'chown', 'CAP_KILL']; }),
    expected: [
      [`${WEB}.securityContext.capabilities.add[0]`, 'container "web" adds capability "NET_RAW"'],
      [`${WEB}.securityContext.capabilities.add[1]`, 'write "CHOWN"'],
      [`${WEB}.securityContext.capabilities.add[2]`, 'write "KILL"'],
    ] },

  { rule: 'drop-all-capabilities', name: 'drop ALL and add NET_BIND_SERVICE complies', object: deployment((s) => { container(s).securityContext.capabilities.add = ['NET_BIND_SERVICE']; }), expected: [] },
  { rule: 'drop-all-capabilities', name: 'a Windows pod is exempt', object: deployment((s) => { windows(s); delete container(s).securityContext.capabilities; }), expected: [] },
  { rule: 'drop-all-capabilities', name: 'no drop, and CHOWN added', object: deployment((s) => { container(s).securityContext.capabilities = { drop: ['NET_RAW'], add: ['CHOWN'] }; }),
    expected: [[`${WEB}.securityContext.capabilities.drop`, 'container "web" does not drop ALL'], [`${WEB}.securityContext.capabilities.add[0]`, 'adds capability "CHOWN"']] },
  { rule: 'drop-all-capabilities', name: 'no capabilities at all', object: deployment((s) => { delete container(s, 'setup').securityContext.capabilities; }),
    expected: [[`${SETUP}.securityContext.capabilities.drop`, 'init container "setup" does not drop ALL']] },

  { rule: 'no-host-path', name: 'emptyDir complies', object: deployment(), expected: [] },
  { rule: 'no-host-path', name: 'a hostPath volume', object: deployment((s) => { s.volumes.push({ name: 'docker', hostPath: { path: '/var/run/docker.sock' } }); }),
    expected: [[`${P}.volumes[1].hostPath`, 'volume "docker" mounts the node\'s path "/var/run/docker.sock"']] },

  { rule: 'restricted-volume-types', name: 'every allowed type, and a volume with no source, comply', object: deployment((s) => {
    s.volumes = [{ name: 'defaulted' }, { name: 'c', configMap: { name: 'c' } }, { name: 's', secret: { secretName: 's' } },
      { name: 'p', persistentVolumeClaim: { claimName: 'p' } }, { name: 'd', downwardAPI: { items: [] } }, { name: 'pr', projected: { sources: [] } },
      { name: 'e', ephemeral: { volumeClaimTemplate: {} } }, { name: 'csi', csi: { driver: 'x' } }, { name: 'i', image: { reference: PINNED_IMAGE } }];
  }), expected: [] },
  { rule: 'restricted-volume-types', name: 'nfs and hostPath volumes', object: deployment((s) => {
    s.volumes.push({ name: 'share', nfs: { server: 'nfs', path: '/' } }, { name: 'host', hostPath: { path: '/' } });
  }), expected: [[`${P}.volumes[1].nfs`, 'volume "share" uses the restricted volume type "nfs"'], [`${P}.volumes[2].hostPath`, '"hostPath"']] },

  { rule: 'no-host-ports', name: 'hostPort 0 complies', object: deployment((s) => { container(s).ports[0].hostPort = 0; }), expected: [] },
  { rule: 'no-host-ports', name: 'a host port', object: deployment((s) => { container(s).ports.push({ containerPort: 9090, hostPort: 9090 }); }),
    expected: [[`${WEB}.ports[1].hostPort`, 'container "web" binds host port 9090']] },

  { rule: 'no-apparmor-unconfined', name: 'RuntimeDefault, Localhost and allowed annotations comply', object: withTemplateAnnotations(deployment((s) => {
    s.securityContext.appArmorProfile = { type: 'RuntimeDefault' };
    container(s).securityContext.appArmorProfile = { type: 'Localhost', localhostProfile: 'web' };
  }), { 'container.apparmor.security.beta.kubernetes.io/web': 'localhost/web', 'container.apparmor.security.beta.kubernetes.io/setup': 'runtime/default' }), expected: [] },
  { rule: 'no-apparmor-unconfined', name: 'Unconfined in the fields and the annotation', object: withTemplateAnnotations(deployment((s) => {
    s.securityContext.appArmorProfile = { type: 'Unconfined' };
    container(s, 'setup').securityContext.appArmorProfile = { type: 'Unconfined' };
  }), { 'container.apparmor.security.beta.kubernetes.io/web': 'unconfined' }), expected: [
    [`${P}.securityContext.appArmorProfile.type`, 'pod sets AppArmor profile type "Unconfined"'],
    [`${SETUP}.securityContext.appArmorProfile.type`, 'init container "setup" sets AppArmor profile type "Unconfined"'],
    ['spec.template.metadata.annotations["container.apparmor.security.beta.kubernetes.io/web"]', 'container "web" has AppArmor annotation "unconfined"'],
  ] },

  { rule: 'no-custom-selinux', name: 'standard types and a level comply', object: deployment((s) => {
    s.securityContext.seLinuxOptions = { type: 'container_t', level: 's0:c1,c2' };
    container(s).securityContext.seLinuxOptions = { type: 'container_engine_t' };
  }), expected: [] },
  { rule: 'no-custom-selinux', name: 'a custom type, user and role', object: deployment((s) => {
    container(s).securityContext.seLinuxOptions = { type: 'spc_t', user: 'system_u', role: 'system_r' };
  }), expected: [[`${WEB}.securityContext.seLinuxOptions.type`, 'container "web" sets SELinux type "spc_t"'],
    [`${WEB}.securityContext.seLinuxOptions.user`, 'SELinux user "system_u"'], [`${WEB}.securityContext.seLinuxOptions.role`, 'SELinux role "system_r"']] },

  { rule: 'no-unmasked-proc-mount', name: 'Unmasked in a user namespace complies', object: deployment((s) => { s.hostUsers = false; container(s).securityContext.procMount = 'Unmasked'; }), expected: [] },
  { rule: 'no-unmasked-proc-mount', name: 'Unmasked without a user namespace', object: deployment((s) => { container(s).securityContext.procMount = 'Unmasked'; }),
    expected: [[`${WEB}.securityContext.procMount`, 'container "web" sets procMount "Unmasked"']] },

  { rule: 'restricted-proc-mount', name: 'Default complies', object: deployment((s) => { container(s).securityContext.procMount = 'Default'; }), expected: [] },
  { rule: 'restricted-proc-mount', name: 'Unmasked even in a user namespace', object: deployment((s) => { s.hostUsers = false; container(s).securityContext.procMount = 'Unmasked'; }),
    expected: [[`${WEB}.securityContext.procMount`, 'container "web" sets procMount "Unmasked"']] },

  { rule: 'no-unconfined-seccomp', name: 'no profile at all complies with baseline', object: deployment((s) => { delete s.securityContext.seccompProfile; }), expected: [] },
  { rule: 'no-unconfined-seccomp', name: 'Unconfined on a container', object: deployment((s) => { container(s).securityContext.seccompProfile = { type: 'Unconfined' }; }),
    expected: [[`${WEB}.securityContext.seccompProfile.type`, 'container "web" sets seccomp profile "Unconfined"']] },

  { rule: 'seccomp-runtime-default', name: 'Localhost on every container complies', object: deployment((s) => {
    delete s.securityContext.seccompProfile;
    container(s).securityContext.seccompProfile = { type: 'Localhost', localhostProfile: 'web.json' };
    container(s, 'setup').securityContext.seccompProfile = { type: 'RuntimeDefault' };
  }), expected: [] },
  { rule: 'seccomp-runtime-default', name: 'a Windows pod is exempt', object: deployment((s) => { windows(s); delete s.securityContext.seccompProfile; }), expected: [] },
  { rule: 'seccomp-runtime-default', name: 'no profile anywhere', object: deployment((s) => { delete s.securityContext.seccompProfile; }),
    expected: [[`${SETUP}.securityContext.seccompProfile`, 'init container "setup" runs without a seccomp profile'], [`${WEB}.securityContext.seccompProfile`, 'container "web" runs without']] },
  { rule: 'seccomp-runtime-default', name: 'Unconfined on the pod, even with good containers', object: deployment((s) => {
    s.securityContext.seccompProfile = { type: 'Unconfined' };
    container(s).securityContext.seccompProfile = { type: 'RuntimeDefault' };
  }), expected: [[`${P}.securityContext.seccompProfile.type`, 'pod sets seccomp profile "Unconfined"'], [`${SETUP}.securityContext.seccompProfile`, 'init container "setup" runs without']] },

  { rule: 'no-unsafe-sysctls', name: 'safe sysctls, including v1.37 additions, comply', object: deployment((s) => {
    s.securityContext.sysctls = [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }, { name: 'net.ipv4.tcp_notsent_lowat', value: '16384' }];
  }), expected: [] },
  { rule: 'no-unsafe-sysctls', name: 'an unsafe sysctl', object: deployment((s) => { s.securityContext.sysctls = [{ name: 'kernel.msgmax', value: '65536' }]; }),
    expected: [[`${P}.securityContext.sysctls[0].name`, 'pod sets the unsafe sysctl "kernel.msgmax"']] },

  { rule: 'no-windows-host-process', name: 'hostProcess false complies', object: deployment((s) => { windows(s); s.securityContext.windowsOptions = { hostProcess: false }; }), expected: [] },
  { rule: 'no-windows-host-process', name: 'a HostProcess container', object: deployment((s) => { windows(s); container(s).securityContext.windowsOptions = { hostProcess: true }; }),
    expected: [[`${WEB}.securityContext.windowsOptions.hostProcess`, 'container "web" runs as a Windows HostProcess container']] },

  { rule: 'no-host-probes', name: 'probes without a host comply', object: deployment((s) => { container(s).livenessProbe.httpGet.host = ''; }), expected: [] },
  { rule: 'no-host-probes', name: 'a probe to localhost and a hook to another host', object: deployment((s) => {
    container(s).livenessProbe.httpGet.host = '127.0.0.1';
    container(s).lifecycle = { preStop: { tcpSocket: { host: 'metadata.internal', port: 80 } } };
  }), expected: [[`${WEB}.livenessProbe.httpGet.host`, 'container "web" sends its livenessProbe to host "127.0.0.1"'],
    [`${WEB}.lifecycle.preStop.tcpSocket.host`, 'preStop hook to host "metadata.internal"']] },

  { rule: 'no-privilege-escalation', name: 'a Windows pod is exempt', object: deployment((s) => { windows(s); delete container(s).securityContext.allowPrivilegeEscalation; }), expected: [] },
  { rule: 'no-privilege-escalation', name: 'unset and true', object: deployment((s) => {
    delete container(s, 'setup').securityContext.allowPrivilegeEscalation;
    container(s).securityContext.allowPrivilegeEscalation = true;
  }), expected: [[`${SETUP}.securityContext.allowPrivilegeEscalation`, 'init container "setup" does not set allowPrivilegeEscalation: false'],
    [`${WEB}.securityContext.allowPrivilegeEscalation`, 'container "web" allows privilege escalation']] },

  { rule: 'run-as-non-root', name: 'set on every container instead of the pod complies', object: deployment((s) => {
    delete s.securityContext.runAsNonRoot;
    container(s).securityContext.runAsNonRoot = true;
    container(s, 'setup').securityContext.runAsNonRoot = true;
  }), expected: [] },
  { rule: 'run-as-non-root', name: 'a pod with its own user namespace is exempt', object: deployment((s) => { s.hostUsers = false; delete s.securityContext.runAsNonRoot; }), expected: [] },
  { rule: 'run-as-non-root', name: 'unset on the pod and a container', object: deployment((s) => {
    delete s.securityContext.runAsNonRoot;
    container(s).securityContext.runAsNonRoot = true;
  }), expected: [[`${SETUP}.securityContext.runAsNonRoot`, 'init container "setup" may run as root']] },
  { rule: 'run-as-non-root', name: 'false on the pod fails even when every container says true', object: deployment((s) => {
    s.securityContext.runAsNonRoot = false;
    container(s).securityContext.runAsNonRoot = true;
    container(s, 'setup').securityContext.runAsNonRoot = true;
  }), expected: [[`${P}.securityContext.runAsNonRoot`, 'pod sets runAsNonRoot: false']] },

  { rule: 'no-root-user', name: 'root in a user namespace complies', object: deployment((s) => { s.hostUsers = false; s.securityContext.runAsUser = 0; }), expected: [] },
  { rule: 'no-root-user', name: 'user 0 on the pod and a container', object: deployment((s) => { s.securityContext.runAsUser = 0; container(s).securityContext.runAsUser = 0; }),
    expected: [[`${P}.securityContext.runAsUser`, 'pod runs all its containers as root'], [`${WEB}.securityContext.runAsUser`, 'container "web" runs as root']] },

  { rule: 'read-only-root-filesystem', name: 'a Windows pod is exempt', object: deployment((s) => { windows(s); delete container(s).securityContext.readOnlyRootFilesystem; }), expected: [] },
  { rule: 'read-only-root-filesystem', name: 'a writable root filesystem', object: deployment((s) => { container(s).securityContext.readOnlyRootFilesystem = false; }),
    expected: [[`${WEB}.securityContext.readOnlyRootFilesystem`, 'container "web" has a writable root filesystem']] },

  { rule: 'high-user-group-ids', name: 'ids set on the containers instead of the pod comply', object: deployment((s) => {
    s.securityContext = { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
    for (const name of ['web', 'setup']) Object.assign(container(s, name).securityContext, { runAsUser: 10001, runAsGroup: 10001 });
  }), expected: [] },
  { rule: 'high-user-group-ids', name: 'a low pod user, a container without group, a low fsGroup', object: deployment((s) => {
    s.securityContext.runAsUser = 1000;
    delete s.securityContext.runAsGroup;
    s.securityContext.fsGroup = 2000;
    container(s).securityContext.runAsGroup = 10001;
  }), expected: [
    [`${P}.securityContext.fsGroup`, 'pod sets fsGroup 2000'],
    [`${P}.securityContext.runAsUser`, 'init container "setup" runs with runAsUser 1000 (inherited from the pod)'],
    [`${SETUP}.securityContext.runAsGroup`, 'init container "setup" does not set runAsGroup'],
    [`${P}.securityContext.runAsUser`, 'container "web" runs with runAsUser 1000'],
  ] },
  { rule: 'high-user-group-ids', name: 'the container value wins over the pod value', object: deployment((s) => { container(s).securityContext.runAsUser = 10000; }),
    expected: [[`${WEB}.securityContext.runAsUser`, 'container "web" runs with runAsUser 10000, not above 10000']] },

  { rule: 'resources-set', name: 'requests and a memory limit comply', object: deployment(), expected: [] },
  { rule: 'resources-set', name: 'missing cpu request on the init container and memory limit on the container', object: deployment((s) => {
    delete container(s, 'setup').resources.requests.cpu;
    delete container(s).resources.limits;
  }), expected: [[`${SETUP}.resources.requests.cpu`, 'init container "setup" has no cpu request'], [`${WEB}.resources.limits.memory`, 'container "web" has no memory limit']] },

  { rule: 'image-digest', name: 'tag plus digest complies', object: deployment((s) => { container(s).image = `nginx:1.27@sha256:${'b'.repeat(64)}`; }), expected: [] },
  { rule: 'image-digest', name: 'a tag, and a truncated digest', object: deployment((s) => {
    container(s).image = 'nginx:1.27';
    container(s, 'setup').image = `nginx@sha256:${'b'.repeat(63)}`;
  }), expected: [[`${SETUP}.image`, 'not pinned by sha256 digest'], [`${WEB}.image`, 'container "web" uses image "nginx:1.27", which is not pinned']] },

  { rule: 'no-latest-tag', name: 'version tags, also behind a registry port, comply', object: deployment((s) => {
    container(s).image = 'registry.example.com:5000/shop/web:1.2.3';
    container(s, 'setup').image = 'nginx:1.27';
  }), expected: [] },
  { rule: 'no-latest-tag', name: 'latest, and no tag behind a registry port', object: deployment((s) => {
    container(s).image = 'nginx:latest';
    container(s, 'setup').image = 'registry.example.com:5000/shop/setup';
  }), expected: [[`${SETUP}.image`, 'without a tag, which means latest'], [`${WEB}.image`, 'container "web" uses image "nginx:latest" with the latest tag']] },

  { rule: 'image-pull-always', name: 'Always complies', object: deployment(), expected: [] },
  { rule: 'image-pull-always', name: 'IfNotPresent', object: deployment((s) => { container(s).imagePullPolicy = 'IfNotPresent'; }),
    expected: [[`${WEB}.imagePullPolicy`, 'container "web" has imagePullPolicy "IfNotPresent"']] },

  { rule: 'readiness-probe', name: 'init containers need none', object: deployment(), expected: [] },
  { rule: 'readiness-probe', name: 'a container without readiness probe', object: deployment((s) => { delete container(s).readinessProbe; }),
    expected: [[`${WEB}.readinessProbe`, 'container "web" has no readinessProbe']] },

  { rule: 'liveness-probe', name: 'init containers need none', object: deployment(), expected: [] },
  { rule: 'liveness-probe', name: 'a container without liveness probe', object: deployment((s) => { delete container(s).livenessProbe; }),
    expected: [[`${WEB}.livenessProbe`, 'container "web" has no livenessProbe']] },

  { rule: 'no-service-account-token', name: 'false complies', object: pod(), expected: [] },
  { rule: 'no-service-account-token', name: 'the default (unset)', object: pod((s) => { delete s.automountServiceAccountToken; }),
    expected: [['spec.automountServiceAccountToken', 'pod mounts a service account token']] },

  { rule: 'no-default-service-account', name: 'the deprecated serviceAccount field naming its own account complies', object: deployment((s) => {
    delete s.serviceAccountName;
    s.serviceAccount = 'web';
  }), expected: [] },
  { rule: 'no-default-service-account', name: 'no service account', object: deployment((s) => { delete s.serviceAccountName; }),
    expected: [[`${P}.serviceAccountName`, 'default service account']] },
  { rule: 'no-default-service-account', name: 'the account named default', object: deployment((s) => { s.serviceAccountName = 'default'; }),
    expected: [[`${P}.serviceAccountName`, 'service account "default"']] },

  { rule: 'namespace-pod-security', name: 'enforce restricted complies', object: namespace(), expected: [] },
  { rule: 'namespace-pod-security', name: 'no Pod Security label', object: namespace('shop', {}), expected: [['metadata.labels["pod-security.kubernetes.io/enforce"]', 'namespace enforces no Pod Security level']] },
  { rule: 'namespace-pod-security', name: 'enforce baseline', object: namespace('shop', { 'pod-security.kubernetes.io/enforce': 'baseline' }),
    expected: [['metadata.labels["pod-security.kubernetes.io/enforce"]', 'enforces Pod Security level "baseline", not "restricted"']] },

  { rule: 'workload-namespace-hardened', name: 'a workload in a declared namespace complies', object: deployment(), others: hardenedNamespace(), expected: [] },
  { rule: 'workload-namespace-hardened', name: 'a namespace the output does not declare', object: deployment(), others: [namespace('other')],
    expected: [['metadata.namespace', 'workload runs in namespace "shop", which this output does not declare']] },
  { rule: 'workload-namespace-hardened', name: 'no namespace at all means default', object: pod(undefined, { namespace: '' }), others: [namespace('default')],
    expected: [['metadata.namespace', 'workload runs in the "default" namespace']] },

  { rule: 'namespace-default-deny', name: 'one policy denying both ways complies', object: namespace(), others: hardenedNamespace().slice(1), expected: [] },
  { rule: 'namespace-default-deny', name: 'two policies, one per direction (policyTypes defaulted from an egress section), comply', object: namespace(),
    others: [networkPolicy({ podSelector: {} }, 'deny-in'), networkPolicy({ podSelector: {}, egress: [] }, 'deny-out')], expected: [] },
  { rule: 'namespace-default-deny', name: 'no policy', object: namespace(), expected: [
    ['metadata.name', 'no NetworkPolicy in namespace "shop" isolates ingress of all its pods'], ['metadata.name', 'isolates egress of all its pods']] },
  { rule: 'namespace-default-deny', name: 'a policy selecting some pods, or in another namespace, does not count', object: namespace(),
    others: [networkPolicy({ podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress', 'Egress'] }),
      networkPolicy({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] }, 'default-deny', 'other')],
    expected: [['metadata.name', 'isolates ingress'], ['metadata.name', 'isolates egress']] },

  { rule: 'network-ingress-from-anywhere', name: 'named pods and a narrow CIDR comply', object: networkPolicy({
    podSelector: { matchLabels: { app: 'web' } },
    ingress: [{ from: [{ podSelector: { matchLabels: { app: 'front' } } }, { namespaceSelector: {}, podSelector: { matchLabels: { app: 'probe' } } }, { ipBlock: { cidr: '203.0.113.0/24' } }] }],
  }), expected: [] },
  { rule: 'network-ingress-from-anywhere', name: 'a rule without from, every namespace, and 0.0.0.0/0', object: networkPolicy({
    podSelector: {},
    ingress: [{ ports: [{ port: 80 }] }, { from: [{ namespaceSelector: {} }, { ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }] }],
  }), expected: [
    ['spec.ingress[0].from', 'ingress rule 0 has no "from", so it allows every source'],
    ['spec.ingress[1].from[0].namespaceSelector', 'allows every pod of every namespace'],
    ['spec.ingress[1].from[1].ipBlock.cidr', 'allows every address (0.0.0.0/0)'],
    ['spec.ingress[1].from[2].ipBlock.cidr', 'allows every address (::/0)'],
  ] },

  { rule: 'network-egress-metadata', name: 'a broad block that excepts the metadata address, and pods, comply', object: networkPolicy({
    podSelector: {},
    egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.0.0/16'] } }, { podSelector: {} }] }],
  }), expected: [] },
  { rule: 'network-egress-metadata', name: 'a rule without to, and a block containing the metadata address', object: networkPolicy({
    podSelector: {},
    egress: [{ ports: [{ port: 443 }] }, { to: [{ ipBlock: { cidr: '169.254.0.0/16', except: ['169.254.1.0/24'] } }] }],
  }), expected: [
    ['spec.egress[0].to', 'egress rule 0 has no "to", so it allows every destination'],
    ['spec.egress[1].to[0].ipBlock', 'allows 169.254.0.0/16, which contains the metadata address 169.254.169.254'],
  ] },
];
