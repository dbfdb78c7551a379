import { celString } from '../../admission/cel';
import { AdmissionScope, AdmissionValidation, KubeObject, Rule, RuleFinding } from '../../model';
import { eachContainer, finding, findingValue, perPod, POD_TEMPLATE_KINDS, quote, usesUserNamespace } from '../../walkers';
import { celUserNamespace } from './pod-admission';

/** The procMount that keeps the default masks. */
const DEFAULT_PROC_MOUNT = 'Default';

function unmasked(obj: KubeObject, relaxForUserNamespace: boolean): readonly RuleFinding[] {
  return perPod((pod) =>
    relaxForUserNamespace && usesUserNamespace(pod)
      ? []
      : eachContainer(obj, pod)
          .filter((c) => c.securityContext.procMount != null && c.securityContext.procMount !== DEFAULT_PROC_MOUNT)
          .map((c) =>
            finding(
              `${c.path}.securityContext.procMount`,
              `${c.label} sets procMount ${quote(c.securityContext.procMount)}`,
              findingValue(c.securityContext.procMount),
            ),
          ),
  )(obj);
}

/** The validation of both rules: every container keeps the default procMount, or an exception accepts the one it sets. */
function maskedProc(s: AdmissionScope, relaxForUserNamespace: boolean): AdmissionValidation[] {
  const procMount = 'c.?securityContext.?procMount';
  return [
    {
      expression:
        (relaxForUserNamespace ? `${celUserNamespace(s)} || ` : '') +
        `${s.containers}.all(c, ${procMount}.orValue(${celString(DEFAULT_PROC_MOUNT)}) == ${celString(DEFAULT_PROC_MOUNT)}` +
        ` || ${s.accepts(`${procMount}.value()`)})`,
      message: `A container sets a procMount other than ${DEFAULT_PROC_MOUNT}.`,
    },
  ];
}

/**
 * Containers keep the default masks on `/proc`. Since policy v1.35 the baseline level allows
 * an unmasked `/proc` in pods with their own user namespace (`hostUsers: false`). A finding's
 * value is the procMount set (`Unmasked`).
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
 */
export const noUnmaskedProcMount: Rule = {
  id: 'no-unmasked-proc-mount',
  title: 'Containers keep /proc masked unless the pod has its own user namespace',
  severity: 'error',
  kinds: POD_TEMPLATE_KINDS,
  references: { trivy: 'KSV-0027', pss: 'baseline/procMount', kubeLinter: 'unsafe-proc-mount' },
  remediation: 'Remove securityContext.procMount or set it to Default.',
  check: (obj) => unmasked(obj, true),
  admission: (s) => maskedProc(s, true),
};

/**
 * Containers keep the default masks on `/proc`, even with a user namespace. Replaces
 * `no-unmasked-proc-mount` when both run (upstream procMount_restricted, policy v1.35+).
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
export const restrictedProcMount: Rule = {
  id: 'restricted-proc-mount',
  title: 'Containers keep /proc masked',
  severity: 'error',
  kinds: POD_TEMPLATE_KINDS,
  overrides: ['no-unmasked-proc-mount'],
  references: { trivy: 'KSV-0027', pss: 'restricted/procMount_restricted', kubeLinter: 'unsafe-proc-mount' },
  remediation: 'Remove securityContext.procMount or set it to Default.',
  check: (obj) => unmasked(obj, false),
  admission: (s) => maskedProc(s, false),
};
