import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ExceptionPolicy } from '../policy/exception-policy';
import { HardeningError } from '../core/hardening-error';
import type { HardenedContainerProps } from './hardened-container';
import { HealthCheck } from './health-check';
import { ContainerLifecycle, LifecycleHook } from './lifecycle-hook';
import { requireOwnType } from './own-type';

/** The container's probes and lifecycle hooks for cdk8s-plus, each checked to be this library's own type. */
export function containerProbes(scope: Construct, field: string, props: HardenedContainerProps) {
  return {
    readiness: healthCheck(scope, `${field}.readiness`, props.readiness),
    liveness: healthCheck(scope, `${field}.liveness`, props.liveness),
    startup: healthCheck(scope, `${field}.startup`, props.startup),
    lifecycle: containerLifecycle(scope, `${field}.lifecycle`, props.lifecycle),
  };
}

function containerLifecycle(scope: Construct, field: string, lifecycle: ContainerLifecycle | undefined) {
  return (
    lifecycle && {
      postStart: lifecycleHook(scope, `${field}.postStart`, lifecycle.postStart),
      preStop: lifecycleHook(scope, `${field}.preStop`, lifecycle.preStop),
    }
  );
}

function healthCheck(scope: Construct, field: string, check: HealthCheck | undefined): kplus.Probe | undefined {
  return requireOwnType(scope, field, check, '_toProbe', "HealthCheck.httpGet('/ready', { port: 8080 })")?._toProbe();
}

function lifecycleHook(scope: Construct, field: string, hook: LifecycleHook | undefined): kplus.Handler | undefined {
  return requireOwnType(scope, field, hook, '_toHandler', "LifecycleHook.command(['/bin/drain'])")?._toHandler();
}

/** The probes a long-running container needs, with why and an example on the container's own port. */
function requiredProbes(port: number) {
  return [
    {
      prop: 'readiness',
      rule: 'readiness-probe',
      problem: 'is missing, so traffic reaches the pod before it can serve.',
      example: `HealthCheck.httpGet('/ready', { port: ${port} })`,
    },
    {
      prop: 'liveness',
      rule: 'liveness-probe',
      problem: 'is missing, so a hung container is never restarted.',
      example: `HealthCheck.httpGet('/healthz', { port: ${port} })`,
    },
  ] as const;
}

/** Requires readiness and liveness probes of a long-running container, unless excepted. */
export function checkProbes(
  scope: Construct,
  policy: ExceptionPolicy,
  field: string,
  props: HardenedContainerProps,
  longRunning: boolean,
): void {
  if (!longRunning) return;
  const missing = requiredProbes(props.portNumber ?? props.ports?.[0]?.number ?? 8080).filter((probe) => !props[probe.prop]);
  const refused = missing.filter((probe) => !policy.allows(probe.rule));
  if (refused.length > 1) {
    // One error for every probe missing, rather than one per run.
    throw new HardeningError(
      scope,
      `${refused.map((probe) => `'${field}.${probe.prop}': ${probe.problem}`).join(' ')} Add them, for example ${refused
        .map((probe) => `${probe.prop}: ${probe.example}`)
        .join(', ')}. If they are really not wanted, add exceptions: [${refused
        .map((probe) => `{ rule: '${probe.rule}', reason: '<why this is needed and safe>' }`)
        .join(', ')}].`,
    );
  }
  for (const probe of missing) {
    policy.require(probe.rule, `${field}.${probe.prop}`, probe.problem, `Add one, for example ${probe.example}.`);
  }
}
