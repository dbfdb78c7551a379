import { Chart, Cron, Size } from 'cdk8s';
import { ScheduledJob } from './scheduled-job';
import { StatefulStore } from './stateful-store';
import { Tenant } from './tenant';
import { TenantApplication } from './tenant-application';
import { WebService } from './web-service';
import { Worker } from './worker';

/**
 * One small platform per template, as a user would write it: snapshot-tested
 * (test/templates) and, synthesized by scripts/synth-templates.ts, scanned in CI by the
 * scanners users run (scripts/scan.sh). Not part of the public API.
 */
export interface TemplateExample {
  /** Folder name of its output: the template's file name. */
  readonly name: string;
  /** Adds the example to a chart. */
  readonly build: (chart: Chart) => void;
}

/** An image pinned by digest, as the templates require. */
export const exampleImage = (name: string) => `registry.example.com/${name}@sha256:${'c3'.repeat(32)}`;

/** The tenant every workload example lives in. */
export function exampleTenant(chart: Chart): Tenant {
  return new Tenant(chart, 'team', {
    viewerGroups: ['oidc:team-viewers'],
    developerGroups: ['oidc:team-devs'],
    adminGroups: ['oidc:team-admins'],
  });
}

/** An example that builds `workloads` in the example tenant. */
const inTenant = (name: string, workloads: (team: Tenant) => void): TemplateExample => ({
  name,
  build: (chart) => workloads(exampleTenant(chart)),
});

export const TEMPLATE_EXAMPLES: readonly TemplateExample[] = [
  inTenant('web-service', (team) => {
    const db = new StatefulStore(team, 'db', { image: exampleImage('db'), port: 5432, dataPath: '/data', storage: Size.gibibytes(1) });
    new WebService(team, 'web', {
      image: exampleImage('web'),
      port: 8080,
      maxReplicas: 6,
      dependencies: [{ workload: db.workload, port: 5432 }],
    });
  }),
  inTenant('worker', (team) => {
    const queue = new StatefulStore(team, 'queue', {
      image: exampleImage('queue'),
      port: 5672,
      dataPath: '/data',
      storage: Size.gibibytes(1),
    });
    new Worker(team, 'worker', {
      image: exampleImage('worker'),
      healthPort: 8081,
      dependencies: [{ workload: queue.workload, port: 5672 }],
    });
  }),
  inTenant('scheduled-job', (team) => {
    new ScheduledJob(team, 'report', { image: exampleImage('report'), schedule: Cron.schedule({ minute: '15', hour: '2' }) });
  }),
  inTenant('stateful-store', (team) => {
    const app = new WebService(team, 'app', { image: exampleImage('app'), port: 8080 });
    new StatefulStore(team, 'db', {
      image: exampleImage('db'),
      port: 5432,
      dataPath: '/var/lib/data',
      storage: Size.gibibytes(20),
      storageClassName: 'encrypted-ssd',
      clients: [app.workload],
    });
  }),
  inTenant('tenant', () => undefined),
  {
    name: 'tenant-application',
    build: (chart) => {
      new TenantApplication(chart, 'team', { namespace: 'team', repoUrl: 'https://git.example.com/p.git', path: 'dist/team' });
    },
  },
];

/** The example of `name`. */
export function templateExample(name: string): TemplateExample {
  const example = TEMPLATE_EXAMPLES.find((e) => e.name === name);
  if (!example) throw new Error(`no template example '${name}' (have: ${TEMPLATE_EXAMPLES.map((e) => e.name).join(', ')})`);
  return example;
}
