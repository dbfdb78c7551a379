import { LoadedManifest, ManifestLoadError } from './load';
import { KubeObject } from './model';
import { customResourceScopes, isClusterScoped } from './rules/network/no-default-namespace';
import { isRecord } from './walkers';

/** A namespace name as the API server accepts it (a DNS-1123 label). */
const NAMESPACE_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Why `namespace` cannot be given to `--namespace`, or `undefined`. */
export function namespaceNameProblem(namespace: string): string | undefined {
  return NAMESPACE_NAME.test(namespace)
    ? undefined
    : `'${namespace}' is not a namespace name: at most 63 lower-case letters, digits and -, starting and ending with a letter or digit`;
}

/**
 * The objects as `kubectl apply -n NAMESPACE` sends them (cli-runtime's `RequireNamespace`,
 * applied to each object once read): a namespaced object without a namespace gets `namespace`;
 * one with another namespace is refused, in kubectl's words; cluster-scoped kinds (built-in, or
 * declared Cluster by a CRD of the input or of `definitions`) are left as they are.
 *
 * @throws ManifestLoadError at the object's `file:line`
 */
export function inNamespace(manifests: readonly LoadedManifest[], namespace: string, definitions: readonly KubeObject[]): LoadedManifest[] {
  const scopes = customResourceScopes([...manifests.map((m) => m.object as KubeObject), ...definitions]);
  return manifests.map((manifest) => {
    const object = manifest.object as KubeObject;
    if (isClusterScoped(object, scopes)) return manifest;
    const metadata = isRecord(object.metadata) ? object.metadata : {};
    // The reader has dropped an empty namespace already, as kubectl does (kubectl-objects.ts).
    const own = metadata.namespace;
    if (own === undefined) return { ...manifest, object: { ...object, metadata: { ...metadata, namespace } } };
    if (own === namespace) return manifest;
    const at = manifest.origin.lastIndexOf(':');
    throw new ManifestLoadError(
      manifest.origin.slice(0, at),
      Number(manifest.origin.slice(at + 1)),
      `the namespace from the provided object "${String(own)}" does not match the namespace "${namespace}". You must pass '--namespace=${String(own)}' to perform this operation.`,
    );
  });
}
