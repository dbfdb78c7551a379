import * as path from 'node:path';
import { LoadedManifest } from './load';
import { ObjectRef, ReviewResult } from './model';
import { fileLocationOf } from './origin';
import { AcceptedException, TrivyIgnore, trivyIgnoreEntries, TrivySubject } from '../policy/trivy-ignore';

/** One object: its origin and identity (the objects of a List, or of one line of JSON, share an origin). */
const keyOf = (origin: string, kind: unknown, namespace: unknown, name: unknown) =>
  [origin, String(kind), String(namespace ?? ''), String(name ?? '')].join('\u0000');
const keyOfRef = (origin: string, ref: ObjectRef) => keyOf(origin, ref.kind, ref.namespace, ref.name);

/**
 * Trivy's ignore file for the objects of `manifests`, read from `folder` and reviewed into
 * `result` (lib/policy/trivy-ignore.ts): each object skips the Trivy checks of the exceptions
 * the review applied to it, unless a finding of the same rule stays open there, and, with
 * `trustAnnotations`, the object skips its annotation names. Paths are relative to `folder`,
 * as Trivy names the files it scans there.
 */
export function trivyIgnoreFor(
  folder: string,
  manifests: readonly LoadedManifest[],
  result: ReviewResult,
  trustAnnotations: boolean,
): TrivyIgnore {
  const accepted = new Map<string, AcceptedException[]>();
  for (const e of result.exceptions.filter((x) => x.status === 'applied')) {
    const key = keyOfRef(e.origin, e.object);
    accepted.set(key, [...(accepted.get(key) ?? []), { rule: e.ruleId, reason: e.reason, ...(e.expires ? { expires: e.expires } : {}) }]);
  }
  const open = new Map<string, Set<string>>();
  for (const f of result.findings.filter((x) => !x.exception)) {
    const key = keyOfRef(f.origin, f.object);
    open.set(key, (open.get(key) ?? new Set<string>()).add(f.ruleId));
  }
  const files = new Map<string, TrivySubject[]>();
  for (const m of manifests) {
    // Read from files under `folder`, every origin is `file:line`.
    const file = path.relative(folder, fileLocationOf(m.origin)!.file).split(path.sep).join('/');
    const metadata = (m.object.metadata ?? {}) as { annotations?: Record<string, unknown>; namespace?: unknown; name?: unknown };
    const key = keyOf(m.origin, m.object.kind, metadata.namespace, metadata.name);
    const subject: TrivySubject = {
      kind: String(m.object.kind),
      annotations: metadata.annotations,
      accepted: accepted.get(key) ?? [],
      openRules: open.get(key) ?? new Set(),
      trustAnnotations,
    };
    files.set(file, [...(files.get(file) ?? []), subject]);
  }
  return trivyIgnoreEntries(files);
}
