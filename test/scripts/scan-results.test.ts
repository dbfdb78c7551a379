import * as fs from 'node:fs';
import * as path from 'node:path';
import { KubeObject } from '../../lib/review/model';
import {
  formatReport,
  judgeCheckov,
  judgeKubeLinter,
  judgeKubeScore,
  judgePolaris,
  judgeTrivy,
  ScannedObjects,
  TrivyLocator,
} from '../../scripts/scan-results';

const reason = 'the vendor agent rewrites its config at start; tracked in SEC-142';
const agent: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'agent',
    namespace: 'legacy',
    annotations: {
      'exception.hardened.cdk8s.io/read-only-root-filesystem': `${reason} (expires 2027-03-31)`,
      'kube-score/ignore': 'container-security-context-readonlyrootfilesystem',
      'ignore-check.kube-linter.io/no-read-only-root-fs': `${reason} (expires 2027-03-31)`,
      'polaris.fairwinds.com/notReadOnlyRootFilesystem-exempt': 'true',
    },
  },
};
const web: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'legacy' } };
const ns: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'legacy' } };
const objects = new ScannedObjects([ns, agent, web]);
const ours = `our exception to read-only-root-filesystem: ${reason} (expires 2027-03-31)`;

describe('Checkov', () => {
  const output = {
    check_type: 'kubernetes',
    summary: { passed: 40, failed: 1, skipped: 1, resource_count: 3, checkov_version: '3.3.30' },
    results: {
      failed_checks: [
        { check_id: 'CKV_K8S_43', check_name: 'Image should use digest', resource: 'Deployment.legacy.web', file_path: '/x.yaml' },
      ],
      skipped_checks: [
        { check_id: 'CKV_K8S_22', resource: 'Deployment.legacy.agent', check_result: { result: 'SKIPPED', suppress_comment: reason } },
      ],
    },
  };

  test('a failure counts, with the rule of ours it maps to; a skip shows our exception', () => {
    const report = judgeCheckov(output, '?', objects);
    expect(report).toMatchObject({ version: '3.3.30', objects: 3 });
    expect(report.failures).toEqual([{ check: 'CKV_K8S_43', object: 'Deployment legacy/web', text: 'Image should use digest (/x.yaml)' }]);
    expect(report.skips).toEqual([{ check: 'CKV_K8S_22', object: 'Deployment legacy/agent', text: ours }]);
    expect(formatReport(report, 'dist')).toEqual([
      'checkov 3.3.30 on dist: 3 objects scanned, 1 failures, 1 skips',
      '  FAIL CKV_K8S_43 on Deployment legacy/web: Image should use digest (/x.yaml) (our rule: image-digest)',
      `  skip CKV_K8S_22 on Deployment legacy/agent: ${ours}`,
    ]);
  });

  test('a list of frameworks is read too', () => {
    expect(judgeCheckov([output], '?', objects).failures).toHaveLength(1);
  });
});

