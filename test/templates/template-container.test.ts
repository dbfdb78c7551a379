import { Chart, Cron, Size, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { EnvValue, HardenedNamespace, WorkloadSize } from '../../lib';
import { ScheduledJob, StatefulStore, TemplateContainerOptions, WebService, Worker } from '../../templates';
import { exampleImage } from '../../templates/examples';

/**
 * Every template takes the shared container options and passes each one to its container: a
 * template that forgot one (as happened before the options were shared) fails here.
 */
const OPTIONS: TemplateContainerOptions = {
  image: exampleImage('app'),
  args: ['--queue', 'orders'],
  envVariables: { LOG_LEVEL: EnvValue.fromValue('debug') },
  size: WorkloadSize.LARGE,
  writablePaths: ['/cache'],
  secretMounts: [{ secretName: 'db-credentials', path: '/var/run/secrets/db' }],
};

const TEMPLATES: { [name: string]: (scope: Construct) => void } = {
  WebService: (scope) => new WebService(scope, 'app', { ...OPTIONS, port: 8080 }),
  Worker: (scope) => new Worker(scope, 'app', { ...OPTIONS, healthPort: 8080, dependencies: [] }),
  ScheduledJob: (scope) => new ScheduledJob(scope, 'app', { ...OPTIONS, schedule: Cron.daily() }),
  StatefulStore: (scope) => new StatefulStore(scope, 'app', { ...OPTIONS, port: 5432, dataPath: '/data', storage: Size.gibibytes(1) }),
};

describe.each(Object.entries(TEMPLATES))('%s', (_name, build) => {
  const chart = new Chart(Testing.app(), 'test');
  build(new HardenedNamespace(chart, 'team'));
  const workload = Testing.synth(chart).find((o) => ['Deployment', 'StatefulSet', 'CronJob'].includes(o.kind));
  const pod = workload.kind === 'CronJob' ? workload.spec.jobTemplate.spec.template.spec : workload.spec.template.spec;
  const [container] = pod.containers;

  test('passes image, args and environment to its container', () => {
    expect(container.image).toBe(OPTIONS.image);
    expect(container.args).toEqual(['--queue', 'orders']);
    expect(container.env).toEqual([{ name: 'LOG_LEVEL', value: 'debug' }]);
  });

  test('passes size, writable paths and secret mounts to its container', () => {
    expect(container.resources.limits.memory).toBe('2048Mi');
    const mounted = container.volumeMounts.map((m: { mountPath: string }) => m.mountPath);
    expect(mounted).toEqual(expect.arrayContaining(['/cache', '/var/run/secrets/db']));
    expect(mounted).not.toContain('/tmp');
  });
});
