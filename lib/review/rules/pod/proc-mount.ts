import { KubeObject, Rule, RuleFinding } from '../../model';
import { eachContainer, finding, findingValue, perPod, POD_TEMPLATE_KINDS, quote, usesUserNamespace } from '../../walkers';

function unmasked(obj: KubeObject, relaxForUserNamespace: boolean): readonly RuleFinding[] {
  return perPod((pod) =>
    relaxForUserNamespace && usesUserNamespace(pod)
      ? []
      : eachContainer(obj, pod)
          .filter((c) => c.securityContext.procMount != null && c.securityContext.procMount !== 'Default')
          .map((c) =>
            finding(
              `${c.path}.securityContext.procMount`,
              `${c.label} sets procMount ${quote(c.securityContext.procMount)}`,
              findingValue(c.securityContext.procMount),
            ),
          ),
  )(obj);
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
  references: { pss: 'baseline/procMount', kubeLinter: 'unsafe-proc-mount' },
  remediation: 'Remove securityContext.procMount or set it to Default.',
  check: (obj) => unmasked(obj, true),
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
  references: { pss: 'restricted/procMount_restricted', kubeLinter: 'unsafe-proc-mount' },
  remediation: 'Remove securityContext.procMount or set it to Default.',
  check: (obj) => unmasked(obj, false),
};
