import { Cron, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { ConcurrencyPolicy, HardenedCronJob, HardenedDeployment, HardenedJob, HardenedStatefulSet } from '../../lib';
import { CONTAINER, IMAGE, only, podSpec, synthObjects } from '../support';

const SELECTOR = { 'app.kubernetes.io/instance': 'web', 'app.kubernetes.io/name': 'web' };

describe.each([
  ['Deployment', (chart: any, replicas?: number) => new HardenedDeployment(chart, 'web', { containers: [CONTAINER], replicas })],
  ['StatefulSet', (chart: any, replicas?: number) => new HardenedStatefulSet(chart, 'web', { containers: [CONTAINER], replicas })],
])('replicated Hardened%s', (kind, create) => {
  test('defaults to 2 replicas, with a PodDisruptionBudget and a spread over nodes and zones', () => {
    const objects = synthObjects((chart) => create(chart));
    const workload = only(objects, kind);
    expect(workload.spec.replicas).toBe(2);
    expect(workload.spec.selector).toEqual({ matchLabels: SELECTOR });
    expect(only(objects, 'PodDisruptionBudget')).toMatchObject({
      metadata: { name: 'web', namespace: 'shop' },
      spec: { maxUnavailable: 1, selector: { matchLabels: SELECTOR } },
    });
    expect(
      podSpec(workload).topologySpreadConstraints.map((c: any) => [c.topologyKey, c.whenUnsatisfiable, c.labelSelector.matchLabels]),
    ).toEqual([
      ['kubernetes.io/hostname', 'ScheduleAnyway', SELECTOR],
      ['topology.kubernetes.io/zone', 'ScheduleAnyway', SELECTOR],
    ]);
  });

  test('prefers to keep its pods off the same node (kube-score, kube-linter: rule pod-anti-affinity)', () => {
    const workload = only(
      synthObjects((chart) => create(chart)),
      kind,
    );
    expect(podSpec(workload).affinity).toEqual({
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 100, podAffinityTerm: { labelSelector: { matchLabels: SELECTOR }, topologyKey: 'kubernetes.io/hostname' } },
        ],
      },
    });
  });

  test('its PodDisruptionBudget never lets a pod that is not ready block a drain', () => {
    expect(
      only(
        synthObjects((chart) => create(chart)),
        'PodDisruptionBudget',
      ).spec.unhealthyPodEvictionPolicy,
    ).toBe('AlwaysAllow');
  });

  test('keeps affinities added through the escape hatch', () => {
    const objects = synthObjects((chart) => {
      const w = create(chart) as HardenedDeployment | HardenedStatefulSet;
      const resource = w instanceof HardenedDeployment ? w.deployment : w.statefulSet;
      resource.scheduling.attract(kplus.Node.labeled(kplus.NodeLabelQuery.is('pool', 'shop')));
    });
    const affinity = podSpec(only(objects, kind)).affinity;
    expect(Object.keys(affinity).sort()).toEqual(['nodeAffinity', 'podAntiAffinity']);
  });

  test('with one replica there is nothing to budget or spread', () => {
    const objects = synthObjects((chart) => create(chart, 1));
    expect(objects.filter((o) => o.kind === 'PodDisruptionBudget')).toEqual([]);
    expect(podSpec(only(objects, kind)).topologySpreadConstraints).toBeUndefined();
    expect(podSpec(only(objects, kind)).affinity).toBeUndefined();
  });
});

describe('HardenedStatefulSet', () => {
  test('governs its pods with a headless Service named after it, selecting its stable labels', () => {
    const objects = synthObjects((chart) => new HardenedStatefulSet(chart, 'web', { containers: [CONTAINER] }));
    const service = only(objects, 'Service');
    expect(service.metadata.name).toBe('web');
    expect(service.spec).toMatchObject({ clusterIP: 'None', selector: SELECTOR, ports: [{ port: 8080, targetPort: 8080 }] });
    expect(only(objects, 'StatefulSet').spec.serviceName).toBe('web');
  });

  test('fails when no container exposes a port', () => {
    expect(() =>
      synthObjects((chart) => new HardenedStatefulSet(chart, 'db', { containers: [{ ...CONTAINER, portNumber: undefined }] })),
    ).toThrow("[test/shop/db] 'containers' expose no port, but a StatefulSet needs one for its headless Service.");
  });
});

describe('HardenedJob', () => {
  test('documented defaults: 3 retries, finished Jobs deleted after a day, pods never restarted in place', () => {
    const job = only(
      synthObjects((chart) => new HardenedJob(chart, 'migrate', { containers: [{ image: IMAGE }] })),
      'Job',
    );
    expect(job.spec.backoffLimit).toBe(3);
    expect(job.spec.ttlSecondsAfterFinished).toBe(86400);
    expect(job.spec.activeDeadlineSeconds).toBeUndefined();
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
  });

  test('fails on a negative backoff limit', () => {
    expect(() => synthObjects((chart) => new HardenedJob(chart, 'migrate', { containers: [{ image: IMAGE }], backoffLimit: -1 }))).toThrow(
      "[test/shop/migrate] 'backoffLimit' must be a whole number, 0 or more (got -1)",
    );
  });
});

