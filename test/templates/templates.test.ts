import { Chart, Cron, Testing } from 'cdk8s';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { review } from '../../lib';
import { ScheduledJob } from '../../templates';
import { exampleImage, exampleTenant, TEMPLATE_EXAMPLES, templateExample } from '../../templates/examples';

/** The example of a template (templates/examples.ts: a tenant `team` and the template in it), synthesized. */
function synth(name: string, chartId = 'test'): any[] {
  const app = Testing.app();
  const chart = new Chart(app, chartId);
  templateExample(name).build(chart);
  return Testing.synth(chart);
}

const of = (objects: any[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
const clean = (objects: any[]) =>
  review(
    objects.map((object) => ({ object })),
    { today: '2026-11-23', trustAnnotations: true },
  ).findings.filter((f) => !f.exception);

describe('WebService', () => {
  const objects = synth('web-service');

  test('a Deployment left to its autoscaler, a Service, an HPA and a PodDisruptionBudget', () => {
    expect(of(objects, 'Deployment', 'web').spec.replicas).toBeUndefined();
    expect(of(objects, 'Service', 'web').spec).toMatchObject({
      type: 'ClusterIP',
      ports: [{ name: 'http', port: 8080, targetPort: 8080, protocol: 'TCP' }],
    });
    expect(of(objects, 'HorizontalPodAutoscaler', 'web').spec).toMatchObject({
      minReplicas: 2,
      maxReplicas: 6,
      scaleTargetRef: { kind: 'Deployment', name: 'web' },
    });
    expect(of(objects, 'PodDisruptionBudget', 'web').spec.maxUnavailable).toBe(1);
  });

  test('traffic from the ingress controller only, egress only to its dependencies', () => {
    expect(of(objects, 'NetworkPolicy', 'web-traffic').spec.ingress.map((r: any) => r.from[0].namespaceSelector.matchLabels)).toEqual([
      { 'kubernetes.io/metadata.name': 'ingress-nginx' },
    ]);
    expect(of(objects, 'NetworkPolicy', 'web-traffic').spec.egress).toEqual([
      {
        to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'db', 'app.kubernetes.io/name': 'db' } } }],
        ports: [{ protocol: 'TCP', port: 5432 }],
      },
    ]);
    expect(clean(objects)).toEqual([]);
  });

  test('matches its snapshot', () => {
    expect(objects).toMatchSnapshot();
  });
});

describe('Worker', () => {
  const objects = synth('worker');

  test('accepts no traffic and reaches only its queue', () => {
    expect(of(objects, 'NetworkPolicy', 'worker-traffic').spec.policyTypes).toEqual(['Egress']);
    expect(of(objects, 'NetworkPolicy', 'worker-traffic').spec.ingress).toBeUndefined();
    expect(of(objects, 'NetworkPolicy', 'worker-traffic').spec.egress[0].ports).toEqual([{ protocol: 'TCP', port: 5672 }]);
    expect(of(objects, 'Service', 'worker')).toBeUndefined();
    expect(clean(objects)).toEqual([]);
  });

  test('matches its snapshot', () => {
    expect(objects).toMatchSnapshot();
  });
});

describe('ScheduledJob', () => {
  const objects = synth('scheduled-job');

  test('never overlaps, is stopped after an hour, keeps a short history', () => {
    expect(of(objects, 'CronJob', 'report').spec).toMatchObject({
      schedule: '15 2 * * *',
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 300,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      jobTemplate: { spec: { activeDeadlineSeconds: 3600, backoffLimit: 3 } },
    });
    expect(clean(objects)).toEqual([]);
  });

  test('matches its snapshot', () => {
    expect(objects).toMatchSnapshot();
  });
});

test('a ScheduledJob takes its writable paths like the other templates (default /tmp)', () => {
  const app = Testing.app();
  const chart = new Chart(app, 'test');
  new ScheduledJob(exampleTenant(chart), 'export', {
    image: exampleImage('export'),
    schedule: Cron.daily(),
    writablePaths: ['/tmp', '/var/cache/export'],
  });
  const job = Testing.synth(chart).find((o) => o.kind === 'CronJob');
  expect(job.spec.jobTemplate.spec.template.spec.containers[0].volumeMounts.map((m: any) => m.mountPath)).toEqual([
    '/tmp',
    '/var/cache/export',
  ]);
});

describe('StatefulStore', () => {
  const objects = synth('stateful-store');

  test('a volume per pod, probes that differ, reachable only from its clients', () => {
    const set = of(objects, 'StatefulSet', 'db');
    expect(set.spec.volumeClaimTemplates[0].spec).toEqual({
      accessModes: ['ReadWriteOnce'],
      storageClassName: 'encrypted-ssd',
      resources: { requests: { storage: '20Gi' } },
    });
    const container = set.spec.template.spec.containers[0];
    expect(container.readinessProbe).not.toEqual(container.livenessProbe);
    expect(of(objects, 'NetworkPolicy', 'db-traffic').spec.ingress).toEqual([
      {
        from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'app', 'app.kubernetes.io/name': 'app' } } }],
        ports: [{ protocol: 'TCP', port: 5432 }],
      },
    ]);
    expect(clean(objects)).toEqual([]);
  });

  test('matches its snapshot', () => {
    expect(objects).toMatchSnapshot();
  });
});

describe('Tenant', () => {
  const objects = synth('tenant');

  test("a hardened namespace with the three profiles bound to the tenant's groups", () => {
    expect(objects.filter((o) => o.kind === 'RoleBinding').map((b) => [b.metadata.name, b.subjects])).toEqual([
      ['viewers', [{ kind: 'Group', name: 'oidc:team-viewers', apiGroup: 'rbac.authorization.k8s.io' }]],
      ['developers', [{ kind: 'Group', name: 'oidc:team-devs', apiGroup: 'rbac.authorization.k8s.io' }]],
      ['admins', [{ kind: 'Group', name: 'oidc:team-admins', apiGroup: 'rbac.authorization.k8s.io' }]],
    ]);
    expect(of(objects, 'Namespace', 'team').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(clean(objects)).toEqual([]);
  });

  test('matches its snapshot', () => {
    expect(objects).toMatchSnapshot();
  });
});

describe('TenantApplication', () => {
  test('an AppProject confined to the tenant namespace, and an Application syncing its folder', () => {
    const objects = synth('tenant-application', 'argocd');
    expect(objects).toMatchSnapshot();
    expect(of(objects, 'AppProject', 'team').spec.clusterResourceWhitelist).toEqual([{ group: '', kind: 'Namespace' }]);
  });
});

test('every template has an example (snapshot-tested here, scanned in CI)', () => {
  const templates = fs
    .readdirSync(path.join(__dirname, '../../templates'))
    .filter((f) => f.endsWith('.ts') && !['index.ts', 'examples.ts', 'dependency.ts'].includes(f))
    .map((f) => f.replace(/\.ts$/, ''));
  expect(TEMPLATE_EXAMPLES.map((e) => e.name).sort()).toEqual(templates.sort());
});
