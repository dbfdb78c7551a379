import { BASELINE_CAPABILITIES } from '../../../policy/baseline-capabilities';
import { celList, celString } from '../../admission/cel';
import { AdmissionScope, Rule, RuleFinding } from '../../model';
import { ContainerView, eachContainer, finding, findingValue, isWindowsPod, list, perPod, POD_TEMPLATE_KINDS, quote } from '../../walkers';

/** The one capability the restricted level lets a container add back after dropping ALL. */
export const RESTRICTED_ADDABLE_CAPABILITY = 'NET_BIND_SERVICE';

/** A hint for the two spellings Pod Security compares literally and so refuses. */
function spellingHint(capability: string): string {
  const canonical = capability.toUpperCase().replace(/^CAP_/, '');
  return canonical !== capability && BASELINE_CAPABILITIES.includes(canonical)
    ? ` (Pod Security compares names literally: write "${canonical}")`
    : '';
}

/** CEL: every capability the containers add is `allowed` (a CEL list) or accepted by an exception. */
function admitsAddedCapabilities(s: AdmissionScope, allowed: string): string {
  return `${s.containers}.all(c, c.?securityContext.?capabilities.?add.orValue([]).all(cap, cap in ${allowed} || ${s.accepts('cap')}))`;
}

function addedCapabilities(c: ContainerView, allowed: (cap: string) => boolean, why: string): RuleFinding[] {
  return list<string>(c.securityContext.capabilities?.add).flatMap((cap, i) =>
    allowed(cap)
      ? []
      : [
          finding(
            `${c.path}.securityContext.capabilities.add[${i}]`,
            `${c.label} adds capability ${quote(cap)}, ${why}${spellingHint(String(cap))}`,
            findingValue(cap),
          ),
        ],
  );
}

/**
 * Containers may add only capabilities from the runtime's default set. A finding's value is
 * the capability as written (`NET_ADMIN`). Names are compared
 * literally, as upstream: `chown` and `CAP_CHOWN` are refused.
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
 */
export const baselineCapabilities: Rule = {
  id: 'baseline-capabilities',
  title: 'Containers add no capability beyond the runtime default set',
  severity: 'error',
  kinds: POD_TEMPLATE_KINDS,
  references: {
    trivy: ['KSV-0005', 'KSV-0022', 'KSV-0119', 'KSV-0120'],
    pss: 'baseline/capabilities_baseline',
    cis: '5.2.9',
    checkov: 'CKV_K8S_25',
  },
  remediation: `Remove every capability outside ${BASELINE_CAPABILITIES.join(', ')} from securityContext.capabilities.add.`,
  check: (obj, context) =>
    eachContainer(obj, context).flatMap((c) =>
      addedCapabilities(c, (cap) => BASELINE_CAPABILITIES.includes(cap), 'which is not in the baseline default set'),
    ),
  admission: (s) => [
    {
      expression: admitsAddedCapabilities(s, celList(BASELINE_CAPABILITIES)),
      message: 'A container adds a capability outside the baseline default set.',
    },
  ],
};

/**
 * Containers must drop ALL capabilities and may add back only NET_BIND_SERVICE. A capability
 * added has the capability as value; a missing `drop: [ALL]` has none. Replaces
 * `baseline-capabilities` when both run. Windows pods are exempt, as upstream (v1.25+).
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
export const dropAllCapabilities: Rule = {
  id: 'drop-all-capabilities',
  title: 'Containers drop ALL capabilities and add back at most NET_BIND_SERVICE',
  severity: 'error',
  kinds: POD_TEMPLATE_KINDS,
  overrides: ['baseline-capabilities'],
  references: {
    trivy: ['KSV-0003', 'KSV-0004', 'KSV-0106'],
    pss: 'restricted/capabilities_restricted',
    cis: ['5.2.8', '5.2.10'],
    kubeLinter: 'drop-net-raw-capability',
    polaris: 'insecureCapabilities',
    checkov: ['CKV_K8S_37', 'CKV_K8S_28'],
  },
  remediation:
    'Set securityContext.capabilities.drop: ["ALL"] on the container and add back only NET_BIND_SERVICE, if it binds a port below 1024.',
  check: perPod((pod, obj) => {
    if (isWindowsPod(pod)) return [];
    return eachContainer(obj, pod).flatMap((c) => {
      const drops = list<string>(c.securityContext.capabilities?.drop);
      const missingDropAll = drops.includes('ALL')
        ? []
        : [finding(`${c.path}.securityContext.capabilities.drop`, `${c.label} does not drop ALL capabilities`)];
      return [
        ...missingDropAll,
        ...addedCapabilities(c, (cap) => cap === RESTRICTED_ADDABLE_CAPABILITY, `but only ${RESTRICTED_ADDABLE_CAPABILITY} may be added`),
      ];
    });
  }),
  admission: (s) => {
    const windows = `${s.pod}.?os.?name.orValue("") == "windows"`;
    return [
      {
        expression: `${windows} || ${s.containers}.all(c, "ALL" in c.?securityContext.?capabilities.?drop.orValue([])) || ${s.acceptsValueless}`,
        message: 'A container does not drop ALL capabilities.',
      },
      {
        expression: `${windows} || ${admitsAddedCapabilities(s, `[${celString(RESTRICTED_ADDABLE_CAPABILITY)}]`)}`,
        message: `A container adds a capability other than ${RESTRICTED_ADDABLE_CAPABILITY}.`,
      },
    ];
  },
};
