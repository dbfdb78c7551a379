import * as fs from 'node:fs';
import * as path from 'node:path';
import { Chart } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { HardenedApp } from '../../lib';
import { tempDir } from '../support';

/** What HardenedApp published for one chart of add-ons: the review must pass (synth throws otherwise). */
export interface Published {
  readonly objects: any[];
  readonly review: string;
}

/** Publishes the chart `name` built by `configure` with HardenedApp, pulling images from `registries` only. */
export function publishAddOn(name: string, registries: string[], configure: (chart: Chart) => void): Published {
  const outdir = tempDir(`${name}-`);
  const app = new HardenedApp({ outdir, allowedRegistries: registries, printErrors: false });
  configure(new Chart(app, name));
  app.synth();
  const yaml = fs.readFileSync(path.join(outdir, `${name}.k8s.yaml`), 'utf8');
  return { objects: parseAllDocuments(yaml).map((d) => d.toJSON()), review: fs.readFileSync(path.join(outdir, 'REVIEW.md'), 'utf8') };
}

export const named = (objects: any[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);

/** The pod specs of the workloads among `objects`, by workload name. */
export const podsOf = (objects: any[]) =>
  objects.flatMap((o) =>
    ['Deployment', 'StatefulSet', 'Job'].includes(o.kind) ? [{ name: o.metadata.name, spec: o.spec.template.spec }] : [],
  );

const EXCEPTION = 'exception.hardened.cdk8s.io/';

/** Every exception annotation of `objects`, as `Kind/name: rule`, sorted. */
export function keptExceptions(objects: any[]): string[] {
  return objects
    .flatMap((o) =>
      Object.keys(o.metadata.annotations ?? {})
        .filter((k) => k.startsWith(EXCEPTION))
        .map((k) => `${o.kind}/${o.metadata.name}: ${k.slice(EXCEPTION.length)}`),
    )
    .sort();
}

/**
 * Asserts that every pod of `objects` is restricted-compliant and pinned: non-root, RuntimeDefault
 * seccomp, ALL capabilities dropped, no privilege escalation, a memory limit, an image by digest,
 * a read-only root filesystem, and a service account token only where an exception says why.
 */
export function expectRestrictedPods(objects: any[]): void {
  for (const { name, spec } of podsOf(objects)) {
    const workload = objects.find((o) => o.metadata.name === name && o.spec?.template);
    const tokenReason = workload.metadata.annotations?.[`${EXCEPTION}no-service-account-token`];
    expect({ name, token: spec.automountServiceAccountToken }).toEqual({ name, token: tokenReason !== undefined });
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(spec.securityContext.runAsUser).toBeGreaterThanOrEqual(10000);
    for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
      expect(c.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        privileged: false,
        runAsNonRoot: true,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
      expect(c.securityContext.capabilities.add).toBeUndefined();
      expect(c.resources.limits.memory).toBeDefined();
      expect(c.image).toMatch(/@sha256:[0-9a-f]{64}$/);
    }
  }
}
