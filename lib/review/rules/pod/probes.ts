import { Rule } from '../../model';
import { eachContainer, finding, isRecord, LONG_RUNNING_KINDS } from '../../walkers';

function requireProbe(probe: 'readinessProbe' | 'livenessProbe', without: string) {
  return (obj: Parameters<Rule['check']>[0]) => eachContainer(obj)
    .filter((c) => c.kind === 'container' && !isRecord(c.container[probe]))
    .map((c) => finding(`${c.path}.${probe}`, `${c.label} has no ${probe}, so ${without}`));
}

/**
 * Every container of a long-running workload declares a readiness probe, so it gets no
 * traffic before it can serve. Jobs, CronJobs and bare Pods are not checked.
 *
 * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
 */
export const readinessProbe: Rule = {
  id: 'readiness-probe',
  title: 'Long-running containers declare a readiness probe',
  severity: 'error',
  kinds: LONG_RUNNING_KINDS,
  references: { kubeScore: 'pod-probes', kubeLinter: 'no-readiness-probe', polaris: 'readinessProbeMissing', checkov: 'CKV_K8S_9' },
  remediation: 'Add a readinessProbe to the container that succeeds only when it can serve requests.',
  check: requireProbe('readinessProbe', 'it receives traffic before it is ready'),
};

/**
 * Every container of a long-running workload declares a liveness probe, so a hung process
 * is restarted. Jobs, CronJobs and bare Pods are not checked.
 *
 * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
 */
export const livenessProbe: Rule = {
  id: 'liveness-probe',
  title: 'Long-running containers declare a liveness probe',
  severity: 'error',
  kinds: LONG_RUNNING_KINDS,
  references: { kubeScore: 'pod-probes', kubeLinter: 'no-liveness-probe', polaris: 'livenessProbeMissing', checkov: 'CKV_K8S_8' },
  remediation: 'Add a livenessProbe to the container that fails only when it must be restarted.',
  check: requireProbe('livenessProbe', 'a hung process is never restarted'),
};
