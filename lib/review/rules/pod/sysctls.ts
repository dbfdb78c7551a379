import { celList } from '../../admission/cel';
import { Rule } from '../../model';
import { finding, findingValue, list, perPod, POD_TEMPLATE_KINDS, quote } from '../../walkers';

/**
 * The sysctls Pod Security (policy v1.37) considers safe: namespaced per pod and isolated
 * from other pods on the node.
 */
export const SAFE_SYSCTLS: readonly string[] = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports', // v1.27
  'net.ipv4.tcp_keepalive_time', // v1.29
  'net.ipv4.tcp_fin_timeout', // v1.29
  'net.ipv4.tcp_keepalive_intvl', // v1.29
  'net.ipv4.tcp_keepalive_probes', // v1.29
  'net.ipv4.tcp_rmem', // v1.32
  'net.ipv4.tcp_wmem', // v1.32
  'net.ipv4.tcp_slow_start_after_idle', // v1.37
  'net.ipv4.tcp_notsent_lowat', // v1.37
];

/**
 * Pods may set only safe sysctls; the others change the node for every pod on it. A finding's
 * value is the sysctl (`kernel.msgmax`).
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
 */
export const noUnsafeSysctls: Rule = {
  id: 'no-unsafe-sysctls',
  title: 'Pods set only safe sysctls',
  severity: 'error',
  kinds: POD_TEMPLATE_KINDS,
  references: { trivy: 'KSV-0026', pss: 'baseline/sysctls', kubeLinter: 'unsafe-sysctls' },
  remediation: `Remove the sysctl from securityContext.sysctls; only ${SAFE_SYSCTLS.join(', ')} are allowed.`,
  check: perPod((pod) =>
    list<{ name?: string }>(pod.spec.securityContext?.sysctls).flatMap((sysctl, i) =>
      SAFE_SYSCTLS.includes(sysctl?.name as string)
        ? []
        : [
            finding(
              `${pod.path}.securityContext.sysctls[${i}].name`,
              `pod sets the unsafe sysctl ${quote(sysctl?.name)}`,
              findingValue(sysctl?.name),
            ),
          ],
    ),
  ),
  admission: (s) => [
    {
      expression: `${s.pod}.?securityContext.?sysctls.orValue([]).all(sysctl, sysctl.name in ${celList(SAFE_SYSCTLS)} || ${s.accepts('sysctl.name')})`,
      message: 'The pod sets an unsafe sysctl.',
    },
  ],
};
