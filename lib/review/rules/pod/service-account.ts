import { Rule } from '../../model';
import { finding, perPod, POD_TEMPLATE_KINDS, quote } from '../../walkers';

/**
 * Pods do not mount a Kubernetes API token unless they need one: a stolen token is a
 * foothold in the API. Pods that call the API carry an exception with the reason.
 *
 * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/
 */
export const noServiceAccountToken: Rule = {
  id: 'no-service-account-token',
  title: 'Pods do not mount a service account token',
  severity: 'error',
  kinds: POD_TEMPLATE_KINDS,
  references: { cis: '5.1.6', polaris: 'automountServiceAccountToken', checkov: 'CKV_K8S_38' },
  remediation: 'Set automountServiceAccountToken: false on the pod spec; if the pod calls the Kubernetes API, add an exception that says why.',
  check: perPod((pod) => pod.spec.automountServiceAccountToken === false ? [] : [
    finding(`${pod.path}.automountServiceAccountToken`, 'pod mounts a service account token (automountServiceAccountToken is not false)'),
  ]),
};

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
    if (name !== '' && name !== 'default') return [];
    return [finding(`${pod.path}.serviceAccountName`, name === ''
      ? 'pod sets no serviceAccountName, so it runs as the namespace\'s default service account'
      : `pod runs as the service account ${quote(name)}, the namespace's default`)];
  }),
};
