import * as fs from 'node:fs';
import * as path from 'node:path';
import { review as reviewAll } from '../../lib/review/engine';
import { ENGINE_RULES } from '../../lib/review/exceptions';
import { ALL_RULES, PACKS, ruleById } from '../../lib/review/packs';
import { POD_TEMPLATE_KINDS } from '../../lib/review/walkers';
import { check, container, deployment, inHardenedNamespace, POD_PATHS, PodMutation, workloadOfKind } from './builders';
import { RULE_CASES } from './rule-cases';

/** Reviews with the namespace `shop`, where every test object lives, declared and closed. */
// The annotations of these objects stand for our own synth output: trusted.
const review: typeof reviewAll = (targets, options) =>
  reviewAll([...inHardenedNamespace(), ...targets], { trustAnnotations: true, ...options });

describe('each rule', () => {
  test.each(RULE_CASES.map((c) => [c.rule, c.name, c] as const))('%s: %s', (ruleId, _name, { object, others, expected }) => {
    const rule = ruleById(ruleId);
    expect(rule).toBeDefined();
    const found = check(rule!, object, others);
    expect(found.map((f) => f.path)).toEqual(expected.map(([p]) => p));
    found.forEach((f, i) => expect(f.message).toContain(expected[i][1]));
  });

  test.each(ALL_RULES.map((r) => [r.id]))('%s has a compliant and a non-compliant case', (id) => {
    const cases = RULE_CASES.filter((c) => c.rule === id);
    expect(cases.some((c) => c.expected.length === 0)).toBe(true);
    expect(cases.some((c) => c.expected.length > 0)).toBe(true);
  });

  test('every case names a rule that exists', () => {
    expect(RULE_CASES.filter((c) => !ruleById(c.rule)).map((c) => c.rule)).toEqual([]);
  });

  test.each(POD_TEMPLATE_KINDS.map((k) => [k]))('a hardened %s passes every pack with no finding at all', (kind) => {
    const result = review([{ object: workloadOfKind(kind) }], { today: '2026-01-01' });
    expect(result.findings).toEqual([]);
    expect(result.passed).toBe(true);
  });

  test("rules judge pods of every kind at that kind's path", () => {
    const paths = POD_TEMPLATE_KINDS.map((kind) =>
      review(
        [
          {
            object: workloadOfKind(kind, (s) => {
              s.hostPID = true;
            }),
          },
        ],
        { today: '2026-01-01' },
      ).findings.map((f) => `${kind}: ${f.ruleId} ${f.path}`),
    );
    expect(paths).toEqual([
      ['Pod: no-host-namespaces spec.hostPID'],
      ['PodTemplate: no-host-namespaces template.spec.hostPID'],
      ['ReplicationController: no-host-namespaces spec.template.spec.hostPID'],
      ['ReplicaSet: no-host-namespaces spec.template.spec.hostPID'],
      ['Deployment: no-host-namespaces spec.template.spec.hostPID'],
      ['StatefulSet: no-host-namespaces spec.template.spec.hostPID'],
      ['DaemonSet: no-host-namespaces spec.template.spec.hostPID'],
      ['Job: no-host-namespaces spec.template.spec.hostPID'],
      ['CronJob: no-host-namespaces spec.jobTemplate.spec.template.spec.hostPID'],
      ['apps.openshift.io/DeploymentConfig: no-host-namespaces spec.template.spec.hostPID'],
      ['argoproj.io/Rollout: no-host-namespaces spec.template.spec.hostPID'],
      ['serving.knative.dev/Service: no-host-namespaces spec.template.spec.hostPID'],
      ['serving.knative.dev/Configuration: no-host-namespaces spec.template.spec.hostPID'],
      ['serving.knative.dev/Revision: no-host-namespaces spec.hostPID'],
      ['keda.sh/ScaledJob: no-host-namespaces spec.jobTargetRef.template.spec.hostPID'],
      ['apps.kruise.io/CloneSet: no-host-namespaces spec.template.spec.hostPID'],
      ['apps.kruise.io/StatefulSet: no-host-namespaces spec.template.spec.hostPID'],
      ['apps.kruise.io/DaemonSet: no-host-namespaces spec.template.spec.hostPID'],
      ['apps.kruise.io/BroadcastJob: no-host-namespaces spec.template.spec.hostPID'],
      [
        'kubeflow.org/TFJob: no-host-namespaces spec.tfReplicaSpecs.PS.template.spec.hostPID',
        'kubeflow.org/TFJob: no-host-namespaces spec.tfReplicaSpecs.Worker.template.spec.hostPID',
      ],
      [
        'kubeflow.org/PyTorchJob: no-host-namespaces spec.pytorchReplicaSpecs.Master.template.spec.hostPID',
        'kubeflow.org/PyTorchJob: no-host-namespaces spec.pytorchReplicaSpecs.Worker.template.spec.hostPID',
      ],
      [
        'kubeflow.org/MPIJob: no-host-namespaces spec.mpiReplicaSpecs.Launcher.template.spec.hostPID',
        'kubeflow.org/MPIJob: no-host-namespaces spec.mpiReplicaSpecs.Worker.template.spec.hostPID',
      ],
      [
        'kubeflow.org/XGBoostJob: no-host-namespaces spec.xgbReplicaSpecs.Master.template.spec.hostPID',
        'kubeflow.org/XGBoostJob: no-host-namespaces spec.xgbReplicaSpecs.Worker.template.spec.hostPID',
      ],
      ['kubeflow.org/PaddleJob: no-host-namespaces spec.paddleReplicaSpecs.Worker.template.spec.hostPID'],
    ]);
  });

  test.each(['Job', 'CronJob', 'Pod'])('probes are not required of a %s', (kind) => {
    const object = workloadOfKind(kind, (s) =>
      s.containers.forEach((c: any) => {
        delete c.readinessProbe;
        delete c.livenessProbe;
      }),
    );
    expect(review([{ object }], { today: '2026-01-01' }).findings).toEqual([]);
  });

  test('rules ignore objects without a pod spec instead of failing', () => {
    const objects = [
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'empty' } },
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'odd' },
        spec: { template: { spec: { containers: 'web', volumes: {} } } },
      },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: [{ port: 80 }] } },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'odd' },
        rules: [null, 'x', { verbs: 'get', resources: [1, '*'] }],
        aggregationRule: { clusterRoleSelectors: [{ matchExpressions: [{ key: 'a', operator: 'Near' }] }, 'x'] },
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'odd' },
        roleRef: { kind: 'ClusterRole', name: 'odd' },
        subjects: {},
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'odd' },
        roleRef: 'odd',
        subjects: [null, { kind: 'User' }, 'x'],
      },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'odd' }, rules: 'x' },
    ];
    const result = review(
      objects.map((object) => ({ object })),
      { today: '2026-01-01' },
    );
    expect(result.findings.filter((f) => f.ruleId === 'rule-error')).toEqual([]);
  });

  test('RBAC rules look across objects: a cluster-wide grant of a Secret reader, accepted for its scope by an exception', () => {
    // The ClusterRole itself draws the warning of rbac-namespace-escalation-powers (it reads Secrets wherever it is bound).
    const api = 'rbac.authorization.k8s.io/v1';
    const result = review(
      [
        {
          object: {
            apiVersion: api,
            kind: 'ClusterRole',
            metadata: { name: 'reader' },
            rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }],
          },
        },
        {
          object: {
            apiVersion: api,
            kind: 'ClusterRoleBinding',
            metadata: {
              name: 'reader',
              annotations: { 'exception.hardened.cdk8s.io/rbac-cluster-scope': 'the collector reads every namespace' },
            },
            roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'reader' },
            subjects: [{ kind: 'ServiceAccount', name: 'collector', namespace: 'monitoring' }],
          },
        },
      ],
      { today: '2026-01-01' },
    );
    expect(result.findings.map((f) => `${f.object.kind} ${f.ruleId} ${f.path}${f.exception ? ' (excepted)' : ''}`)).toEqual([
      'ClusterRole rbac-namespace-escalation-powers rules[0]',
      'ClusterRoleBinding rbac-cluster-scope roleRef (excepted)',
      'ClusterRoleBinding rbac-no-cluster-secret-read roleRef.name',
    ]);
  });

  test('rules do not modify the objects they judge', () => {
    const object = deployment((s) => {
      s.hostNetwork = true;
      delete s.securityContext;
    });
    const before = JSON.stringify(object);
    for (const rule of ALL_RULES) check(rule, object); // check() deep-freezes: a write would throw
    expect(JSON.stringify(object)).toBe(before);
  });
});

