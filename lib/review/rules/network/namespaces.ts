import { celString } from '../../admission/cel';
import { KubeObject, Rule, RuleFinding } from '../../model';
import { finding, POD_TEMPLATE_KINDS, podTemplateKindOf, quote } from '../../walkers';
import { namespaceFacts, NamespaceFacts } from './namespace-facts';

const ENFORCE_LABEL = 'pod-security.kubernetes.io/enforce';
const RESTRICTED = 'restricted';

/** Why a namespace enforcing `level` (`undefined`: no label) falls short of restricted; `undefined` when it does not. */
function enforcementProblem(level: unknown): string | undefined {
  if (level === RESTRICTED) return undefined;
  return level === undefined ? 'enforces no Pod Security level' : `enforces Pod Security level ${quote(String(level))}, not "restricted"`;
}

/**
 * Every namespace enforces Pod Security `restricted`, so a pod that escapes our constructs
 * (a Helm chart, a `kubectl run`) is still refused by the API server.
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-admission/
 */
export const namespacePodSecurity: Rule = {
  id: 'namespace-pod-security',
  title: 'Namespaces enforce Pod Security restricted',
  severity: 'error',
  kinds: ['Namespace'],
  references: { pss: 'restricted', cis: '5.2.1', nsa: 'Pod security: Pod Security Admission' },
  remediation: 'Label the namespace pod-security.kubernetes.io/enforce: restricted, with audit and warn at restricted too.',
  check: (obj) => {
    const problem = enforcementProblem(obj.metadata?.labels?.[ENFORCE_LABEL]);
    return problem ? [finding(`metadata.labels["${ENFORCE_LABEL}"]`, `namespace ${problem}`)] : [];
  },
  admission: (s) => [
    {
      expression: `${s.object}.metadata.?labels[?${celString(ENFORCE_LABEL)}].orValue("") == ${celString(RESTRICTED)} || ${s.acceptsValueless}`,
      message: `The namespace does not enforce Pod Security level ${RESTRICTED}.`,
    },
  ],
};

/**
 * Workloads run in a namespace that this output declares (and so hardens), never in
 * `default`, which every cluster has and nobody hardens. A namespace another output declares
 * counts when the review is given that output's platform contract (`platform.json`): there the
 * Namespace and its policies are not in this review, so the contract's facts are judged instead,
 * as `namespace-pod-security` and `namespace-default-deny` judge a Namespace of this output.
 *
 * @see https://kubernetes.io/docs/concepts/security/multi-tenancy/
 */
export const workloadNamespaceHardened: Rule = {
  id: 'workload-namespace-hardened',
  title: 'Workloads run in a namespace declared and hardened alongside them',
  severity: 'error',
  kinds: POD_TEMPLATE_KINDS,
  references: { cis: '5.7.4', checkov: ['CKV_K8S_21', 'CKV2_K8S_6'], kubeScore: 'pod-networkpolicy', kubeLinter: 'non-isolated-pod' },
  remediation:
    'Declare the namespace in the output with the Pod Security labels (enforce, audit and warn: restricted) and a default-deny NetworkPolicy, and put the workload in it; never use the default namespace.',
  synthTimeOnly:
    'Whether the namespace is declared with Pod Security labels and default-deny policies needs the Namespace and its NetworkPolicies; in the cluster, namespace-pod-security judges each Namespace and Pod Security admission enforces its level.',
  check: (obj, context) => {
    // Kind names are shared (a Knative Service, a core Service): only the workloads count.
    if (!podTemplateKindOf(obj)) return [];
    const namespace = namespaceOf(obj);
    if (namespace === 'default') {
      return [finding('metadata.namespace', 'workload runs in the "default" namespace')];
    }
    const facts = namespaceFacts(context, namespace);
    if (!facts) {
      return [
        finding(
          'metadata.namespace',
          `workload runs in namespace ${quote(namespace)}, which this output does not declare with Pod Security labels and default-deny policies` +
            (context.platform ? `, nor the platform contract ${context.platform.file}` : ''),
        ),
      ];
    }
    return facts.declaredBy === 'output' ? [] : contractedNamespaceProblems(facts, facts.declaredBy.contractFile);
  },
};

/** What the platform contract says falls short in a namespace it declares: Pod Security below restricted, a direction not denied by default. */
function contractedNamespaceProblems(facts: NamespaceFacts, file: string): RuleFinding[] {
  const where = `workload runs in namespace ${quote(facts.name)}, which the platform contract ${file} says`;
  const enforcement = enforcementProblem(facts.podSecurity.enforce);
  const open = (['ingress', 'egress'] as const).filter((direction) => !facts.defaultDeny[direction]);
  return [
    ...(enforcement ? [finding('metadata.namespace', `${where} ${enforcement}`)] : []),
    ...open.map((direction) => finding('metadata.namespace', `${where} no NetworkPolicy isolates ${direction} of all its pods`)),
  ];
}

/** The namespace of a namespaced object, `default` when it names none. */
export function namespaceOf(obj: KubeObject): string {
  return obj.metadata?.namespace || 'default';
}

/** Findings helper type re-export for the network rules. */
export type { RuleFinding };
