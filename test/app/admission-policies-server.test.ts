/**
 * The admission policies HardenedApp writes, on kube-apiserver (test/peers/api-server): the
 * reference platform (as apps/main.ts builds it) and every template's example are created
 * under their own policies and nothing is refused or warned about; the policies type-check
 * cleanly; an exception counts only where the platform's review applied it: a hand-written
 * exception annotation grants nothing, and an exception of the platform team's exceptions
 * file admits exactly its object and its values.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApiObject, Chart, YamlOutputType } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { buildReferencePlatform, REFERENCE_APP_PROPS } from '../../apps/platform';
import { HardenedApp, HardenedNamespace, PodSecurityLevel } from '../../lib';
import { TEMPLATE_EXAMPLES } from '../../templates/examples';
import { Tenant } from '../../templates';
import { API_SERVER_PEER, ApiServerReport, manifestFolder, ObjectResult, onApiServer, SERVER_TIMEOUT } from '../api-server-peer';
import { removeTempDirs, tempDir, withInstalledTool } from '../support';
import { compliantPodSpec } from '../review/admission-corpus';
import { alertSelectors, selects, seriesOf } from '../monitoring/alert-metrics';
import { PLATFORM_NAMESPACES } from './platform-namespaces';

afterAll(removeTempDirs);

const POLICIES = 'admission-policies';
const describeObject = (o: ObjectResult) =>
  `${o.kind} ${o.namespace ?? ''}/${o.name}: ${o.outcome} ${o.error ?? ''} ${o.warnings.join('; ')}`;
const byPolicy = (o: ObjectResult) => o.outcome === 'refused' && /ValidatingAdmissionPolicy '/.test(o.error ?? '');

/** The folders of `dist` with manifests: every one but the policies' (installed first) and the control plane's (files for the node). */
function manifestDirs(dist: string): string[] {
  return fs
    .readdirSync(dist, { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name !== POLICIES && e.name !== 'control-plane')
    .map((e) => path.join(dist, e.name));
}

/** The audit log shipper's DaemonSet as the platform wrote it. */
function shipperDaemonSet(dist: string): Record<string, any> {
  return parseAllDocuments(fs.readFileSync(path.join(dist, 'audit-log-shipping/DaemonSet.audit-log-shipper.k8s.yaml'), 'utf8'))[0].toJS();
}

/** The shipper's DaemonSet with its container's volume mounts changed by `change`, as an update of it. */
function writableShipper(dist: string, change: (mounts: Record<string, unknown>[]) => void): Record<string, any> {
  const daemonSet = shipperDaemonSet(dist);
  change(daemonSet.spec.template.spec.containers[0].volumeMounts);
  return daemonSet;
}

/** An object the policies refuse, to await their enforcement: a Deployment (a Pod would need its account in `default`). */
const PROBE = deployment('policy-probe', 'default', { allowPrivilegeEscalation: true });

/** Everything created without a warning, every workload's pod admitted (created as the ReplicaSet controller creates it), no type-checking warning. */
function expectAllAdmitted(report: ApiServerReport): void {
  expect(report.policies.length).toBeGreaterThan(5);
  expect(report.policies.flatMap((p) => p.typeWarnings.map((w) => `${p.name}: ${w}`))).toEqual([]);
  expect(report.objects.filter((o) => o.outcome === 'refused' || o.warnings.length > 0).map(describeObject)).toEqual([]);
  expect(report.pods.filter((p) => p.outcome !== 'created' || p.warnings.length > 0).map(describeObject)).toEqual([]);
}

withInstalledTool(API_SERVER_PEER, 'admission policies on kube-apiserver', 'scripts/install-peers.sh', () => {
  describe('the reference platform, created under its own admission policies', () => {
    let dist: string;
    let report: ApiServerReport;
    beforeAll(async () => {
      dist = path.join(tempDir('admission-platform-'), 'dist');
      const app = new HardenedApp({
        outdir: dist,
        reviewDate: '2026-11-23',
        yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE,
        ...REFERENCE_APP_PROPS,
      });
      buildReferencePlatform(app);
      app.synth();
      // Beside the platform: what its tenants must not be able to do.
      const attempts = [
        // An exception claimed by an annotation on the object: the policies never read one.
        deployment(
          'claims-exception',
          'shop',
          { allowPrivilegeEscalation: true },
          {
            'exception.hardened.cdk8s.io/no-privilege-escalation': 'the debugger needs setuid binaries, said nobody who reviewed it',
          },
        ),
        // The platform's exception for shop/database (one TCP port for both probes) does not follow the name into another namespace.
        sameProbesStatefulSet('database', 'fulfilment'),
        // Images only from the platform's registries.
        deployment('foreign-image', 'shop', { image: `quay.io/attacker/miner@sha256:${'ef'.repeat(32)}` }),
        // The audit log shipper's namespace enforces Pod Security privileged: a copy of the shipper
        // under another name (its exception annotations included) gets none of its exceptions.
        { ...shipperDaemonSet(dist), metadata: { ...shipperDaemonSet(dist).metadata, name: 'node-reader' } },
        // The shipper itself, updated to mount the audit folder writable (a root that could erase the log):
        // its exceptions accept that folder read-only only.
        writableShipper(dist, (mounts) => (mounts.find((m) => m.name === 'audit-log')!.readOnly = false)),
        writableShipper(dist, (mounts) => mounts.push({ name: 'audit-log', mountPath: '/erase' })),
      ];
      report = await onApiServer([...manifestDirs(dist), manifestFolder('attempts-', attempts)], {
        crds: true,
        policies: path.join(dist, POLICIES),
        policyProbe: PROBE,
        metrics: ['apiserver_validating_admission_policy_check_total'],
      });
    }, SERVER_TIMEOUT);

    test('admission-policies/ holds only policies and bindings, each bound in the declared namespaces and elsewhere', () => {
      const documents = fs
        .readdirSync(path.join(dist, POLICIES))
        .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(dist, POLICIES, f), 'utf8')).map((d) => d.toJS()));
      const kinds = new Set(documents.map((d) => d.kind));
      expect([...kinds].sort()).toEqual(['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding']);
      const bindings = documents.filter((d) => d.kind === 'ValidatingAdmissionPolicyBinding');
      expect(bindings.length).toBe(2 * documents.filter((d) => d.kind === 'ValidatingAdmissionPolicy').length);
      const declared = bindings.filter((b) => b.metadata.name.endsWith('.declared'));
      for (const b of declared) expect(b.spec.matchResources.namespaceSelector.matchExpressions[0].values).toEqual(PLATFORM_NAMESPACES);
    });

    test('every object of the platform is created under them without a warning, every pod admitted', () => {
      const attempt = (o: ObjectResult) =>
        o.file === 'manifests.yaml' || (o.kind === 'Pod' && o.namespace === 'fulfilment' && o.name === 'StatefulSet/database');
      // The audit log shipper's namespace enforces privileged (its reasoned exception) and warns at
      // restricted, as every HardenedNamespace does: its DaemonSet is created with that one warning.
      const shipper = (o: ObjectResult) =>
        (o.kind === 'DaemonSet' && o.namespace === 'audit-log-shipping' && o.name === 'audit-log-shipper') ||
        (o.kind === 'Pod' && o.namespace === 'audit-log-shipping' && o.name === 'DaemonSet/audit-log-shipper');
      const warning = (subject: string) =>
        new RegExp(
          `^${subject}: created +would violate PodSecurity "restricted:latest": restricted volume types \\(volume "audit-log" uses restricted volume type "hostPath"\\), runAsNonRoot != true .*, runAsUser=0 `,
        );
      expect([...report.objects, ...report.pods].filter((o) => shipper(o) && !attempt(o)).map(describeObject)).toEqual([
        expect.stringMatching(warning('DaemonSet audit-log-shipping/audit-log-shipper')),
        expect.stringMatching(warning('Pod audit-log-shipping/DaemonSet/audit-log-shipper')),
      ]);
      const platform = {
        ...report,
        objects: report.objects.filter((o) => !attempt(o) && !shipper(o)),
        pods: report.pods.filter((o) => !attempt(o) && !shipper(o)),
      };
      expectAllAdmitted(platform);
      expect(platform.objects.filter((o) => o.outcome === 'created').length).toBeGreaterThan(40);
    });

    test('an exception annotation written on the object is refused with the rule id and the fix', () => {
      const answer = report.objects.find((o) => o.name === 'claims-exception')!;
      expect(byPolicy(answer)).toBe(true);
      expect(answer.error).toMatch(/denied request: no-privilege-escalation: .* Fix: /);
    });

    test("the platform's exception for shop/database holds there only: the same StatefulSet elsewhere is warned about", () => {
      const platform = report.objects.find((o) => o.kind === 'StatefulSet' && o.namespace === 'shop' && o.name === 'database')!;
      expect([platform.outcome, platform.warnings]).toEqual(['created', []]);
      const elsewhere = report.objects.find((o) => o.kind === 'StatefulSet' && o.namespace === 'fulfilment' && o.name === 'database')!;
      expect(elsewhere.outcome).toBe('created');
      expect(elsewhere.warnings.join('\n')).toMatch(/cdk8s-hardened-long-running-workloads-warn.*: distinct-probes: /);
    });

    test("in the audit log shipper's privileged namespace the policies still refuse what its exceptions do not name", () => {
      const copy = report.objects.find((o) => o.name === 'node-reader')!;
      expect(byPolicy(copy)).toBe(true);
      expect(copy.error).toMatch(
        /denied request: (no-host-path|no-root-user|run-as-non-root|restricted-volume-types|high-user-group-ids): /,
      );
      // The shipper itself, updated to mount its audit folder writable, or a second time writable: refused.
      const updates = report.objects.filter((o) => o.kind === 'DaemonSet' && o.name === 'audit-log-shipper').slice(1);
      expect(updates.map((o) => o.outcome)).toEqual(['refused', 'refused']);
      for (const update of updates) expect(update.error).toMatch(/denied request: (no-host-path|restricted-volume-types): /);
      const control = report.controls.find((c) => c.namespace === 'audit-log-shipping')!;
      expect(byPolicy(control)).toBe(true);
      expect(control.error).toMatch(/denied request: no-privileged: /);
    });

    test("the security alert on the policies' refusals selects what this server counted for them", () => {
      const [selector] = alertSelectors('api-server').filter((s) => s.alert === 'AdmissionPolicyRefusals');
      const counted = seriesOf(report.metrics ?? []).filter((s) => s.name === selector.metric);
      expect(counted.filter((s) => selects(selector.matchers, s)).map((s) => s.labels.policy)).toContain('cdk8s-hardened-workloads-deny');
      // Warnings are counted too, under another enforcement action, and not selected.
      expect(counted.some((s) => s.labels.enforcement_action === 'warn' && !selects(selector.matchers, s))).toBe(true);
    });

    test('an image from a registry the platform does not allow is refused', () => {
      expect(report.objects.find((o) => o.name === 'foreign-image')?.error).toMatch(/denied request: image-registry-allowed: /);
    });
  });

  describe("every template's example, created under the policies its own app writes", () => {
    const reports = new Map<string, ApiServerReport>();
    beforeAll(async () => {
      const runs = TEMPLATE_EXAMPLES.map((example) => {
        const dist = path.join(tempDir('admission-template-'), 'dist');
        const app = new HardenedApp({ outdir: dist, reviewDate: '2026-11-23', admissionPolicies: true });
        example.build(new Chart(app, example.name));
        app.synth();
        return { name: example.name, dist };
      });
      // The examples share a namespace, so each gets a server of its own; two at a time.
      for (let i = 0; i < runs.length; i += 2) {
        const batch = runs.slice(i, i + 2);
        const results = await Promise.all(
          batch.map(({ dist }) =>
            onApiServer([manifestFolderOf(dist)], { crds: true, policies: path.join(dist, POLICIES), policyProbe: PROBE }),
          ),
        );
        batch.forEach(({ name }, j) => reports.set(name, results[j]));
      }
    }, 3 * SERVER_TIMEOUT);

    test.each(TEMPLATE_EXAMPLES.map((e) => e.name))('%s: created without a refusal or a warning, its pods admitted', (name) => {
      expectAllAdmitted(reports.get(name)!);
    });
  });

  describe("an exception of the platform team's exceptions file, in the cluster", () => {
    let report: ApiServerReport;
    beforeAll(async () => {
      const work = tempDir('admission-exception-');
      const exceptions = path.join(work, 'exceptions.yaml');
      const entry = (rule: string) =>
        `  - rule: ${rule}\n    kind: Deployment\n    namespace: net\n    name: vpn\n    accepts: [NET_ADMIN]\n` +
        '    reason: the VPN gateway configures its tunnel interface, which needs NET_ADMIN in its own network namespace\n';
      fs.writeFileSync(exceptions, `exceptions:\n${entry('baseline-capabilities')}${entry('drop-all-capabilities')}`);
      const dist = path.join(work, 'dist');
      const app = new HardenedApp({ outdir: dist, reviewDate: '2026-11-23', admissionPolicies: true, exceptionsFile: exceptions });
      const chart = new Chart(app, 'net');
      new Tenant(chart, 'net');
      new ApiObject(chart, 'vpn', deployment('vpn', 'net', { addCapability: 'NET_ADMIN' }));
      // A namespace at baseline, excepted by its construct: the exception of a cluster-scoped Namespace must hold in the cluster too.
      new HardenedNamespace(new Chart(app, 'legacy'), 'legacy', {
        podSecurity: PodSecurityLevel.BASELINE,
        exceptions: [{ rule: 'namespace-pod-security', reason: 'the legacy batch jobs run as root until their images are rebuilt' }],
      });
      new ApiObject(chart, 'vpn-account', {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'app', namespace: 'net' },
        automountServiceAccountToken: false,
      });
      app.synth();
      report = await onApiServer(
        [
          manifestFolderOf(dist),
          manifestFolder('variants-', [
            deployment('vpn-2', 'net', { addCapability: 'NET_ADMIN' }),
            { ...deployment('vpn', 'net', { addCapability: 'SYS_ADMIN' }), metadata: { name: 'vpn', namespace: 'net' } },
            {
              apiVersion: 'v1',
              kind: 'Namespace',
              metadata: { name: 'legacy-2', labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } },
            },
          ]),
        ],
        { crds: false, policies: path.join(dist, POLICIES), policyProbe: PROBE },
      );
    }, SERVER_TIMEOUT);

    test('admits exactly the object it names with the value it accepts', () => {
      const vpn = report.objects.filter((o) => o.kind === 'Deployment' && o.name === 'vpn');
      expect(vpn.map((o) => `${o.outcome} ${o.error ?? ''}`)).toEqual(['created ', expect.stringMatching(/^refused /)]);
      // The second vpn (SYS_ADMIN) is an update of the first: refused for the value the exception does not accept.
      expect(vpn[1].error).toMatch(/denied request: (baseline-capabilities|drop-all-capabilities): /);
      // Its pods, created by the ReplicaSet controller, are left to Pod Security admission, which the
      // namespace's restricted level still refuses them: an exception to a Pod Security rule needs a namespace level that allows it.
      expect(report.pods.find((p) => p.name === 'Deployment/vpn')?.error).toMatch(
        /violates PodSecurity "restricted:latest": unrestricted capabilities/,
      );
    });

    test("a Namespace's exception admits that Namespace, and no other at the same level", () => {
      expect(report.objects.find((o) => o.kind === 'Namespace' && o.name === 'legacy')?.outcome).toBe('created');
      expect(report.objects.find((o) => o.kind === 'Namespace' && o.name === 'legacy-2')?.error).toMatch(
        /denied request: namespace-pod-security: /,
      );
    });

    test('another object with the same value is refused', () => {
      expect(report.objects.find((o) => o.name === 'vpn-2')?.error).toMatch(
        /denied request: (baseline-capabilities|drop-all-capabilities): /,
      );
    });
  });
});