describe('HardenedCronJob', () => {
  test('documented defaults: no overlapping runs, UTC, a 5 minute start deadline, 3 runs of history each', () => {
    const cronJob = only(
      synthObjects((chart) => new HardenedCronJob(chart, 'nightly', { schedule: Cron.daily(), containers: [{ image: IMAGE }] })),
      'CronJob',
    );
    expect(cronJob.spec).toMatchObject({
      schedule: '0 0 * * *',
      concurrencyPolicy: 'Forbid',
      timeZone: 'Etc/UTC',
      startingDeadlineSeconds: 300,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
    });
    expect(cronJob.spec.jobTemplate.spec.backoffLimit).toBe(3);
  });

  test('each default can be set', () => {
    const cronJob = only(
      synthObjects(
        (chart) =>
          new HardenedCronJob(chart, 'nightly', {
            schedule: Cron.schedule({ minute: '30', hour: '2' }),
            containers: [{ image: IMAGE }],
            concurrencyPolicy: ConcurrencyPolicy.REPLACE,
            timeZone: 'Europe/Berlin',
            startingDeadline: Duration.minutes(1),
            activeDeadline: Duration.hours(2),
          }),
      ),
      'CronJob',
    );
    expect(cronJob.spec).toMatchObject({
      schedule: '30 2 * * *',
      concurrencyPolicy: 'Replace',
      timeZone: 'Europe/Berlin',
      startingDeadlineSeconds: 60,
    });
    expect(cronJob.spec.jobTemplate.spec.activeDeadlineSeconds).toBe(7200);
  });
});

describe('HardenedStatefulSet volume claims', () => {
  test('each pod gets its claims, mounted into the named container after its other mounts', () => {
    const objects = synthObjects(
      (chart) =>
        new HardenedStatefulSet(chart, 'db', {
          containers: [
            { ...CONTAINER, name: 'db', writablePaths: ['/tmp'] },
            { ...CONTAINER, name: 'backup', portNumber: 9090 },
          ],
          volumeClaims: [
            { name: 'data', mountPath: '/var/lib/postgresql', size: Size.gibibytes(20), storageClassName: 'encrypted-ssd' },
            { name: 'wal', mountPath: '/var/lib/wal', size: Size.gibibytes(5) },
            { name: 'dumps', mountPath: '/backups', size: Size.gibibytes(50), containerName: 'backup' },
          ],
        }),
    );
    const set = only(objects, 'StatefulSet');
    expect(set.spec.volumeClaimTemplates).toEqual([
      {
        metadata: { name: 'data', labels: { 'app.kubernetes.io/instance': 'db', 'app.kubernetes.io/name': 'db' } },
        spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'encrypted-ssd', resources: { requests: { storage: '20Gi' } } },
      },
      {
        metadata: { name: 'wal', labels: { 'app.kubernetes.io/instance': 'db', 'app.kubernetes.io/name': 'db' } },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } } },
      },
      {
        metadata: { name: 'dumps', labels: { 'app.kubernetes.io/instance': 'db', 'app.kubernetes.io/name': 'db' } },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '50Gi' } } },
      },
    ]);
    const [db, backup] = set.spec.template.spec.containers;
    expect(db.volumeMounts).toEqual([
      { name: 'db-tmp', mountPath: '/tmp' },
      { name: 'data', mountPath: '/var/lib/postgresql' },
      { name: 'wal', mountPath: '/var/lib/wal' },
    ]);
    expect(backup.volumeMounts).toEqual([{ name: 'dumps', mountPath: '/backups' }]);
  });

  test.each([
    [
      'an unknown container',
      { name: 'data', mountPath: '/data', size: Size.gibibytes(1), containerName: 'sidecar' },
      "'volumeClaims[0].containerName' is 'sidecar', which is not a container of 'db' (main).",
    ],
    [
      'a relative mount path',
      { name: 'data', mountPath: 'data', size: Size.gibibytes(1) },
      "'volumeClaims[0].mountPath' must be an absolute directory path",
    ],
    [
      'a name that is not DNS-1123',
      { name: 'Data', mountPath: '/data', size: Size.gibibytes(1) },
      "'volumeClaims[0].name' must be a DNS-1123 label",
    ],
  ])('fails on %s', (_case, claim, message) => {
    expect(() => synthObjects((chart) => new HardenedStatefulSet(chart, 'db', { containers: [CONTAINER], volumeClaims: [claim] }))).toThrow(
      message,
    );
  });
});