describe('kube-score', () => {
  const check = (id: string, grade: number, skipped: boolean, summary?: string, optional = false) => ({
    check: { id, optional },
    grade,
    skipped,
    comments: summary ? [{ path: 'main', summary }] : null,
  });
  const output = [
    {
      type_meta: { kind: 'Deployment' },
      object_meta: { name: 'agent', namespace: 'legacy' },
      checks: [
        check(
          'container-security-context-readonlyrootfilesystem',
          1,
          true,
          'Skipped because container-security-context-readonlyrootfilesystem is ignored',
        ),
        check('container-cpu-requests-equal-limits', 1, true, 'Skipped because container-cpu-requests-equal-limits is ignored', true),
        check('container-ports-check', 10, true, 'Skipped because container-ports-check is ignored', true),
        check('pod-probes', 10, true, 'The pod is not targeted by a service, skipping probe checks.'),
      ],
    },
    {
      type_meta: { kind: 'Deployment' },
      object_meta: { name: 'web', namespace: 'legacy' },
      checks: [
        check('deployment-has-host-podantiaffinity', 5, false, 'Deployment does not have a host podAntiAffinity set'),
        check('container-image-tag', 7, false),
        check('label-values', 10, false),
      ],
    },
  ];

  test('warnings and criticals fail; skips say whose; optional checks left off and not-applicable ones are not listed', () => {
    const report = judgeKubeScore(output, 'v1.20.0', objects, ['container-seccomp-profile']);
    expect(report.objects).toBe(2);
    expect(report.notJudged).toEqual({ Namespace: 1 });
    expect(report.failures).toEqual([
      {
        check: 'deployment-has-host-podantiaffinity',
        object: 'Deployment legacy/web',
        text: 'WARNING main: Deployment does not have a host podAntiAffinity set',
      },
    ]);
    expect(report.skips).toEqual([
      { check: 'container-security-context-readonlyrootfilesystem', object: 'Deployment legacy/agent', text: ours },
      {
        check: 'pod-probes',
        object: 'Deployment legacy/agent',
        text: 'kube-score: main: The pod is not targeted by a service, skipping probe checks.',
      },
    ]);
    expect(formatReport(report, 'dist')[1]).toBe(
      '  FAIL deployment-has-host-podantiaffinity on Deployment legacy/web: WARNING main: Deployment does not have a host podAntiAffinity set (our rule: pod-anti-affinity)',
    );
    expect(report.off.map((o) => o.check)).toContain('container-cpu-requests-equal-limits');
  });
});

describe('kube-linter and Polaris (shapes of their 0.8.3 and 10.2.2 output)', () => {
  test('kube-linter: each report is a failure; the skips are the ones our exceptions wrote', () => {
    const report = judgeKubeLinter(
      {
        Reports: [
          {
            Check: 'no-anti-affinity',
            Diagnostic: { Message: 'object has 2 replicas but does not specify inter pod anti-affinity' },
            Object: {
              K8sObject: { Namespace: 'legacy', Name: 'web', GroupVersionKind: { Group: 'apps', Version: 'v1', Kind: 'Deployment' } },
            },
          },
        ],
      },
      '0.8.3',
      objects,
    );
    expect(report.failures).toEqual([
      {
        check: 'no-anti-affinity',
        object: 'Deployment legacy/web',
        text: 'object has 2 replicas but does not specify inter pod anti-affinity',
      },
    ]);
    expect(report.skips).toEqual([{ check: 'no-read-only-root-fs', object: 'Deployment legacy/agent', text: ours }]);
  });

  test('Polaris: an unsuccessful warning or danger fails, unless the check does not apply', () => {
    const report = judgePolaris(
      {
        Results: [
          {
            Name: 'web',
            Namespace: 'legacy',
            Kind: 'Deployment',
            Results: { missingPodDisruptionBudget: { Success: false, Severity: 'warning', Message: 'Should have a PodDisruptionBudget' } },
            PodResult: {
              Results: { priorityClassNotSet: { Success: false, Severity: 'warning', Message: 'Priority class should be set' } },
              ContainerResults: [
                {
                  Name: 'main',
                  Results: {
                    cpuLimitsMissing: { Success: true, Severity: 'warning' },
                    tagNotSpecified: { Success: false, Severity: 'ignore' },
                  },
                },
              ],
            },
          },
        ],
      },
      '10.2.2',
      objects,
    );
    expect(report.failures).toEqual([
      { check: 'missingPodDisruptionBudget', object: 'Deployment legacy/web', text: 'warning Should have a PodDisruptionBudget' },
    ]);
    expect(report.skips).toEqual([{ check: 'notReadOnlyRootFilesystem', object: 'Deployment legacy/agent', text: ours }]);
  });
});

