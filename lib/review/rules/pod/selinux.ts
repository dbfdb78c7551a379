import { celList } from '../../admission/cel';
import { AdmissionScope, Rule, RuleFinding } from '../../model';
import { eachContainer, finding, findingValue, isRecord, perPod, POD_TEMPLATE_KINDS, quote } from '../../walkers';
import { SELinuxOptions } from '../../pod-spec';

/** The SELinux types a pod may ask for (`container_engine_t` since policy v1.31). */
export const ALLOWED_SELINUX_TYPES: readonly string[] = ['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t'];

function problems(options: SELinuxOptions | undefined, path: string, who: string): RuleFinding[] {
  if (!isRecord(options)) return [];
  const found: RuleFinding[] = [];
  const type = String(options.type ?? '');
  if (!ALLOWED_SELINUX_TYPES.includes(type)) found.push(finding(`${path}.type`, `${who} sets SELinux type ${quote(type)}`, `type:${type}`));
  if (options.user)
    found.push(finding(`${path}.user`, `${who} sets SELinux user ${quote(options.user)}`, `user:${findingValue(options.user)}`));
  if (options.role)
    found.push(finding(`${path}.role`, `${who} sets SELinux role ${quote(options.role)}`, `role:${findingValue(options.role)}`));
  return found;
}

/**
 * CEL: the SELinux options `options` (a CEL optional, unset or set) pick an allowed type and no
 * user or role, or an exception accepts each finding's value (`type:spc_t`, `user:...`, `role:...`).
 */
function celOptionsAdmitted(s: AdmissionScope, options: string): string {
  const type = `${options}.?type.orValue("")`;
  const [user, role] = ['user', 'role'].map((field) => `${options}.?${field}.orValue("")`);
  return (
    `(${type} in ${celList(ALLOWED_SELINUX_TYPES)} || ${s.accepts(`"type:" + ${type}`)})` +
    ` && (${user} == "" || ${s.accepts(`"user:" + ${user}`)})` +
    ` && (${role} == "" || ${s.accepts(`"role:" + ${role}`)})`
  );
}

/**
 * SELinux options may only pick a standard container type and a level: custom types,
 * users and roles can escape the container's label. A finding's value is the field and
 * what it sets: `type:spc_t`, `user:system_u`, `role:sysadm_r`.
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
 */
export const noCustomSELinux: Rule = {
  id: 'no-custom-selinux',
  title: 'SELinux options use a standard container type and no custom user or role',
  severity: 'error',
  kinds: POD_TEMPLATE_KINDS,
  references: { pss: 'baseline/seLinuxOptions', trivy: 'KSV-0025' },
  remediation:
    'Remove seLinuxOptions.user and seLinuxOptions.role, and leave seLinuxOptions.type unset or set it to container_t, container_init_t, container_kvm_t or container_engine_t.',
  check: perPod((pod, obj) => [
    ...problems(pod.spec.securityContext?.seLinuxOptions, `${pod.path}.securityContext.seLinuxOptions`, 'pod'),
    ...eachContainer(obj, pod).flatMap((c) =>
      problems(c.securityContext.seLinuxOptions, `${c.path}.securityContext.seLinuxOptions`, c.label),
    ),
  ]),
  admission: (s) => [
    {
      expression: celOptionsAdmitted(s, `${s.pod}.?securityContext.?seLinuxOptions`),
      message: 'The pod sets a custom SELinux type, user or role.',
    },
    {
      expression: `${s.containers}.all(c, ${celOptionsAdmitted(s, 'c.?securityContext.?seLinuxOptions')})`,
      message: 'A container sets a custom SELinux type, user or role.',
    },
  ],
};
