import { Construct } from 'constructs';
import { HardeningError } from '../core/hardening-error';
import type { HardenedWorkloadProps } from './hardened-workload';

/**
 * What TypeScript enforces and plain JavaScript (or a binding passing nulls) does not: props,
 * at least one container, each an object with an image given as text.
 */
export function requireContainerShapes(scope: Construct, props: HardenedWorkloadProps | undefined): void {
  const example = "containers: [{ image: 'registry/app@sha256:...' }]";
  if (props === undefined || props === null || typeof props !== 'object') {
    throw new HardeningError(scope, `props are missing. Give at least ${example}.`);
  }
  if (!Array.isArray(props.containers) || props.containers.length === 0) {
    throw new HardeningError(
      scope,
      `'containers' is ${Array.isArray(props.containers) ? 'empty' : 'missing'}. Give the workload at least one container, e.g. ${example}.`,
    );
  }
  for (const field of ['containers', 'initContainers'] as const) {
    const list: unknown = props[field];
    if (list === undefined && field === 'initContainers') continue;
    if (!Array.isArray(list)) throw new HardeningError(scope, `'${field}' must be a list of containers, e.g. ${example}.`);
    list.forEach((container: unknown, i) => {
      if (container === null || typeof container !== 'object') {
        throw new HardeningError(
          scope,
          `'${field}[${i}]' must be a container (an object with an image), e.g. { image: 'registry/app@sha256:...' }.`,
        );
      }
      const image = (container as { image?: unknown }).image;
      if (typeof image !== 'string' || image === '') {
        throw new HardeningError(
          scope,
          `'${field}[${i}].image' is ${image === undefined || image === '' ? 'missing' : 'not text'}. Give the image pinned by digest, e.g. image: 'registry/app@sha256:...'.`,
        );
      }
    });
  }
}
