import * as fs from 'node:fs';
import * as path from 'node:path';
import { compareText } from '../core/compare-text';
import { readVendoredRelease, VendoredSource, vendorFolder } from './vendored-release';

/** The manifests of a vendored release: its rendered chart and the YAML files beside the chart (a static install, a CRD bundle). */
export function manifestsOf(source: VendoredSource): Array<{ readonly file: string; readonly sha256: string }> {
  const beside = source.files
    .filter((f) => /\.ya?ml$/.test(f.path) && !f.path.includes('/'))
    .map((f) => ({ file: f.path, sha256: f.sha256 }));
  return [...(source.rendered ? [{ file: source.rendered.file, sha256: source.rendered.sha256 }] : []), ...beside];
}

/**
 * The CustomResourceDefinitions of every vendored release (Argo CD's, cert-manager's, External
 * Secrets', Sealed Secrets'), each file checked against its SOURCE.json and read by the review's
 * reader, sorted by name: what the API-server peer installs before custom resources of those
 * kinds, and what `object-schema` judges such resources against when the add-ons themselves
 * are not in the output.
 */
export function vendoredCustomResourceDefinitions(): Record<string, unknown>[] {
  const crds: Record<string, unknown>[] = [];
  for (const name of fs.readdirSync(vendorFolder()).sort(compareText)) {
    const sourceFile = path.join(vendorFolder(), name, 'SOURCE.json');
    if (!fs.existsSync(sourceFile)) continue;
    const source = JSON.parse(fs.readFileSync(sourceFile, 'utf8')) as VendoredSource;
    for (const { file, sha256 } of manifestsOf(source)) {
      // Checked against its SOURCE.json only: these are the upstream definitions, whatever an add-on makes of the rest.
      const release = readVendoredRelease(undefined, name, file, sha256);
      crds.push(...release.objects.filter((o) => o.kind === 'CustomResourceDefinition'));
    }
  }
  return crds.sort((a, b) => compareText(String((a.metadata as { name: string }).name), String((b.metadata as { name: string }).name)));
}
