import { ApiObject, JsonPatch } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { HardenedContainerSpec } from './hardened-container';

/**
 * Writes the container settings cdk8s-plus-27 cannot express. Patched resource quantities
 * are `k8s.Quantity` objects because the typed `toJson` of the k8s imports reads patched
 * values through its converters (a plain string would be dropped to null).
 */
export function patchContainer(api: ApiObject, path: string, container: HardenedContainerSpec): void {
  api.addJsonPatch(JsonPatch.add(`${path}/securityContext/capabilities`, container.capabilities));
  const resources = container.props.resources;
  const has = {
    requests: resources?.cpu?.request !== undefined || resources?.memory?.request !== undefined,
    limits: resources?.cpu?.limit !== undefined || resources?.memory?.limit !== undefined,
  };
  const storage = container.ephemeralStorage;
  if (!has.requests && !has.limits && (storage.request || storage.limit)) {
    api.addJsonPatch(JsonPatch.add(`${path}/resources`, {}));
  }
  for (const [kind, value] of [
    ['requests', storage.request],
    ['limits', storage.limit],
  ] as const) {
    if (value === undefined) continue;
    api.addJsonPatch(
      has[kind]
        ? JsonPatch.add(`${path}/resources/${kind}/ephemeral-storage`, k8s.Quantity.fromString(value))
        : JsonPatch.add(`${path}/resources/${kind}`, { 'ephemeral-storage': k8s.Quantity.fromString(value) }),
    );
  }
}