describe('findings on a binding, judged through the role it binds', () => {
  const roleReason = 'the operator reads the credentials its stores name, in its own namespace';
  const role = (name: string, annotations?: Record<string, string>): KubeObject => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name, namespace: 'ops', annotations },
  });
  const binding = (name: string): KubeObject => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name, namespace: 'ops' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
  });
  const rbac = new ScannedObjects([
    role('operator', { 'exception.hardened.cdk8s.io/rbac-namespace-escalation-powers': `${roleReason} (accepts read%20secrets)` }),
    binding('operator'),
    role('intruder'),
    binding('intruder'),
  ]);
  const report = (name: string) => ({
    Check: 'access-to-secrets',
    Diagnostic: { Message: `binding to "${name}" role that has [get] access to [secrets]` },
    Object: {
      K8sObject: {
        Namespace: 'ops',
        Name: name,
        GroupVersionKind: { Group: 'rbac.authorization.k8s.io', Version: 'v1', Kind: 'RoleBinding' },
      },
    },
  });

  test('kube-linter: accepted where the bound role carries our exception, with its reason; a failure where it does not', () => {
    const result = judgeKubeLinter({ Reports: [report('operator'), report('intruder')] }, '0.8.3', rbac);
    expect(result.failures.map((f) => f.object)).toEqual(['RoleBinding ops/intruder']);
    expect(result.skips).toEqual([
      {
        check: 'access-to-secrets',
        object: 'RoleBinding ops/operator',
        text: `our exception to rbac-namespace-escalation-powers on Role ops/operator: ${roleReason}`,
      },
    ]);
  });

  test('Polaris: the same for clusterrolebindingPodExecAttach, and a check not reported on bindings is never accepted that way', () => {
    const clusterRole: KubeObject = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: {
        name: 'debugger',
        annotations: { 'exception.hardened.cdk8s.io/rbac-no-exec-attach-portforward': 'on-call debugging, SEC-7' },
      },
    };
    const clusterBinding: KubeObject = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'debugger' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'debugger' },
    };
    const danger = { Success: false, Severity: 'danger', Message: 'The ClusterRoleBinding references a ClusterRole that allows Pods/exec' };
    const result = judgePolaris(
      {
        Results: [
          {
            Name: 'debugger',
            Kind: 'ClusterRoleBinding',
            Results: { clusterrolebindingPodExecAttach: danger, clusterrolebindingClusterAdmin: danger },
          },
        ],
      },
      '10.2.2',
      new ScannedObjects([clusterRole, clusterBinding]),
    );
    expect(result.failures.map((f) => f.check)).toEqual(['clusterrolebindingClusterAdmin']);
    expect(result.skips.map((f) => f.text)).toEqual([
      'our exception to rbac-no-exec-attach-portforward on ClusterRole debugger: on-call debugging, SEC-7',
    ]);
  });
});

describe('skips that are not our exceptions', () => {
  test('an object-level skip (lib/policy/scanner-map.ts OBJECT_SKIPS) is listed with the objects it is meant for and its reason', () => {
    const access: KubeObject = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'developers', namespace: 'shop', annotations: { 'ignore-check.kube-linter.io/access-to-create-pods': 'x' } },
    };
    const stray: KubeObject = {
      ...web,
      metadata: { name: 'stray', namespace: 'legacy', annotations: { 'polaris.fairwinds.com/hostPathSet-exempt': 'true' } },
    };
    const scanned = new ScannedObjects([access, stray]);
    expect(judgeKubeLinter({ Reports: null }, '0.8.3', scanned).skips).toEqual([
      {
        check: 'access-to-create-pods',
        object: 'RoleBinding shop/developers',
        text: expect.stringMatching(
          /^does not apply to a namespace's developer and admin access \(NamespaceAccess\): Creating Deployments/,
        ),
      },
    ]);
    expect(judgePolaris({ Results: [] }, '10.2.2', scanned).skips).toEqual([
      { check: 'hostPathSet', object: 'Deployment legacy/stray', text: 'skip annotation without an exception of ours' },
    ]);
  });
});