describe('pods inside custom resources', () => {
  const TODAY = '2026-01-01';
  /** A privileged pod that runs as root, with a hostPath volume and a latest image. */
  const unsafe: PodMutation = (s) => {
    Object.assign(container(s).securityContext, { privileged: true, runAsUser: 0, allowPrivilegeEscalation: true });
    s.securityContext.runAsNonRoot = false;
    s.hostNetwork = true;
    s.volumes.push({ name: 'host', hostPath: { path: '/' } });
    container(s).image = 'web:latest';
  };
  /** Each finding as `rule <path relative to its pod> message`, per pod of the object. */
  const perPod = (object: any, podPaths: readonly string[]) => {
    const findings = review([{ object }], { today: TODAY }).findings;
    return podPaths.map((pod) =>
      findings.filter((f) => f.path.startsWith(pod)).map((f) => `${f.severity} ${f.ruleId} <pod>${f.path.slice(pod.length)} ${f.message}`),
    );
  };
  const CUSTOM = Object.keys(POD_PATHS).filter((kind) => kind.includes('/'));
  const asDeployment = perPod(deployment(unsafe), ['spec.template.spec'])[0];

  test('the unsafe pod fails in a Deployment', () => {
    expect(asDeployment.filter((f) => f.startsWith('error')).length).toBeGreaterThan(10);
  });

  test.each(CUSTOM.map((kind) => [kind]))(
    'an unsafe pod in a %s gets exactly the findings it gets in a Deployment, at its own paths',
    (kind) => {
      const object = workloadOfKind(kind, unsafe);
      const findings = review([{ object }], { today: TODAY }).findings;
      expect(findings.filter((f) => !POD_PATHS[kind].some((pod) => f.path.startsWith(pod)))).toEqual([]);
      for (const pod of perPod(object, POD_PATHS[kind])) expect(pod).toEqual(asDeployment);
    },
  );

  test('each pod of a Kubeflow job is judged on its own', () => {
    const job = workloadOfKind('kubeflow.org/PyTorchJob');
    (job as any).spec.pytorchReplicaSpecs.Worker.template.spec.hostPID = true;
    expect(review([{ object: job }], { today: TODAY }).findings.map((f) => `${f.ruleId} ${f.path}`)).toEqual([
      'no-host-namespaces spec.pytorchReplicaSpecs.Worker.template.spec.hostPID',
    ]);
  });

  test('a Deployment of a custom API group is not judged as apps/v1: one warning says its pod was not judged', () => {
    const object = { ...deployment(unsafe), apiVersion: 'example.com/v1' };
    expect(review([{ object }], { today: TODAY }).findings.map((f) => `${f.severity} ${f.ruleId} ${f.path}`)).toEqual([
      'warning unjudged-pod-template spec.template.spec',
    ]);
  });

  test('an unknown custom resource with a pod spec gets the warning, with the object, path, problem and fix', () => {
    const object = {
      apiVersion: 'batch.example.com/v1',
      kind: 'Pipeline',
      metadata: { name: 'etl', namespace: 'shop' },
      spec: {
        stages: [{ name: 'load', podSpec: { containers: [{ name: 'load', image: 'etl:1', securityContext: { privileged: true } }] } }],
      },
    };
    const [f, ...rest] = review([{ object }], { today: TODAY }).findings;
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      ruleId: 'unjudged-pod-template',
      severity: 'warning',
      path: 'spec.stages[0].podSpec',
      object: { apiVersion: 'batch.example.com/v1', kind: 'Pipeline', namespace: 'shop', name: 'etl' },
    });
    expect(f.message).toBe(
      'kind Pipeline of API group "batch.example.com" is not known to the review, so the pod rules did not judge the pod spec at spec.stages[0].podSpec',
    );
    expect(f.remediation).toMatch(
      /^This kind is not known to the review, so the pod rules did not judge this pod template: ask for the kind to be added .* add an exception/,
    );
  });

  test('the warning can be accepted by an exception on the object', () => {
    const object = {
      apiVersion: 'batch.example.com/v1',
      kind: 'Pipeline',
      metadata: {
        name: 'etl',
        namespace: 'shop',
        annotations: { 'exception.hardened.cdk8s.io/unjudged-pod-template': 'its pods are judged by Kyverno at admission' },
      },
      spec: { podSpec: { containers: [{ image: 'etl:1' }] } },
    };
    const result = review([{ object }], { today: TODAY });
    expect(result.findings.map((f) => [f.ruleId, f.exception?.reason])).toEqual([
      ['unjudged-pod-template', 'its pods are judged by Kyverno at admission'],
    ]);
    expect(result.counts.bySeverity.warning).toBe(0);
  });

  // Its speed is the bench's business (npm run bench), never a timed test: here, that the bound is reached and said.
  test('the search is bounded: a huge or deep custom object is not searched whole, and says so', () => {
    const wide = {
      apiVersion: 'data.example.com/v1',
      kind: 'Blob',
      metadata: { name: 'big' },
      spec: {
        entries: Array.from({ length: 200_000 }, (_, i) => ({ key: `k${i}`, value: { nested: [i] } })),
        text: 'x'.repeat(10_000_000),
      },
    };
    let deep: Record<string, unknown> = { containers: [{ image: 'deep:1' }] };
    for (let i = 0; i < 100; i++) deep = { next: deep };
    const nested = { apiVersion: 'data.example.com/v1', kind: 'Chain', metadata: { name: 'deep' }, spec: deep };
    const findings = review([{ object: wide }, { object: nested }], { today: TODAY }).findings;
    expect(findings.map((f) => `${f.object.kind} ${f.ruleId} "${f.path}"`)).toEqual([
      'Blob unjudged-pod-template ""',
      'Chain unjudged-pod-template ""',
    ]);
    expect(findings[0].message).toContain('is too large to search whole');
  });

  test('probes are required of the custom kinds whose pods run forever, not of jobs', () => {
    const without = (kind: string) =>
      workloadOfKind(kind, (s) =>
        s.containers.forEach((c: any) => {
          delete c.readinessProbe;
          delete c.livenessProbe;
        }),
      );
    const kinds = [
      'argoproj.io/Rollout',
      'serving.knative.dev/Service',
      'apps.kruise.io/CloneSet',
      'apps.openshift.io/DeploymentConfig',
      'keda.sh/ScaledJob',
      'apps.kruise.io/BroadcastJob',
      'kubeflow.org/TFJob',
    ];
    expect(
      Object.fromEntries(
        kinds.map((kind) => [
          kind,
          review([{ object: without(kind) }], { today: TODAY })
            .findings.map((f) => f.ruleId)
            .sort(),
        ]),
      ),
    ).toEqual({
      'argoproj.io/Rollout': ['liveness-probe', 'readiness-probe'],
      'serving.knative.dev/Service': ['liveness-probe', 'readiness-probe'],
      'apps.kruise.io/CloneSet': ['liveness-probe', 'readiness-probe'],
      'apps.openshift.io/DeploymentConfig': ['liveness-probe', 'readiness-probe'],
      'keda.sh/ScaledJob': [],
      'apps.kruise.io/BroadcastJob': [],
      'kubeflow.org/TFJob': [],
    });
  });

  test('a replicated Rollout keeps its pods off one node, as a Deployment does', () => {
    const object = workloadOfKind('argoproj.io/Rollout', (s) => {
      delete s.affinity;
    });
    expect(review([{ object }], { today: TODAY }).findings.map((f) => `${f.ruleId} ${f.path}`)).toEqual([
      'pod-anti-affinity spec.template.spec.affinity.podAntiAffinity',
    ]);
  });
});

