/**
 * What REVIEW.md says of the cluster: which rules the generated admission policies enforce
 * (refuse or warn, by which policy) and which stay synth-time only, with why.
 */
import * as YAML from 'yaml';
import { code, table } from '../../core/markdown';
import { Rule } from '../model';
import { GeneratedPolicy, POLICY_SYNC_WAVE } from './admission-policies';

/** The folder of the output the policies are written to. */
export const ADMISSION_POLICY_FOLDER = 'admission-policies';

const VERB = { error: 'refused', warning: 'warned', info: 'audited' } as const;

/** The REVIEW.md section (`## In the cluster`) for the policies generated from `rules`. */
export function admissionMarkdown(
  rules: readonly Rule[],
  policies: readonly GeneratedPolicy[],
  bound: { readonly declared: readonly string[]; readonly exempt: readonly string[]; readonly exceptions: number },
): string {
  const policiesOf = (id: string) => policies.filter((p) => p.ruleIds.includes(id)).map((p) => p.name);
  const enforced = rules.filter((r) => policiesOf(r.id).length);
  const lines = [
    '## In the cluster',
    '',
    `${policies.length} ValidatingAdmissionPolicies in ${code(`${ADMISSION_POLICY_FOLDER}/`)} enforce ${enforced.length} of the ${rules.length} rules of this review when objects are created or updated, ` +
      `with the ${bound.exceptions} exception${bound.exceptions === 1 ? '' : 's'} this review applied written in (an annotation on an object grants nothing there). ` +
      `Apply them before the workloads (Argo CD sync wave ${POLICY_SYNC_WAVE}). Each is bound ` +
      (bound.declared.length ? `in the namespaces this output declares (${bound.declared.join(', ')}) and, by a second binding, ` : '') +
      `in every other namespace but ${bound.exempt.join(', ')} (exempt, as in the Pod Security admission configuration). ` +
      "Pods, ReplicaSets and Jobs that kube-controller-manager's controllers create from templates the policies already judged are left to Pod Security admission.",
    '',
    ...table(
      ['Rule', 'Severity', 'In the cluster'],
      rules.map((rule) => {
        const names = policiesOf(rule.id);
        const where = names.length
          ? `${VERB[rule.severity]} by ${names.join(', ')}`
          : `synth-time only: ${rule.synthTimeOnly ?? 'no admission check is written for this rule'}`;
        return [rule.id, rule.severity, where];
      }),
    ),
    '',
  ];
  return lines.join('\n');
}

/** Each policy with its bindings as the text of one YAML file, named after the policy. */
export function admissionPolicyFiles(policies: readonly GeneratedPolicy[]): { readonly file: string; readonly text: string }[] {
  return policies.map((policy) => ({
    file: `${policy.name}.yaml`,
    text: policy.objects.map((o) => YAML.stringify(o, { lineWidth: 0 })).join('---\n'),
  }));
}