describe('Trivy (the shape of its 0.74.0 output)', () => {
  const limits: KubeObject = { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'default-limits', namespace: 'legacy' } };
  // One file per chart: the excepted agent shares legacy.k8s.yaml with web (line 1: agent, line 20: web, line 40: limits).
  const locate: TrivyLocator = (target, line) =>
    target === 'legacy.k8s.yaml' ? (line === undefined || line < 20 ? agent : line < 40 ? web : limits) : undefined;
  const fail = (ID: string, StartLine: number) => ({
    ID,
    Title: ID,
    Message: `${ID} message`,
    Status: 'FAIL',
    CauseMetadata: { StartLine },
  });
  const output = {
    Results: [
      {
        Target: 'legacy.k8s.yaml',
        Class: 'config',
        Misconfigurations: [
          fail('KSV-0014', 5), // read-only root filesystem, on the agent: our exception accepts it
          fail('KSV-0014', 25), // the same on web: a failure
          fail('KSV-0017', 6), // privileged, on the agent: no exception covers it
          fail('KSV-0039', 25), // LimitRange's check, reported on a Deployment: dropped
          fail('KSV-0039', 45), // on the LimitRange itself: a failure
          fail('KSV-0125', 25), // does not apply
          { ...fail('KSV-0001', 25), Status: 'PASS' },
        ],
      },
    ],
  };

  test('a failure counts unless the object carries the skip Trivy could not scope to it; kind-scoped checks count on their kind only', () => {
    const report = judgeTrivy(output, '0.74.0', locate, [], 3);
    expect(report.objects).toBe(3);
    expect(report.failures.map((f) => `${f.check} ${f.object}`)).toEqual([
      'KSV-0014 Deployment legacy/web',
      'KSV-0017 Deployment legacy/agent',
      'KSV-0039 LimitRange legacy/default-limits',
    ]);
    expect(report.skips).toEqual([
      { check: 'KSV-0014', object: 'Deployment legacy/agent', text: `${ours} (Trivy skips by file; this one holds other objects)` },
    ]);
    expect(report.off.map((o) => o.check)).toEqual([
      'KSV-0049',
      'KSV-0125',
      'KSV-0039 on kinds other than LimitRange',
      'KSV-0040 on kinds other than ResourceQuota',
    ]);
  });

  test("the ignore file's entries are listed as skips, by object", () => {
    const report = judgeTrivy({ Results: [] }, '0.74.0', locate, [
      { id: 'KSV-0014', paths: ['legacy.k8s.yaml'], statement: ours },
      { id: 'KSV-0049', statement: 'does not apply' },
    ]);
    expect(report.skips).toEqual([{ check: 'KSV-0014', object: 'Deployment legacy/agent', text: ours }]);
  });
});

describe('the pinned versions', () => {
  test('the "Checked by" table of docs/proofs.md names the versions scripts/scan.sh installs', () => {
    const root = path.join(__dirname, '../..');
    const script = fs.readFileSync(path.join(root, 'scripts/scan.sh'), 'utf8');
    const readme = fs.readFileSync(path.join(root, 'docs/proofs.md'), 'utf8');
    const pinned = (name: string) => new RegExp(`^${name}_VERSION=(\\S+)`, 'm').exec(script)?.[1];
    for (const [name, label] of [
      ['CHECKOV', 'Checkov'],
      ['KUBE_SCORE', 'kube-score'],
      ['KUBE_LINTER', 'kube-linter'],
      ['POLARIS', 'Polaris'],
      ['TRIVY', 'Trivy'],
    ]) {
      const version = pinned(name);
      expect(version).toBeDefined();
      expect(readme).toMatch(new RegExp(`^\\| \\[${label}\\]\\([^)]+\\) \\| ${version!.replace(/\./g, '\\.')} \\|`, 'm'));
    }
  });
});