describe('the rule registry', () => {
  const KEBAB = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

  test("rule ids are unique, also against the engine's own findings", () => {
    const ids = [...ALL_RULES, ...ENGINE_RULES].map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  test.each([...ALL_RULES, ...ENGINE_RULES].map((r) => [r.id, r] as const))('%s is well described', (id, rule) => {
    expect(id).toMatch(KEBAB);
    expect(rule.title.trim()).not.toBe('');
    expect(rule.remediation.trim()).not.toBe('');
    expect(rule.remediation).toMatch(/[^.]\.$/);
    expect(['error', 'warning', 'info']).toContain(rule.severity);
  });

  test.each(ALL_RULES.map((r) => [r.id, r] as const))('%s applies to some kinds, and overrides only rules of its packs', (_id, rule) => {
    expect(rule.kinds.length).toBeGreaterThan(0);
    for (const overridden of rule.overrides ?? []) {
      expect(ruleById(overridden)).toBeDefined();
      for (const pack of PACKS.filter((p) => p.rules.includes(rule.id))) expect(pack.rules).toContain(overridden);
    }
  });

  test('every rule is in at least one pack', () => {
    const inPacks = new Set(PACKS.flatMap((p) => p.rules));
    expect(ALL_RULES.map((r) => r.id).filter((id) => !inPacks.has(id))).toEqual([]);
  });

  test('packs name only known rules', () => {
    expect(PACKS.flatMap((p) => p.rules).filter((id) => !ruleById(id))).toEqual([]);
  });

  test('the packs and their rules are exactly these', () => {
    const baseline = [
      'no-host-namespaces',
      'no-privileged',
      'baseline-capabilities',
      'no-host-path',
      'no-host-ports',
      'no-apparmor-unconfined',
      'no-custom-selinux',
      'no-unmasked-proc-mount',
      'no-unconfined-seccomp',
      'no-unsafe-sysctls',
      'no-windows-host-process',
      'no-host-probes',
    ];
    // Every pack judges shapes first: no choice of packs passes an object the API server refuses.
    const shapes = ['object-schema', 'duplicate-object'];
    expect(Object.fromEntries(PACKS.map((p) => [p.id, p.rules]))).toEqual({
      'pss-baseline': [...shapes, ...baseline],
      'pss-restricted': [
        ...shapes,
        ...baseline,
        'restricted-volume-types',
        'no-privilege-escalation',
        'run-as-non-root',
        'no-root-user',
        'seccomp-runtime-default',
        'drop-all-capabilities',
        'restricted-proc-mount',
      ],
      'workload-hardening': [
        ...shapes,
        'read-only-root-filesystem',
        'high-user-group-ids',
        'resources-set',
        'image-digest',
        'image-registry-allowed',
        'no-latest-tag',
        'image-pull-always',
        'readiness-probe',
        'liveness-probe',
        'no-service-account-token',
        'no-default-service-account',
        'distinct-probes',
        'pod-anti-affinity',
        'pdb-unhealthy-pod-eviction-policy',
        'unjudged-pod-template',
        'hpa-target-exists',
        'pdb-selects-pods',
      ],
      namespaces: [...shapes, 'namespace-pod-security', 'workload-namespace-hardened', 'no-default-namespace'],
      network: [
        ...shapes,
        'namespace-default-deny',
        'network-ingress-from-anywhere',
        'network-egress-metadata',
        'network-policy-selects-pods',
        'service-selects-pods',
        'service-type-allowed-by-quota',
      ],
      rbac: [
        ...shapes,
        'rbac-no-wildcards',
        'rbac-no-escalation-verbs',
        'rbac-no-exec-attach-portforward',
        'rbac-no-cluster-takeover-powers',
        'rbac-namespace-escalation-powers',
        'rbac-no-aggregation-leak',
        'rbac-no-cluster-secret-read',
        'rbac-no-kube-system-escalation',
        'rbac-no-cluster-admin-binding',
        'rbac-no-broad-subjects',
        'rbac-no-default-service-account-binding',
        'rbac-no-user-subjects',
        'rbac-cluster-scope',
      ],
      secrets: [
        ...shapes,
        'secret-no-plaintext',
        'env-no-literal-secret',
        'configmap-no-secret-keys',
        'value-no-known-secret',
        'value-no-jwt',
        'secret-as-file',
      ],
      cluster: [
        ...shapes,
        'cluster-apiserver-settings',
        'cluster-controller-manager-settings',
        'cluster-scheduler-settings',
        'cluster-etcd-settings',
        'cluster-kubelet-settings',
        'audit-sensitive-metadata-only',
        'audit-high-risk-recorded',
        'audit-omit-request-received',
        'admission-pod-security-restricted',
        'admission-exemptions-system-only',
        'authentication-anonymous-health-only',
        'encryption-secrets-encrypted',
        'encryption-key-not-in-manifests',
      ],
    });
  });

  test('only these rules are warnings; every other rule is an error', () => {
    expect(ALL_RULES.filter((r) => r.severity !== 'error').map((r) => r.id)).toEqual([
      'image-pull-always',
      'distinct-probes',
      'pod-anti-affinity',
      'pdb-unhealthy-pod-eviction-policy',
      'unjudged-pod-template',
      'hpa-target-exists',
      'pdb-selects-pods',
      'network-policy-selects-pods',
      'service-selects-pods',
      'rbac-namespace-escalation-powers',
      'rbac-no-user-subjects',
      'rbac-cluster-scope',
      'value-no-jwt',
      'audit-omit-request-received',
    ]);
  });
});

describe('the one rule: the review engine never imports a construct', () => {
  const REVIEW_DIR = path.resolve(__dirname, '../../lib/review');
  const files = (dir: string): string[] =>
    fs
      .readdirSync(dir, { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));

  test.each(files(REVIEW_DIR).map((f) => [path.relative(REVIEW_DIR, f), f]))(
    '%s imports no construct, cdk8s or cdk8s-plus',
    (_name, file) => {
      const imports = [...fs.readFileSync(file, 'utf8').matchAll(/from\s+'([^']+)'/g)].map((m) => m[1]);
      expect(
        imports.filter(
          (spec) =>
            /^(constructs|cdk8s|cdk8s-plus-\d+|cdktf)(\/|$)/.test(spec) ||
            /\.\.\/(workload|app|namespace|network|rbac|secrets|cluster|cloud)\//.test(spec),
        ),
      ).toEqual([]);
    },
  );
});

describe("a whole cluster's RBAC export", () => {
  const { BUILT_IN_CLUSTER_ROLES } =
    require('../../lib/review/rbac-data/built-in-roles') as typeof import('../../lib/review/rbac-data/built-in-roles');
  const asExported = (role: any) => ({
    ...role,
    metadata: { ...role.metadata, labels: { ...role.metadata.labels, 'kubernetes.io/bootstrapping': 'rbac-defaults' } },
  });

  test("the cluster's own roles, unchanged, draw no finding (the bindings to them are what is judged)", () => {
    const result = review(
      BUILT_IN_CLUSTER_ROLES.map((role) => ({ object: asExported(role) })),
      { today: '2026-01-01' },
    );
    expect(result.findings).toEqual([]);
  });

  test('a built-in role someone changed, or one without the bootstrapping label, is judged like any other', () => {
    const edit = BUILT_IN_CLUSTER_ROLES.find((role) => role.metadata!.name === 'system:node')!;
    const changed = asExported({
      ...edit,
      rules: [...(edit as any).rules, { apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] }],
    });
    const unlabelled = { ...edit, metadata: { name: 'cluster-admin' }, rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }] };
    const rules = (object: any) => [...new Set(review([{ object }], { today: '2026-01-01' }).findings.map((f) => f.ruleId))].sort();
    expect(rules(changed)).toContain('rbac-no-exec-attach-portforward');
    expect(rules(unlabelled)).toEqual(expect.arrayContaining(['rbac-no-cluster-takeover-powers', 'rbac-no-wildcards']));
  });
});
