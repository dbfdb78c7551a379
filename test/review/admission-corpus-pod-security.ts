/** Admission differential corpus (admission-corpus.ts): Pod Security rules beyond the shared mutations (pod-mutations.ts). */
import { APPARMOR_ANNOTATION_PREFIX } from '../../lib/review/rules/pod/apparmor';
import type { Json, PodMutation } from './pod-mutations';

/**
 * Changes to a pod template for the Pod Security rules beyond the shared mutations
 * (pod-mutations.ts): the deprecated AppArmor annotations, the other SELinux options, safe
 * and unsafe sysctls, HostProcess on the pod, every probe and hook that can name a host,
 * more volume types, and an unmasked /proc in a pod with its own user namespace. Values are
 * ones the API server's validation accepts on their own.
 */
export const MUTATIONS: readonly PodMutation[] = [
  (pod, c, pick) => {
    pod.metadata.annotations = {
      ...pod.metadata.annotations,
      [APPARMOR_ANNOTATION_PREFIX + c.name]: pick(['runtime/default', 'localhost/k8s-app', 'unconfined']),
    };
  },
  (pod, c, pick) => {
    const target = pick([pod.spec.securityContext, c.securityContext]);
    target.seLinuxOptions = pick<Json>([
      { type: 'container_kvm_t' },
      { type: 'container_engine_t', level: 's0:c1,c2' },
      { role: 'sysadm_r' },
      { user: 'system_u', role: 'system_r', type: 'container_t' },
      { type: 'unconfined_t' },
    ]);
  },
  (pod, _c, pick) => {
    pod.spec.securityContext.sysctls = [
      pick<Json>([
        { name: 'net.ipv4.tcp_keepalive_time', value: '7200' },
        { name: 'net.ipv4.tcp_notsent_lowat', value: '16384' },
        { name: 'net.ipv4.ip_local_port_range', value: '1024 65535' },
        { name: 'kernel.shmmax', value: '68719476736' },
        { name: 'vm.swappiness', value: '10' },
      ]),
    ];
  },
  // HostProcess set once for the whole pod (validation refuses a pod where only some containers are).
  (pod, _c, pick) => {
    pod.spec.hostNetwork = true;
    pod.spec.securityContext.windowsOptions = { hostProcess: pick([true, false]), runAsUserName: 'NT AUTHORITY\\SYSTEM' };
  },
  // Probes and hooks on the main container: validation refuses them on an init container that does not run beside the others.
  (pod, _c, pick) => {
    pod.spec.containers[0].startupProbe = pick<Json>([
      { tcpSocket: { port: 8080, host: pick(['10.1.2.3', 'localhost']) } },
      { tcpSocket: { port: 8080 } },
      { httpGet: { port: 8080, path: '/', host: '::1' } },
    ]);
  },
  (pod, _c, pick) => {
    pod.spec.containers[0].lifecycle = {
      preStop: pick<Json>([
        { httpGet: { port: 8080, host: '10.1.2.3' } },
        { tcpSocket: { port: 8080, host: '' } },
        { sleep: { seconds: 5 } },
      ]),
    };
  },
  (pod, _c, pick) => {
    pod.spec.volumes.push({
      name: `volume-${pod.spec.volumes.length}`,
      ...pick<Json>([
        {},
        { emptyDir: { medium: 'Memory' } },
        { image: { reference: 'ghcr.io/example/data:1.0.0', pullPolicy: 'IfNotPresent' } },
        { hostPath: { path: '/etc', type: 'Directory' } },
        { iscsi: { targetPortal: '10.0.0.1:3260', iqn: 'iqn.2001-04.com.example:storage', lun: 0 } },
        { azureFile: { secretName: 'azure', shareName: 'share' } },
      ]),
    });
  },
  (_p, c, pick) => {
    c.ports = [...c.ports, { containerPort: 9100, hostPort: pick([9100, 0, undefined]) }];
  },
  // An unmasked /proc: allowed at baseline only in a pod with its own user namespace (and refused by validation in any other).
  (pod, c) => {
    pod.spec.hostUsers = false;
    c.securityContext.procMount = 'Unmasked';
  },
  (pod, c) => {
    pod.spec.hostUsers = false;
    c.securityContext.procMount = 'Unmasked';
  },
  // A privileged container: validation refuses it with allowPrivilegeEscalation false, so that goes too.
  (_p, c, pick) => {
    c.securityContext.privileged = true;
    c.securityContext.allowPrivilegeEscalation = pick([true, undefined]);
  },
  (_p, c) => {
    c.securityContext.privileged = true;
    delete c.securityContext.allowPrivilegeEscalation;
  },
];
