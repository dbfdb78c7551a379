import { celList, celString } from '../../admission/cel';
import { Rule, RuleFinding } from '../../model';
import { eachContainer, finding, findingValue, isRecord, perPod, POD_TEMPLATE_KINDS, quote } from '../../walkers';
import { SecurityProfile } from '../../pod-spec';
import { celProfileTypeAdmitted } from './pod-admission';

/** The deprecated per-container annotation, still honoured by Pod Security. */
export const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

const ALLOWED_TYPES = ['RuntimeDefault', 'Localhost'];
/** The annotation values allowed as they are, and the prefix of a named local profile (`localhost/<profile>`). */
const ALLOWED_ANNOTATION_VALUES = ['', 'runtime/default'];
const LOCAL_PROFILE_PREFIX = 'localhost/';
/** The annotation value that disables AppArmor, and the profile type the fields write for it. */
const UNCONFINED = { annotation: 'unconfined', type: 'Unconfined' };

/**
 * An annotation finding's value: the profile type it sets where it disables AppArmor
 * (`unconfined` is `Unconfined`), else the value as written. The API server copies a Pod's
 * annotations to its fields and back, so admission sees both: one exception value covers both.
 */
function annotationValue(value: unknown): string | undefined {
  return value === UNCONFINED.annotation ? UNCONFINED.type : findingValue(value);
}

function allowedAnnotation(value: unknown): boolean {
  return ALLOWED_ANNOTATION_VALUES.includes(value as string) || (typeof value === 'string' && value.startsWith(LOCAL_PROFILE_PREFIX));
}

function badProfile(profile: SecurityProfile | undefined): boolean {
  return isRecord(profile) && !ALLOWED_TYPES.includes(profile.type as string);
}

/**
 * The AppArmor profile must stay the runtime default or a named local profile, in the
 * `appArmorProfile` fields (pod and containers) and in the deprecated annotations, as upstream.
 * A finding's value is the profile type set (`Unconfined`), by a field or by an annotation
 * (`unconfined`); another annotation value as written.
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
 */
export const noAppArmorUnconfined: Rule = {
  id: 'no-apparmor-unconfined',
  title: 'AppArmor is not disabled or overridden',
  severity: 'error',
  kinds: POD_TEMPLATE_KINDS,
  references: { pss: 'baseline/appArmorProfile', trivy: 'KSV-0002' },
  remediation:
    'Remove the AppArmor override, or set appArmorProfile.type to RuntimeDefault or Localhost (annotation values runtime/default or localhost/<profile>).',
  check: perPod((pod, obj) => {
    const found: RuleFinding[] = [];
    const podProfile = pod.spec.securityContext?.appArmorProfile;
    if (badProfile(podProfile)) {
      found.push(
        finding(
          `${pod.path}.securityContext.appArmorProfile.type`,
          `pod sets AppArmor profile type ${quote(podProfile?.type)} for all its containers`,
          findingValue(podProfile?.type),
        ),
      );
    }
    for (const c of eachContainer(obj, pod)) {
      if (badProfile(c.securityContext.appArmorProfile)) {
        found.push(
          finding(
            `${c.path}.securityContext.appArmorProfile.type`,
            `${c.label} sets AppArmor profile type ${quote(c.securityContext.appArmorProfile?.type)}`,
            findingValue(c.securityContext.appArmorProfile?.type),
          ),
        );
      }
    }
    for (const [key, value] of Object.entries(isRecord(pod.metadata.annotations) ? pod.metadata.annotations : {})) {
      if (key.startsWith(APPARMOR_ANNOTATION_PREFIX) && !allowedAnnotation(value)) {
        const container = key.slice(APPARMOR_ANNOTATION_PREFIX.length);
        found.push(
          finding(
            `${pod.metadataPath}.annotations[${quote(key)}]`,
            `container ${quote(container)} has AppArmor annotation ${quote(value)}`,
            annotationValue(value),
          ),
        );
      }
    }
    return found;
  }),
  admission: (s) => {
    const types = ALLOWED_TYPES.join(' or ');
    const annotations = `${s.podMetadata}.?annotations.orValue({})`;
    const value = `${annotations}[key]`;
    return [
      {
        expression: celProfileTypeAdmitted(s, `${s.pod}.?securityContext.?appArmorProfile.?type`, ALLOWED_TYPES),
        message: `The pod sets an AppArmor profile type other than ${types}.`,
      },
      {
        expression: `${s.containers}.all(c, ${celProfileTypeAdmitted(s, 'c.?securityContext.?appArmorProfile.?type', ALLOWED_TYPES)})`,
        message: `A container sets an AppArmor profile type other than ${types}.`,
      },
      {
        expression:
          `${annotations}.all(key, !key.startsWith(${celString(APPARMOR_ANNOTATION_PREFIX)})` +
          ` || ${value} in ${celList(ALLOWED_ANNOTATION_VALUES)} || ${value}.startsWith(${celString(LOCAL_PROFILE_PREFIX)})` +
          ` || ${s.accepts(`(${value} == ${celString(UNCONFINED.annotation)} ? ${celString(UNCONFINED.type)} : ${value})`)})`,
        message: `An AppArmor annotation sets a profile other than ${ALLOWED_ANNOTATION_VALUES.filter((v) => v).join(', ')} or ${LOCAL_PROFILE_PREFIX}<profile>.`,
      },
    ];
  },
};
