import { eachContainer, LONG_RUNNING_KINDS, podSpecOf, podSpecsOf, POD_TEMPLATE_KINDS } from '../../lib/review/walkers';
import { reviewContextOf } from '../../lib/review/engine';
import { container, deployment, hardenedContainer, POD_PATHS, workloadOfKind } from './builders';

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

  test('knows these kinds, by API group and kind, and which run forever', () => {
    expect(POD_TEMPLATE_KINDS).toEqual(Object.keys(POD_PATHS));
    expect(LONG_RUNNING_KINDS).toEqual([
      'ReplicaSet',
      'Deployment',
      'StatefulSet',
      'DaemonSet',
      'apps.openshift.io/DeploymentConfig',
      'argoproj.io/Rollout',
      'serving.knative.dev/Service',
      'serving.knative.dev/Configuration',
      'serving.knative.dev/Revision',
      'apps.kruise.io/CloneSet',
      'apps.kruise.io/StatefulSet',
      'apps.kruise.io/DaemonSet',
    ]);
  });

  test.each([
    ['another kind', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: {} }],
    ['no spec', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' } }],
    ['a template spec that is not a mapping', { apiVersion: 'apps/v1', kind: 'Deployment', spec: { template: { spec: 'nope' } } }],
  ])('returns undefined for %s', (_what, obj) => {
    expect(podSpecOf(obj)).toBeUndefined();
  });
});

describe('podSpecsOf', () => {
  test.each(Object.entries(POD_PATHS))('finds every pod spec of a %s, at %j', (kind, paths) => {
    const views = podSpecsOf(workloadOfKind(kind));
    expect(views.map((v) => v.path)).toEqual(paths);
    expect(views.map((v) => v.metadataPath)).toEqual(paths.map((p) => p.replace(/spec$/, 'metadata')));
    expect(views.every((v) => v.spec.serviceAccountName === 'web')).toBe(true);
  });

  test('a kind with one template per role names each role', () => {
    expect(podSpecsOf(workloadOfKind('kubeflow.org/PyTorchJob')).map((v) => [v.role, v.longRunning])).toEqual([
      ['Master', false],
      ['Worker', false],
    ]);
    expect(podSpecsOf(workloadOfKind('argoproj.io/Rollout')).map((v) => [v.role, v.longRunning])).toEqual([[undefined, true]]);
  });

  test('a role key that is not a plain name is quoted in the path', () => {
    const job = {
      apiVersion: 'kubeflow.org/v1',
      kind: 'TFJob',
      spec: { tfReplicaSpecs: { 'chief-0': { template: { spec: { containers: [] } } } } },
    };
    expect(podSpecsOf(job).map((v) => v.path)).toEqual(['spec.tfReplicaSpecs["chief-0"].template.spec']);
  });

  test.each([
    ['a Deployment of another API group', { ...workloadOfKind('Deployment'), apiVersion: 'example.com/v1' }],
    ['a StatefulSet of another API group', { ...workloadOfKind('StatefulSet'), apiVersion: 'example.com/v1beta1' }],
    ['a Rollout of another API group', { ...workloadOfKind('argoproj.io/Rollout'), apiVersion: 'rollouts.example.com/v1' }],
    [
      'a core Service (not a Knative one)',
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { template: { spec: { containers: [{ image: 'x' }] } } } },
    ],
    [
      'a Rollout that references its Deployment (workloadRef: no template)',
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Rollout',
        metadata: { name: 'web' },
        spec: { replicas: 2, workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' } },
      },
    ],
  ])('finds no pod in %s', (_what, obj) => {
    expect(podSpecsOf(obj)).toEqual([]);
  });

  test('old API versions of the built-in groups are still the built-in kinds', () => {
    for (const apiVersion of ['apps/v1beta2', 'extensions/v1beta1']) {
      expect(podSpecsOf({ ...workloadOfKind('Deployment'), apiVersion }).map((v) => v.path)).toEqual(['spec.template.spec']);
    }
  });

  test('within one review context, each object is walked once; another context walks it again', () => {
    const obj = workloadOfKind('kubeflow.org/TFJob');
    const context = reviewContextOf([obj]);
    expect(podSpecsOf(obj, context)).toBe(podSpecsOf(obj, context));
    expect(podSpecsOf(obj, reviewContextOf([obj]))).not.toBe(podSpecsOf(obj, context));
    expect(podSpecsOf(obj)).not.toBe(podSpecsOf(obj));
    expect(eachContainer(obj, context)).toEqual(podSpecsOf(obj, context).flatMap((pod) => eachContainer(obj, pod)));
    expect(eachContainer(obj, podSpecsOf(obj, context)[1])).toBe(eachContainer(obj, podSpecsOf(obj, context)[1]));
  });
});

describe('eachContainer', () => {
  test('visits the containers of every pod of the object, each at its path', () => {
    expect(eachContainer(workloadOfKind('kubeflow.org/PyTorchJob')).map((c) => c.path)).toEqual([
      'spec.pytorchReplicaSpecs.Master.template.spec.initContainers[0]',
      'spec.pytorchReplicaSpecs.Master.template.spec.containers[0]',
      'spec.pytorchReplicaSpecs.Worker.template.spec.initContainers[0]',
      'spec.pytorchReplicaSpecs.Worker.template.spec.containers[0]',
    ]);
  });

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
    expect(web.effective.runAsNonRoot).toEqual({
      value: false,
      path: 'spec.template.spec.containers[0].securityContext.runAsNonRoot',
      from: 'container',
    });
    expect(web.effective.runAsUser).toEqual({
      value: 0,
      path: 'spec.template.spec.containers[0].securityContext.runAsUser',
      from: 'container',
    });
  });

  test('unset container values fall back to the pod, then to unset', () => {
    const obj = deployment((s) => {
      delete s.securityContext.runAsGroup;
    });
    const setup = eachContainer(obj)[0];
    expect(setup.effective.runAsUser).toEqual({ value: 65532, path: 'spec.template.spec.securityContext.runAsUser', from: 'pod' });
    expect(setup.effective.seccompProfile).toEqual({
      value: { type: 'RuntimeDefault' },
      path: 'spec.template.spec.securityContext.seccompProfile',
      from: 'pod',
    });
    expect(setup.effective.runAsGroup).toEqual({
      value: undefined,
      path: 'spec.template.spec.initContainers[0].securityContext.runAsGroup',
      from: 'unset',
    });
  });

  test('tolerates containers without a name or security context', () => {
    const obj = { apiVersion: 'v1', kind: 'Pod', spec: { containers: [{ image: 'x' }, null] } };
    expect(eachContainer(obj).map((c) => [c.label, c.securityContext])).toEqual([
      ['container ""', {}],
      ['container ""', {}],
    ]);
  });
});
