import * as kplus from 'cdk8s-plus-27';
import { Size } from 'cdk8s';
import { Construct } from 'constructs';
import { ExceptionPolicy } from '../policy/exception-policy';
import type { HardenedContainerProps } from './hardened-container';
import { requireOwnType } from './own-type';
import { completeResources, resourcesOfSize, WorkloadSize } from './resources';

/** The container's resources: explicit ones completed from its size class, refusing missing ones without an exception. */
export function resolveResources(
  scope: Construct,
  policy: ExceptionPolicy,
  field: string,
  props: HardenedContainerProps,
): kplus.ContainerResources {
  const size = props.size ?? WorkloadSize.SMALL;
  if (!props.resources) return resourcesOfSize(size);
  requireOwnType(scope, `${field}.resources.cpu.request`, props.resources.cpu?.request, '_toCpu', 'Cpu.millis(250)');
  requireOwnType(scope, `${field}.resources.cpu.limit`, props.resources.cpu?.limit, '_toCpu', 'Cpu.millis(500)');
  const { resources, missing } = completeResources(props.resources, size);
  for (const path of missing) {
    policy.require(
      'resources-set',
      `${field}.${path}`,
      'is missing: without requests and a memory limit one pod can starve its node.',
      `Set it, or leave 'resources' out to use the size class '${size}'.`,
    );
  }
  return resources;
}

/** cdk8s-plus-27 renders ephemeral storage in whole GiB only, so it is written as Mi by patch. */
export function mebibytes(size: Size | undefined): string | undefined {
  return size === undefined ? undefined : `${size.toMebibytes()}Mi`;
}
