import { Finding, ReviewResult } from './model';
import { isConstructOrigin } from './origin';

/**
 * Fixes worded for the input. A rule's `remediation` names the YAML fields, so it fits any
 * manifest (Helm output, hand-written YAML, our own `dist/`). For objects our constructs
 * wrote, the synth gate adds the sentence below, which names the construct or method that
 * does it: advice that would mislead on someone else's YAML.
 */

const CIS_TABLE_HINT = 'controlPlaneHardening() writes a kubeadm-config.yaml that meets every row of the CIS settings table in REVIEW.md.';

/** The sentence the synth gate adds to a rule's fix on objects of the app's own constructs, by rule id. */
export const CONSTRUCT_HINTS: Readonly<Record<string, string>> = {
  'namespace-default-deny': 'HardenedNamespace adds this policy; declare each flow with allowFrom and allowTo on the workloads.',
  'namespace-pod-security': 'HardenedNamespace sets these labels.',
  'workload-namespace-hardened': 'HardenedNamespace declares such a namespace: create the workload inside it.',
  'no-default-namespace':
    "cdk8s takes an object's namespace from its Chart, not from an enclosing HardenedNamespace: create the object in a Chart with that namespace, e.g. new Chart(app, 'shop-config', { namespace: 'shop' }).",
  'secret-as-file': 'On a hardened container, secretMounts mounts the Secret this way.',
  'admission-pod-security-restricted': 'admissionConfiguration() writes this configuration.',
  'admission-exemptions-system-only': 'Give each exemption its reason in admissionConfiguration().',
  'audit-sensitive-metadata-only': 'auditPolicy() writes such a rule.',
  'audit-high-risk-recorded': 'auditPolicy() writes such a policy.',
  'authentication-anonymous-health-only': 'authenticationConfiguration() writes this.',
  'encryption-key-not-in-manifests':
    'For a local key, writeEncryptionConfiguration() writes the file to a folder outside the project; copy it to the control plane nodes.',
  'cluster-apiserver-settings': CIS_TABLE_HINT,
  'cluster-controller-manager-settings': CIS_TABLE_HINT,
  'cluster-scheduler-settings': CIS_TABLE_HINT,
  'cluster-etcd-settings': CIS_TABLE_HINT,
  'cluster-kubelet-settings': CIS_TABLE_HINT,
};

/** The fix for objects of the app's own constructs: the YAML fix, then the construct's sentence when the rule has one. */
export function constructRemediation(ruleId: string, yamlRemediation: string): string {
  const hint = CONSTRUCT_HINTS[ruleId];
  return hint === undefined ? yamlRemediation : `${yamlRemediation} ${hint}`;
}

/**
 * The result with construct-worded fixes on the findings whose origin is a construct path
 * (objects the app's constructs wrote); findings on files keep the YAML wording. For the
 * synth gate only: the command line and the plugin judge YAML someone else wrote.
 */
export function withConstructFixes(result: ReviewResult): ReviewResult {
  const reword = (finding: Finding): Finding =>
    isConstructOrigin(finding.origin) ? { ...finding, remediation: constructRemediation(finding.ruleId, finding.remediation) } : finding;
  return { ...result, findings: result.findings.map(reword) };
}
