import * as fs from 'node:fs';
import * as path from 'node:path';
import { Chart, Cron, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import {
  HardenedCronJob,
  HardenedDaemonSet,
  HardenedDeployment,
  HardenedJob,
  HardenedStatefulSet,
  HardenedWorkloadProps,
  HardenedContainerProps,
  review,
} from '../../lib';
import { ruleById } from '../../lib/review/packs';
import { CONTAINER, IMAGE, objectsNamed, only, podMetadata, podSpec, synthObjects } from '../support';

/** Every workload kind, built with no security props at all. */
const KINDS: Array<[string, (chart: Construct, id: string, props: HardenedWorkloadProps) => void]> = [
  ['Deployment', (c, id, p) => new HardenedDeployment(c, id, p)],
  ['StatefulSet', (c, id, p) => new HardenedStatefulSet(c, id, p)],
  ['DaemonSet', (c, id, p) => new HardenedDaemonSet(c, id, p)],
  ['Job', (c, id, p) => new HardenedJob(c, id, p)],
  ['CronJob', (c, id, p) => new HardenedCronJob(c, id, { ...p, schedule: Cron.daily() })],
];

const INIT = { name: 'migrate', image: IMAGE };

describe.each(KINDS)('Hardened%s defaults', (kind, create) => {
  const objects = synthObjects((chart) => create(chart, 'web', { containers: [CONTAINER], initContainers: [INIT] }));
  const workload = only(objects, kind);
  const pod = podSpec(workload);
  const allContainers = [...pod.containers, ...pod.initContainers];

  test('the pod runs as a non-root user and group above 10000, with seccomp RuntimeDefault', () => {
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      fsGroup: 65532,
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  test('the pod shares no host namespace and mounts no host path', () => {
    expect(pod.hostNetwork ?? false).toBe(false);
    expect(pod.hostPID ?? false).toBe(false);
    expect(pod.hostIPC ?? false).toBe(false);
    expect((pod.volumes ?? []).filter((v: any) => v.hostPath)).toEqual([]);
    for (const c of allContainers) expect((c.ports ?? []).filter((p: any) => p.hostPort)).toEqual([]);
  });

  test('every container (init containers too) is locked down', () => {
    expect(allContainers).toHaveLength(2);
    for (const c of allContainers) {
      expect(c.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        privileged: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        runAsUser: 65532,
        runAsGroup: 65532,
        capabilities: { drop: ['ALL'] },
      });
    }
  });

  test('every container has cpu, memory and ephemeral-storage requests and limits, and pulls Always', () => {
    for (const c of allContainers) {
      expect(c.resources).toEqual({
        requests: { cpu: '100m', memory: '128Mi', 'ephemeral-storage': '64Mi' },
        limits: { cpu: '500m', memory: '128Mi', 'ephemeral-storage': '256Mi' },
      });
      expect(c.imagePullPolicy).toBe('Always');
    }
  });

  test('the pod uses its own ServiceAccount, and neither mounts a token', () => {
    const serviceAccount = only(objects, 'ServiceAccount');
    expect(pod.serviceAccountName).toBe('web');
    expect(serviceAccount.metadata.name).toBe('web');
    expect(serviceAccount.automountServiceAccountToken).toBe(false);
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  test('names are readable, with the recommended labels and no hash', () => {
    expect(workload.metadata.name).toBe('web');
    expect(workload.metadata.namespace).toBe('shop');
    const labels = {
      'app.kubernetes.io/name': 'web',
      'app.kubernetes.io/instance': 'web',
      'app.kubernetes.io/managed-by': 'cdk8s-hardened',
    };
    expect(workload.metadata.labels).toEqual(labels);
    expect(podMetadata(workload).labels).toEqual(labels);
    expect(JSON.stringify(objects)).not.toMatch(/cdk8s\.io\/metadata\.addr|-c[0-9a-f]{7}\b/);
  });

  test('no exception is recorded when none is given', () => {
    expect(workload.metadata.annotations).toBeUndefined();
  });

  test('the review finds nothing at all in any pack, not even a warning', () => {
    expect(
      review(
        objects.map((object) => ({ object })),
        { today: '2026-11-23' },
      ).findings,
    ).toEqual([]);
  });
});

describe('construct exceptions and review rules', () => {
  test('every rule id a construct asks an exception for is a rule of the review engine', () => {
    const dir = path.resolve(__dirname, '../../lib/workload');
    const source = fs
      .readdirSync(dir)
      .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
      .join('\n');
    const asked = [...source.matchAll(/\.require\(\s*'([a-z0-9-]+)'/g)].map((m) => m[1]);
    expect(asked.length).toBeGreaterThan(10);
    expect(asked.filter((id) => !ruleById(id))).toEqual([]);
  });
});

describe('long-running workloads', () => {
  test.each(['Deployment', 'StatefulSet', 'DaemonSet'])('a Hardened%s requires readiness and liveness probes', (kind) => {
    const create = KINDS.find(([k]) => k === kind)![1];
    expect(() => synthObjects((chart) => create(chart, 'web', { containers: [{ image: IMAGE, portNumber: 9090 }] }))).toThrow(
      "[test/shop/web] 'containers[0].readiness': is missing, so traffic reaches the pod before it can serve. " +
        "'containers[0].liveness': is missing, so a hung container is never restarted. " +
        "Add them, for example readiness: HealthCheck.httpGet('/ready', { port: 9090 }), liveness: HealthCheck.httpGet('/healthz', { port: 9090 }). " +
        "If they are really not wanted, add exceptions: [{ rule: 'readiness-probe', reason: '<why this is needed and safe>' }, { rule: 'liveness-probe', reason: '<why this is needed and safe>' }].",
    );
    expect(() => synthObjects((chart) => create(chart, 'web', { containers: [{ ...CONTAINER, liveness: undefined }] }))).toThrow(
      "[test/shop/web] 'containers[0].liveness': is missing",
    );
  });

  test('one missing probe, the other excepted: the error names that one, with the port of the container', () => {
    const build = (ports: Partial<HardenedContainerProps>) => () =>
      synthObjects(
        (chart) =>
          new HardenedDeployment(chart, 'web', {
            containers: [{ image: IMAGE, ...ports }],
            exceptions: [{ rule: 'liveness-probe', reason: 'the vendor image has no health endpoint yet' }],
          }),
      );
    expect(build({ ports: [{ number: 7000, name: 'http' }] })).toThrow(
      "[test/shop/web] 'containers[0].readiness': is missing, so traffic reaches the pod before it can serve. Add one, for example HealthCheck.httpGet('/ready', { port: 7000 }). If it is really needed, add exceptions: [{ rule: 'readiness-probe'",
    );
    expect(build({})).toThrow("HealthCheck.httpGet('/ready', { port: 8080 })");
  });

  test.each(KINDS.map(([kind]) => kind))('a Hardened%s without containers names the field (also from plain JavaScript)', (kind) => {
    const create = KINDS.find(([k]) => k === kind)![1];
    expect(() => synthObjects((chart) => create(chart, 'web', { containers: [] }))).toThrow(
      "[test/shop/web] 'containers' is empty. Give the workload at least one container",
    );
    expect(() => synthObjects((chart) => create(chart, 'web', { image: IMAGE } as any))).toThrow(
      "[test/shop/web] 'containers' is missing. Give the workload at least one container",
    );
    expect(() => synthObjects((chart) => create(chart, 'web', { containers: [null] } as any))).toThrow(
      "[test/shop/web] 'containers[0]' must be a container (an object with an image)",
    );
    expect(() => synthObjects((chart) => create(chart, 'web', { containers: [{}] } as any))).toThrow(
      "[test/shop/web] 'containers[0].image' is missing.",
    );
    expect(() => synthObjects((chart) => create(chart, 'web', { containers: [{ image: 5 }] } as any))).toThrow(
      "[test/shop/web] 'containers[0].image' is not text.",
    );
    expect(() =>
      synthObjects((chart) => create(chart, 'web', { containers: [CONTAINER], initContainers: [{ image: '' }] } as any)),
    ).toThrow("[test/shop/web] 'initContainers[0].image' is missing.");
  });

  test('a workload without props says so', () => {
    expect(() => synthObjects((chart) => new HardenedDeployment(chart, 'web', undefined as any))).toThrow(
      '[test/shop/web] props are missing.',
    );
  });

  test.each(['Job', 'CronJob'])('a Hardened%s runs without probes', (kind) => {
    const create = KINDS.find(([k]) => k === kind)![1];
    const objects = synthObjects((chart) => create(chart, 'task', { containers: [{ image: IMAGE }] }));
    expect(podSpec(only(objects, kind)).containers[0].readinessProbe).toBeUndefined();
  });

  test('init containers never need probes', () => {
    expect(() =>
      synthObjects((chart) => new HardenedDeployment(chart, 'web', { containers: [CONTAINER], initContainers: [INIT] })),
    ).not.toThrow();
  });
});

describe('isolation', () => {
  test('pins the pods to a tainted node pool and a sandboxed runtime', () => {
    const objects = synthObjects(
      (chart) =>
        new HardenedDeployment(chart, 'payments', {
          containers: [CONTAINER],
          isolation: { nodePool: 'sensitive', runtimeClassName: 'gvisor' },
        }),
    );
    const pod = podSpec(only(objects, 'Deployment'));
    expect(pod.nodeSelector).toEqual({ 'hardened.cdk8s.io/pool': 'sensitive' });
    expect(pod.tolerations).toEqual([{ key: 'hardened.cdk8s.io/pool', operator: 'Equal', value: 'sensitive', effect: 'NoSchedule' }]);
    expect(pod.runtimeClassName).toBe('gvisor');
  });

  test('uses a custom taint key and leaves the runtime alone when none is given', () => {
    const objects = synthObjects(
      (chart) =>
        new HardenedJob(chart, 'scan', {
          containers: [{ image: IMAGE }],
          isolation: { nodePool: 'batch', taintKey: 'example.com/pool' },
        }),
    );
    const pod = podSpec(only(objects, 'Job'));
    expect(pod.nodeSelector).toEqual({ 'example.com/pool': 'batch' });
    expect(pod.runtimeClassName).toBeUndefined();
  });

  test('fails when the node pool is not a DNS-1123 label', () => {
    expect(() =>
      synthObjects((chart) => new HardenedDeployment(chart, 'web', { containers: [CONTAINER], isolation: { nodePool: 'Sensitive Pool' } })),
    ).toThrow("[test/shop/web] 'isolation.nodePool' must be a DNS-1123 label");
  });
});

describe('namespace and name', () => {
  test('an explicit namespace and name apply to every object of the workload', () => {
    const objects = objectsNamed(
      synthObjects((chart) => new HardenedDeployment(chart, 'Web', { name: 'storefront', namespace: 'retail', containers: [CONTAINER] })),
      'storefront',
    );
    expect(objects.map((o) => o.kind).sort()).toEqual(['Deployment', 'PodDisruptionBudget', 'ServiceAccount']);
    for (const o of objects) {
      expect(o.metadata.name).toBe('storefront');
      expect(o.metadata.namespace).toBe('retail');
    }
  });

  test.each(KINDS)('a Hardened%s with no namespace to land in fails once, at construction, naming the fix', (_kind, create) => {
    const chart = new Chart(Testing.app(), 'platform');
    expect(() => create(chart, 'web', { containers: [CONTAINER] })).toThrow(
      `[platform/web] 'namespace': the workload would run in the "default" namespace, which enforces no Pod Security and denies no traffic. Put it in a HardenedNamespace (new HardenedDeployment(new HardenedNamespace(chart, 'shop'), ...)) or a Chart with a namespace. If it is really needed, add exceptions: [{ rule: 'no-default-namespace', reason: '<why this is needed and safe>' }].`,
    );
  });

  test("an explicit namespace: 'default' is refused the same way", () => {
    expect(() => synthObjects((chart) => new HardenedDeployment(chart, 'web', { namespace: 'default', containers: [CONTAINER] }))).toThrow(
      '[test/shop/web] \'namespace\': the workload would run in the "default" namespace',
    );
  });

  test('a chart namespace, or an exception to no-default-namespace, lets the workload be built', () => {
    const charted = new Chart(Testing.app(), 'platform', { namespace: 'shop' });
    new HardenedDeployment(charted, 'web', { containers: [CONTAINER] });
    expect(only(Testing.synth(charted), 'Deployment').metadata.namespace).toBe('shop');
    const chart = new Chart(Testing.app(), 'platform');
    new HardenedDeployment(chart, 'web', {
      containers: [CONTAINER],
      exceptions: [{ rule: 'no-default-namespace', reason: 'a demo cluster with one namespace, removed in 2027' }],
    });
    const objects = Testing.synth(chart);
    expect(objects.map((o) => [o.kind, o.metadata.namespace])).toEqual([
      ['ServiceAccount', 'default'],
      ['Deployment', 'default'],
      ['PodDisruptionBudget', 'default'],
    ]);
  });

  test.each([
    [
      'an id that is not DNS-1123',
      'Web_App',
      {},
      "[test/shop/Web_App] 'name' must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters (got 'Web_App'). Use 'web-app'.",
    ],
    ['a name that is too long', 'web', { name: 'x'.repeat(64) }, "'name' must be a DNS-1123 label"],
    ['a namespace that is not DNS-1123', 'web', { namespace: 'Shop' }, "[test/shop/web] 'namespace' must be a DNS-1123 label"],
  ])('fails on %s', (_case, id, props, message) => {
    expect(() => synthObjects((chart) => new HardenedDeployment(chart, id, { containers: [CONTAINER], ...props }))).toThrow(message);
  });
});
