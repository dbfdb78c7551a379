import { eachContainer, podSpecOf, POD_TEMPLATE_KINDS } from '../../lib/review/walkers';
import { container, deployment, hardenedContainer, workloadOfKind } from './builders';

describe('podSpecOf', () => {
  test.each([
    ['Pod', 'spec', 'metadata'],
    ['PodTemplate', 'template.spec', 'template.metadata'],
    ['ReplicationController', 'spec.template.spec', 'spec.template.metadata'],
    ['ReplicaSet', 'spec.template.spec', 'spec.template.metadata'],
    ['Deployment', 'spec.template.spec', 'spec.template.metadata'],
    ['StatefulSet', 'spec.template.spec', 'spec.template.metadata'],
    ['DaemonSet', 'spec.template.spec', 'spec.template.metadata'],
    ['Job', 'spec.template.spec', 'spec.template.metadata'],
    ['CronJob', 'spec.jobTemplate.spec.template.spec', 'spec.jobTemplate.spec.template.metadata'],
  ])('finds the pod spec of a %s at %s', (kind, specPath, metadataPath) => {
    const view = podSpecOf(workloadOfKind(kind));
    expect(view?.path).toBe(specPath);
    expect(view?.metadataPath).toBe(metadataPath);
    expect(view?.spec.serviceAccountName).toBe('web');
  });

  test('covers every pod template kind', () => {
    expect(POD_TEMPLATE_KINDS.filter((kind) => !podSpecOf(workloadOfKind(kind)))).toEqual([]);
  });

  test.each([
    ['another kind', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: {} }],
    ['no spec', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' } }],
    ['a template spec that is not a mapping', { apiVersion: 'apps/v1', kind: 'Deployment', spec: { template: { spec: 'nope' } } }],
  ])('returns undefined for %s', (_what, obj) => {
    expect(podSpecOf(obj)).toBeUndefined();
  });
});

describe('eachContainer', () => {
  test('visits init containers, containers, then ephemeral containers, with their paths and labels', () => {
    const obj = deployment((s) => {
      s.containers.push(hardenedContainer('sidecar'));
      s.ephemeralContainers = [{ name: 'debug', image: 'busybox' }];
    });
    expect(eachContainer(obj).map((c) => [c.kind, c.path, c.label])).toEqual([
      ['initContainer', 'spec.template.spec.initContainers[0]', 'init container "setup"'],
      ['container', 'spec.template.spec.containers[0]', 'container "web"'],
      ['container', 'spec.template.spec.containers[1]', 'container "sidecar"'],
      ['ephemeralContainer', 'spec.template.spec.ephemeralContainers[0]', 'ephemeral container "debug"'],
    ]);
  });

  test('a container value wins over the pod value, even false or 0', () => {
    const obj = deployment((s) => {
      s.securityContext.runAsNonRoot = true;
      Object.assign(container(s).securityContext, { runAsNonRoot: false, runAsUser: 0 });
    });
    const web = eachContainer(obj).find((c) => c.name === 'web')!;
    expect(web.effective.runAsNonRoot).toEqual({ value: false, path: 'spec.template.spec.containers[0].securityContext.runAsNonRoot', from: 'container' });
    expect(web.effective.runAsUser).toEqual({ value: 0, path: 'spec.template.spec.containers[0].securityContext.runAsUser', from: 'container' });
  });

  test('unset container values fall back to the pod, then to unset', () => {
    const obj = deployment((s) => { delete s.securityContext.runAsGroup; });
    const setup = eachContainer(obj)[0];
    expect(setup.effective.runAsUser).toEqual({ value: 65532, path: 'spec.template.spec.securityContext.runAsUser', from: 'pod' });
    expect(setup.effective.seccompProfile).toEqual({ value: { type: 'RuntimeDefault' }, path: 'spec.template.spec.securityContext.seccompProfile', from: 'pod' });
    expect(setup.effective.runAsGroup).toEqual({ value: undefined, path: 'spec.template.spec.initContainers[0].securityContext.runAsGroup', from: 'unset' });
  });

  test('tolerates containers without a name or security context', () => {
    const obj = { apiVersion: 'v1', kind: 'Pod', spec: { containers: [{ image: 'x' }, null] } };
    expect(eachContainer(obj).map((c) => [c.label, c.securityContext])).toEqual([['container ""', {}], ['container ""', {}]]);
  });
});
