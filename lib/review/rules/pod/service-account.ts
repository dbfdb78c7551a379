import { celString } from '../../admission/cel';
import { KubeObject, ReviewContext, Rule } from '../../model';
import { finding, perPod, POD_TEMPLATE_KINDS, PodSpecView, quote } from '../../walkers';
import { namespaceOf } from '../pod-labels';

/**
 * Pods do not mount a Kubernetes API token unless they need one: a stolen token is a
 * foothold in the API. Pods that call the API carry an exception with the reason. A pod that
 * leaves `automountServiceAccountToken` unset takes its ServiceAccount's, so one whose
 * account (in the input) sets it to false complies.
 *
 * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/
 */
export const noServiceAccountToken: Rule = {
  id: 'no-service-account-token',
  title: 'Pods do not mount a service account token',
  severity: 'error',
  kinds: POD_TEMPLATE_KINDS,
  references: { trivy: 'KSV-0036', cis: '5.1.6', polaris: 'automountServiceAccountToken', checkov: 'CKV_K8S_38' },
  remediation:
    'Set automountServiceAccountToken: false on the pod spec or its ServiceAccount; if the pod calls the Kubernetes API, add an exception that says why.',
  check: (obj, context) =>
    perPod((pod) => {
      // A projected token is mounted whatever automountServiceAccountToken says (found by an attacker's review, #20).
      const projected = projectedTokens(pod);
      const own = pod.spec.automountServiceAccountToken;
      if (own === false) return projected;
      // A pod that says nothing inherits its ServiceAccount's setting, when the account is in the input.
      const account = own === undefined ? serviceAccountOf(context, namespaceOf(obj), accountName(pod)) : undefined;
      if (account?.automountServiceAccountToken === false) return [];
      return [
        ...projected,
        finding(
          `${pod.path}.automountServiceAccountToken`,
          own === true
            ? 'pod mounts a service account token (automountServiceAccountToken: true)'
            : `pod mounts a service account token (automountServiceAccountToken is not false, nor on its ServiceAccount ${quote(accountName(pod))}${account ? '' : ', which is not in this input'})`,
        ),
      ];
    })(obj),
  synthTimeOnly:
    "A pod that leaves automountServiceAccountToken unset takes its ServiceAccount's setting, an object the admission policy cannot read.",
};

/** A finding for each projected volume source that mounts a service account token. */
function projectedTokens(pod: PodSpecView) {
  const volumes = Array.isArray(pod.spec.volumes) ? (pod.spec.volumes as Array<Record<string, unknown>>) : [];
  return volumes.flatMap((volume, v) => {
    const sources = (volume?.projected as { sources?: unknown } | undefined)?.sources;
    return (Array.isArray(sources) ? sources : []).flatMap((source: Record<string, unknown> | null, s: number) =>
      source && typeof source === 'object' && source.serviceAccountToken !== undefined
        ? [
            finding(
              `${pod.path}.volumes[${v}].projected.sources[${s}].serviceAccountToken`,
              `pod mounts a service account token through the projected volume ${quote(String(volume.name))}`,
            ),
          ]
        : [],
    );
  });
}

/** The account the API server gives a pod that names none, which every namespace has. */
const DEFAULT_ACCOUNT = 'default';

/** The service account a pod runs as: the API server copies the deprecated serviceAccount into serviceAccountName when the latter is empty. */
function accountName(pod: PodSpecView): string {
  return pod.spec.serviceAccountName || pod.spec.serviceAccount || DEFAULT_ACCOUNT;
}

function serviceAccountOf(context: ReviewContext, namespace: string, name: string): KubeObject | undefined {
  return context
    .byKind('ServiceAccount')
    .find((sa) => sa.apiVersion === 'v1' && namespaceOf(sa) === namespace && sa.metadata?.name === name);
}

/**
 * Pods run under a service account of their own, so permissions granted for one workload
 * do not leak to every pod of the namespace.
 *
 * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/
 */
export const noDefaultServiceAccount: Rule = {
  id: 'no-default-service-account',
  title: 'Pods use a dedicated service account',
  severity: 'error',
  kinds: POD_TEMPLATE_KINDS,
  references: { cis: '5.1.5', kubeLinter: 'default-service-account' },
  remediation: 'Create a ServiceAccount for the workload and set serviceAccountName to it.',
  check: perPod((pod) => {
    // The API server copies the deprecated serviceAccount into serviceAccountName when the latter is empty.
    const name = pod.spec.serviceAccountName || pod.spec.serviceAccount || '';
    if (name !== '' && name !== DEFAULT_ACCOUNT) return [];
    return [
      finding(
        `${pod.path}.serviceAccountName`,
        name === ''
          ? "pod sets no serviceAccountName, so it runs as the namespace's default service account"
          : `pod runs as the service account ${quote(name)}, the namespace's default`,
      ),
    ];
  }),
  // The API server has copied serviceAccount into an empty serviceAccountName before admission.
  admission: (s) => [
    {
      expression: `!(${s.pod}.?serviceAccountName.orValue("") in ["", ${celString(DEFAULT_ACCOUNT)}]) || ${s.acceptsValueless}`,
      message: "The pod runs as the namespace's default service account.",
    },
  ],
};
