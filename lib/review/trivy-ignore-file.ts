import * as path from 'node:path';
import { LoadedManifest } from './load';
import { ReviewResult } from './model';
import { AcceptedException, trivyIgnoreEntries, trivyIgnoreYaml, TrivySubject } from '../policy/trivy-ignore';

/** `file:line` → `file`. */
const fileOf = (origin: string) => origin.slice(0, origin.lastIndexOf(':'));

/**
 * Trivy's ignore file for the objects of `manifests`, read from `folder` and reviewed into
 * `result` (lib/policy/trivy-ignore.ts): each object skips the Trivy checks of the exceptions
 * the review applied to it, and, with `trustAnnotations`, the object skips its annotation names.
 * Paths are relative to `folder`, as Trivy names the files it scans there.
 */
export function trivyIgnoreText(
  folder: string,
  manifests: readonly LoadedManifest[],
  result: ReviewResult,
  trustAnnotations: boolean,
): string {
  const accepted = new Map<string, AcceptedException[]>();
  for (const e of result.exceptions.filter((x) => x.status === 'applied')) {
    accepted.set(e.origin, [
      ...(accepted.get(e.origin) ?? []),
      { rule: e.ruleId, reason: e.reason, ...(e.expires ? { expires: e.expires } : {}) },
    ]);
  }
  const files = new Map<string, TrivySubject[]>();
  for (const m of manifests) {
    const file = path.relative(folder, fileOf(m.origin)).split(path.sep).join('/');
    const metadata = (m.object.metadata ?? {}) as { annotations?: Record<string, unknown> };
    const subject: TrivySubject = {
      kind: String(m.object.kind),
      annotations: metadata.annotations,
      accepted: accepted.get(m.origin) ?? [],
      trustAnnotations,
    };
    files.set(file, [...(files.get(file) ?? []), subject]);
  }
  return trivyIgnoreYaml(trivyIgnoreEntries(files));
}
