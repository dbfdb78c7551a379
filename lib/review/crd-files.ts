import { CRD_API_VERSION } from './schema/crd-shapes';
import { ManifestLoadError } from './load-error';
import { loadManifests } from './manifest-files';
import { KubeObject } from './model';

/**
 * Reads the CustomResourceDefinitions in the given files and folders (`cdk8s-hardened review
 * --crd`, the plugin's `crds`) with the reader every manifest goes through. Anything else in
 * them is refused: a Deployment there would be neither reviewed nor applied, a silent gap.
 *
 * @throws ManifestLoadError for an unreadable path, invalid YAML, or an object that is not a v1 CRD.
 */
export function readCustomResourceDefinitions(paths: readonly string[]): KubeObject[] {
  return loadManifests(paths).map(({ object, origin }) => {
    if (object.apiVersion !== CRD_API_VERSION || object.kind !== 'CustomResourceDefinition') {
      const [file, line] = splitOrigin(origin);
      throw new ManifestLoadError(
        file,
        line,
        `${String(object.apiVersion)} ${String(object.kind)} is not a CustomResourceDefinition (${CRD_API_VERSION}): ` +
          'give only CRD files with --crd, and the objects to review as PATH.',
      );
    }
    return object as KubeObject;
  });
}

/** `file:line` back into its parts. */
function splitOrigin(origin: string): [string, number] {
  const colon = origin.lastIndexOf(':');
  const line = Number(origin.slice(colon + 1));
  return colon > 0 && Number.isInteger(line) ? [origin.slice(0, colon), line] : [origin, 0];
}