/** A compliant Deployment (as the admission corpus writes one) with one change. */
function deployment(
  name: string,
  namespace: string,
  change: {
    automountServiceAccountToken?: boolean;
    image?: string;
    addCapability?: string;
    privileged?: boolean;
    allowPrivilegeEscalation?: boolean;
  },
  annotations?: Record<string, string>,
): { apiVersion: string; kind: string; metadata: object; spec: object } {
  const spec = compliantPodSpec(name);
  if (change.automountServiceAccountToken !== undefined) spec.automountServiceAccountToken = change.automountServiceAccountToken;
  if (change.image) spec.containers[0].image = change.image;
  if (change.addCapability) spec.containers[0].securityContext.capabilities.add = [change.addCapability];
  if (change.privileged) spec.containers[0].securityContext.privileged = true;
  if (change.allowPrivilegeEscalation) spec.containers[0].securityContext.allowPrivilegeEscalation = true;
  spec.containers[0].image = change.image ?? `ghcr.io/example/${name}:1.0.0@sha256:${'ab'.repeat(32)}`;
  spec.initContainers[0].image = spec.containers[0].image;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, ...(annotations ? { annotations } : {}) },
    spec: { replicas: 2, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec } },
  };
}

/** A StatefulSet whose liveness and readiness probes are the same check (as a store with one TCP port has). */
function sameProbesStatefulSet(name: string, namespace: string) {
  const object = deployment(name, namespace, {});
  const spec = (object.spec as any).template.spec;
  const probe = { tcpSocket: { port: 8080 } };
  spec.containers[0].livenessProbe = probe;
  spec.containers[0].readinessProbe = probe;
  return { ...object, kind: 'StatefulSet', spec: { ...(object.spec as object), serviceName: name } };
}

/** The top-level manifest files of `dist` (an app without per-chart folders) as one folder for the peer. */
function manifestFolderOf(dist: string): string {
  const dir = tempDir('top-level-');
  for (const f of fs.readdirSync(dist).filter((f) => f.endsWith('.k8s.yaml')))
    fs.copyFileSync(path.join(dist, f), path.join(dir, f.replace(/\.k8s\.yaml$/, '.yaml')));
  return dir;
}
