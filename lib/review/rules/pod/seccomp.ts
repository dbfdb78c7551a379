import { celList } from '../../admission/cel';
import { AdmissionScope, AdmissionValidation, Rule, RuleFinding } from '../../model';
import { eachContainer, finding, findingValue, isRecord, isWindowsPod, perPod, POD_TEMPLATE_KINDS, quote } from '../../walkers';
import { SecurityProfile } from '../../pod-spec';
import { celProfileTypeAdmitted, celWindowsPod } from './pod-admission';

const CONFINED = ['RuntimeDefault', 'Localhost'];

function confined(profile: SecurityProfile): boolean {
  return CONFINED.includes(profile.type as string);
}

/** CEL: the seccomp profile type the pod sets (an optional). */
function podProfileType(s: AdmissionScope): string {
  return `${s.pod}.?securityContext.?seccompProfile.?type`;
}

/** CEL: the seccomp profile container `c` sets (an optional). */
const CONTAINER_PROFILE = 'c.?securityContext.?seccompProfile';

/** CEL: `expression`, unless the pod is `exempt` (CEL), if given. */
function unless(exempt: string | undefined, expression: string): string {
  return exempt ? `${exempt} || ${expression}` : expression;
}

/** The validations both rules share: a profile set on the pod or on a container confines it. */
function confiningProfiles(s: AdmissionScope, exempt?: string): AdmissionValidation[] {
  const types = CONFINED.join(' or ');
  return [
    {
      expression: unless(exempt, celProfileTypeAdmitted(s, podProfileType(s), CONFINED)),
      message: `The pod sets a seccomp profile type other than ${types}.`,
    },
    {
      expression: unless(exempt, `${s.containers}.all(c, ${celProfileTypeAdmitted(s, `${CONTAINER_PROFILE}.?type`, CONFINED)})`),
      message: `A container sets a seccomp profile type other than ${types}.`,
    },
  ];
}

/**
 * A seccomp profile, where set, must confine the container: upstream (policy v1.19+) accepts
 * only `RuntimeDefault` and `Localhost` when the field is set, so `Unconfined` is refused.
 * A finding's value is the profile type set.
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
 */
export const noUnconfinedSeccomp: Rule = {
  id: 'no-unconfined-seccomp',
  title: 'Seccomp is not disabled',
  severity: 'error',
  kinds: POD_TEMPLATE_KINDS,
  references: { pss: 'baseline/seccompProfile_baseline', trivy: 'KSV-0104' },
  remediation: 'Set seccompProfile.type to RuntimeDefault (or Localhost with a reviewed profile) instead of Unconfined.',
  check: perPod((pod, obj) => {
    const found: RuleFinding[] = [];
    const podProfile = pod.spec.securityContext?.seccompProfile;
    if (isRecord(podProfile) && !confined(podProfile)) {
      found.push(
        finding(
          `${pod.path}.securityContext.seccompProfile.type`,
          `pod sets seccomp profile ${quote(podProfile.type)} for all its containers`,
          findingValue(podProfile.type),
        ),
      );
    }
    for (const c of eachContainer(obj, pod)) {
      const profile = c.securityContext.seccompProfile;
      if (isRecord(profile) && !confined(profile)) {
        found.push(
          finding(
            `${c.path}.securityContext.seccompProfile.type`,
            `${c.label} sets seccomp profile ${quote(profile.type)}`,
            findingValue(profile.type),
          ),
        );
      }
    }
    return found;
  }),
  admission: (s) => confiningProfiles(s),
};

/**
 * Every container must run under a confining seccomp profile, set on the pod or on the
 * container, and none may set another type. Replaces `no-unconfined-seccomp` when both run.
 * Windows pods are exempt, as upstream (v1.25+). A finding's value is the profile type set
 * (none for a missing profile).
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
export const seccompRuntimeDefault: Rule = {
  id: 'seccomp-runtime-default',
  title: 'Containers run under the RuntimeDefault or a Localhost seccomp profile',
  severity: 'error',
  kinds: POD_TEMPLATE_KINDS,
  overrides: ['no-unconfined-seccomp'],
  references: {
    trivy: 'KSV-0030',
    pss: 'restricted/seccompProfile_restricted',
    cis: '5.7.2',
    kubeScore: 'container-seccomp-profile',
    checkov: 'CKV_K8S_31',
  },
  remediation: 'Set securityContext.seccompProfile.type: RuntimeDefault on the pod (or Localhost with a reviewed profile).',
  check: perPod((pod, obj) => {
    if (isWindowsPod(pod)) return [];
    const found: RuleFinding[] = [];
    const podProfile = pod.spec.securityContext?.seccompProfile;
    const podConfined = isRecord(podProfile) && confined(podProfile);
    if (isRecord(podProfile) && !podConfined) {
      found.push(
        finding(
          `${pod.path}.securityContext.seccompProfile.type`,
          `pod sets seccomp profile ${quote(podProfile.type)}`,
          findingValue(podProfile.type),
        ),
      );
    }
    for (const c of eachContainer(obj, pod)) {
      const profile = c.securityContext.seccompProfile;
      if (isRecord(profile)) {
        if (!confined(profile)) {
          found.push(
            finding(
              `${c.path}.securityContext.seccompProfile.type`,
              `${c.label} sets seccomp profile ${quote(profile.type)}`,
              findingValue(profile.type),
            ),
          );
        }
      } else if (!podConfined) {
        found.push(
          finding(
            `${c.path}.securityContext.seccompProfile`,
            `${c.label} runs without a seccomp profile: neither it nor the pod sets RuntimeDefault or Localhost`,
          ),
        );
      }
    }
    return found;
  }),
  admission: (s) => {
    const windows = celWindowsPod(s);
    return [
      ...confiningProfiles(s, windows),
      {
        expression: unless(
          windows,
          `${s.containers}.all(c, ${CONTAINER_PROFILE}.hasValue() || ${podProfileType(s)}.orValue("") in ${celList(CONFINED)})` +
            ` || ${s.acceptsValueless}`,
        ),
        message: `A container runs without a seccomp profile: neither it nor the pod sets ${CONFINED.join(' or ')}.`,
      },
    ];
  },
};
