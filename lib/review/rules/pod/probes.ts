import { celString } from '../../admission/cel';
import { AdmissionScope, AdmissionValidation, KubeObject, ReviewContext, Rule } from '../../model';
import { eachContainer, finding, isRecord, LONG_RUNNING_KINDS } from '../../walkers';

function requireProbe(probe: 'readinessProbe' | 'livenessProbe', without: string) {
  return (obj: KubeObject, context: ReviewContext) =>
    eachContainer(obj, context)
      .filter((c) => c.pod.longRunning && c.kind === 'container' && !isRecord(c.container[probe]))
      .map((c) => finding(`${c.path}.${probe}`, `${c.label} has no ${probe}, so ${without}`));
}

/** CEL: every container (not init container) of the pod declares `probe`. */
function requireProbeAdmission(probe: 'readinessProbe' | 'livenessProbe') {
  return (s: AdmissionScope): readonly AdmissionValidation[] => [
    {
      expression: `${s.pod}.containers.all(c, has(c.${probe})) || ${s.acceptsValueless}`,
      message: `A container has no ${probe}.`,
    },
  ];
}

/**
 * Every container of a long-running workload declares a readiness probe, so it gets no
 * traffic before it can serve. Jobs, CronJobs, bare Pods and other run-to-completion kinds
 * (`longRunning: false` in `POD_TEMPLATE_LOCATIONS`) are not checked.
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
  admission: requireProbeAdmission('readinessProbe'),
};

/**
 * Every container of a long-running workload declares a liveness probe, so a hung process
 * is restarted. Jobs, CronJobs, bare Pods and other run-to-completion kinds are not checked.
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
  admission: requireProbeAdmission('livenessProbe'),
};

/** A port written as a string that kube-score reads as a number. */
const NUMERIC_PORT = /^\d+$/;

/** A probe port as kube-score reads it (`IntValue`): a number, a numeric string, or 0 for a named port. */
function portNumber(port: unknown): number {
  if (typeof port === 'number') return port;
  return typeof port === 'string' && NUMERIC_PORT.test(port) ? Number(port) : 0;
}

/** CEL of `portNumber` for `port` (an int or a string). */
function celPortNumber(port: string): string {
  return `(type(${port}) == int ? ${port} : (string(${port}).matches(${celString(NUMERIC_PORT.source)}) ? int(string(${port})) : 0))`;
}

/** The path the API server sets on an HTTP probe that names none (and the kubelet requests). */
const DEFAULT_PROBE_PATH = '/';

/**
 * Whether two probes check the same thing, exactly as kube-score's `pod-probes-identical`
 * compares them: the same HTTP path and port, the same TCP port, or the same command.
 * Timings do not count.
 */
export function sameProbe(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  if (isRecord(a.httpGet) && isRecord(b.httpGet)) {
    return (
      (a.httpGet.path || DEFAULT_PROBE_PATH) === (b.httpGet.path || DEFAULT_PROBE_PATH) &&
      portNumber(a.httpGet.port) === portNumber(b.httpGet.port)
    );
  }
  if (isRecord(a.tcpSocket) && isRecord(b.tcpSocket)) return a.tcpSocket.port === b.tcpSocket.port;
  if (isRecord(a.exec) && isRecord(b.exec)) {
    const [x, y] = [a.exec.command, b.exec.command].map((c) => (Array.isArray(c) ? c : []));
    return x.length === y.length && x.every((part, i) => part === y[i]);
  }
  return false;
}

/** CEL of `sameProbe` for the probes `a` and `b`. */
function celSameProbe(a: string, b: string): string {
  const path = (p: string) => `${p}.httpGet.?path.orValue(${celString(DEFAULT_PROBE_PATH)})`;
  return (
    `(has(${a}.httpGet) && has(${b}.httpGet) ? ${path(a)} == ${path(b)} && ${celPortNumber(`${a}.httpGet.port`)} == ${celPortNumber(`${b}.httpGet.port`)}` +
    ` : has(${a}.tcpSocket) && has(${b}.tcpSocket) ? ${a}.tcpSocket.port == ${b}.tcpSocket.port` +
    ` : has(${a}.exec) && has(${b}.exec) && ${a}.exec.?command.orValue([]) == ${b}.exec.?command.orValue([]))`
  );
}

/**
 * A container's readiness and liveness probes check different things. With the same check,
 * a pod that is only overloaded fails both: it leaves the Service and is restarted too, which
 * turns a slow moment into an outage. Liveness should ask "is the process stuck?", readiness
 * "can it serve now?".
 *
 * @see https://github.com/zegl/kube-score/blob/master/README_PROBES.md
 */
export const distinctProbes: Rule = {
  id: 'distinct-probes',
  title: 'Readiness and liveness probes check different things',
  severity: 'warning',
  kinds: LONG_RUNNING_KINDS,
  references: { kubeScore: 'pod-probes-identical' },
  remediation:
    'Point the liveness probe at a cheap "process is alive" check (for example /healthz) and the readiness probe at "can serve" (for example /ready); for a store with one TCP port, use a command (such as pg_isready) for one of them.',
  check: (obj, context) =>
    eachContainer(obj, context)
      .filter(
        (c) =>
          c.pod.longRunning &&
          c.kind !== 'ephemeralContainer' &&
          isRecord(c.container.readinessProbe) &&
          isRecord(c.container.livenessProbe),
      )
      .filter((c) => sameProbe(c.container.readinessProbe as Record<string, unknown>, c.container.livenessProbe as Record<string, unknown>))
      .map((c) =>
        finding(
          `${c.path}.livenessProbe`,
          `${c.label} has the same readiness and liveness probe, so an overloaded pod is restarted instead of just taken out of rotation`,
        ),
      ),
  admission: (s) => [
    {
      expression: `${s.containers}.all(c, !has(c.readinessProbe) || !has(c.livenessProbe) || !${celSameProbe('c.readinessProbe', 'c.livenessProbe')}) || ${s.acceptsValueless}`,
      message: 'A container has the same readiness and liveness probe.',
    },
  ],
};
