import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  Cpu,
  EnvFrom,
  EnvValue,
  HardenedContainerProps,
  HardenedDeployment,
  HardenedDeploymentProps,
  HardenedStatefulSet,
  HealthCheck,
  HttpScheme,
  LifecycleHook,
  NetworkProtocol,
  PodField,
  PodVolume,
} from '../../lib';
import { CONTAINER, only, podSpec, synthObjects } from '../support';

/**
 * The library's own container types (what users pass in, whatever cdk8s-plus version their
 * project uses) render the same fields cdk8s-plus would.
 */
function pod(container: Partial<HardenedContainerProps>, props: Partial<HardenedDeploymentProps> = {}): any {
  const objects = synthObjects((scope) => new HardenedDeployment(scope, 'web', { containers: [{ ...CONTAINER, ...container }], ...props }));
  return podSpec(only(objects, 'Deployment'));
}

const build =
  (container: Partial<HardenedContainerProps>, props: Partial<HardenedDeploymentProps> = {}) =>
  () =>
    pod(container, props);
const reason = 'the vendor agent reads its token from the environment only';

describe('HealthCheck', () => {
  test('httpGet renders every option', () => {
    const readiness = HealthCheck.httpGet('/ready', {
      port: 8443,
      scheme: HttpScheme.HTTPS,
      host: 'localhost',
      failureThreshold: 5,
      successThreshold: 2,
      initialDelay: Duration.seconds(3),
      period: Duration.seconds(7),
      timeout: Duration.seconds(2),
    });
    expect(pod({ readiness }).containers[0].readinessProbe).toEqual({
      httpGet: { path: '/ready', port: 8443, scheme: 'HTTPS', host: 'localhost' },
      failureThreshold: 5,
      successThreshold: 2,
      initialDelaySeconds: 3,
      periodSeconds: 7,
      timeoutSeconds: 2,
    });
  });

  test('httpGet and tcpSocket default to the container port, command runs in the container', () => {
    const c = pod({
      readiness: HealthCheck.httpGet('/ready'),
      liveness: HealthCheck.tcpSocket({ period: Duration.seconds(20) }),
      startup: HealthCheck.command(['/bin/check', '--startup'], { failureThreshold: 30 }),
    }).containers[0];
    expect(c.readinessProbe).toEqual({ httpGet: { path: '/ready', port: 8080, scheme: 'HTTP' }, failureThreshold: 3 });
    expect(c.livenessProbe).toEqual({ tcpSocket: { port: 8080 }, failureThreshold: 3, periodSeconds: 20 });
    expect(c.startupProbe).toEqual({ exec: { command: ['/bin/check', '--startup'] }, failureThreshold: 30 });
  });

  test('renders what the cdk8s-plus-27 probe with the same options renders', () => {
    const ours = pod({ readiness: HealthCheck.tcpSocket({ port: 9000, period: Duration.seconds(10) }) }).containers[0].readinessProbe;
    const theirs = synthObjects(
      (scope) =>
        new kplus.Deployment(scope, 'plain', {
          containers: [
            { image: 'x', portNumber: 8080, readiness: kplus.Probe.fromTcpSocket({ port: 9000, periodSeconds: Duration.seconds(10) }) },
          ],
        }),
    ).find((o) => o.kind === 'Deployment').spec.template.spec.containers[0].readinessProbe;
    expect(ours).toEqual(theirs);
  });
});

test('lifecycle hooks run a command or a GET request', () => {
  const c = pod({
    lifecycle: { postStart: LifecycleHook.httpGet('/warm', { port: 9090 }), preStop: LifecycleHook.command(['/bin/drain']) },
  }).containers[0];
  expect(c.lifecycle).toEqual({
    postStart: { httpGet: { path: '/warm', port: 9090, scheme: 'HTTP' } },
    preStop: { exec: { command: ['/bin/drain'] } },
  });
});

test('ports keep their name and protocol, on the container and on the headless Service', () => {
  const ports = [
    { number: 5432, name: 'sql' },
    { number: 5353, name: 'dns', protocol: NetworkProtocol.UDP },
  ];
  expect(pod({ portNumber: undefined, ports }).containers[0].ports).toEqual([
    { containerPort: 5432, name: 'sql' },
    { containerPort: 5353, name: 'dns', protocol: 'UDP' },
  ]);
  const objects = synthObjects(
    (scope) => new HardenedStatefulSet(scope, 'db', { containers: [{ ...CONTAINER, portNumber: undefined, ports }] }),
  );
  expect(only(objects, 'Service').spec.ports).toEqual([
    { port: 5432, targetPort: 5432, name: 'sql' },
    { port: 5353, targetPort: 5353, name: 'dns', protocol: 'UDP' },
  ]);
});

describe('environment', () => {
  test('literal values, ConfigMap keys and pod fields', () => {
    const env = pod({
      envVariables: {
        LOG_LEVEL: EnvValue.fromValue('info'),
        FEATURES: EnvValue.fromConfigMapKey('settings', 'features', { optional: true }),
        NAMESPACE: EnvValue.fromPodField(PodField.POD_NAMESPACE),
      },
    }).containers[0].env;
    expect(env).toEqual([
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'FEATURES', valueFrom: { configMapKeyRef: { name: 'settings', key: 'features', optional: true } } },
      { name: 'NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
    ]);
  });

  test('a Secret key as a variable needs the secret-as-file exception, as secretEnv does', () => {
    const envVariables = { API_TOKEN: EnvValue.fromSecretKey('partner-api', 'token') };
    expect(build({ envVariables })).toThrow(
      "[test/shop/web] 'containers[0].envVariables.API_TOKEN': puts Secret keys into environment variables, which every child process inherits and crash reports print. Use secretMounts and point the software at the file. If it is really needed, add exceptions: [{ rule: 'secret-as-file'",
    );
    const env = pod({ envVariables }, { exceptions: [{ rule: 'secret-as-file', reason }] }).containers[0].env;
    expect(env).toEqual([{ name: 'API_TOKEN', valueFrom: { secretKeyRef: { name: 'partner-api', key: 'token' } } }]);
  });

  test('a variable set by envVariables and secretEnv fails', () => {
    expect(
      build(
        { envVariables: { TOKEN: EnvValue.fromValue('x') }, secretEnv: [{ name: 'TOKEN', secretName: 'api', key: 'token' }] },
        { exceptions: [{ rule: 'secret-as-file', reason }] },
      ),
    ).toThrow("'containers[0].secretEnv[0].name' 'TOKEN' is set twice. Keep one.");
  });

  test('envFrom takes every key of a ConfigMap; of a Secret only with the exception', () => {
    expect(pod({ envFrom: [EnvFrom.fromConfigMap('settings', { prefix: 'APP_' })] }).containers[0].envFrom).toEqual([
      { configMapRef: { name: 'settings' }, prefix: 'APP_' },
    ]);
    const envFrom = [EnvFrom.fromSecret('partner-api')];
    expect(build({ envFrom })).toThrow("'containers[0].envFrom[0]': puts Secret keys into environment variables");
    expect(pod({ envFrom }, { exceptions: [{ rule: 'secret-as-file', reason }] }).containers[0].envFrom).toEqual([
      { secretRef: { name: 'partner-api' } },
    ]);
  });
});

describe('volume mounts', () => {
  test('one PodVolume mounted into two containers is one volume of the pod', () => {
    const settings = PodVolume.fromConfigMap('settings', { items: { 'app.yaml': 'config/app.yaml' }, defaultMode: 0o440 });
    const spec = pod(
      {},
      {
        containers: [
          { ...CONTAINER, name: 'app', volumeMounts: [{ volume: settings, path: '/etc/app', readOnly: true }] },
          { ...CONTAINER, name: 'proxy', portNumber: 9000, volumeMounts: [{ volume: settings, path: '/etc/proxy', subPath: 'config' }] },
        ],
      },
    );
    expect(spec.volumes).toEqual([
      {
        name: 'configmap-settings',
        configMap: { name: 'settings', defaultMode: 0o440, items: [{ key: 'app.yaml', path: 'config/app.yaml' }] },
      },
    ]);
    expect(spec.containers.map((c: any) => c.volumeMounts)).toEqual([
      [{ name: 'configmap-settings', mountPath: '/etc/app', readOnly: true }],
      [{ name: 'configmap-settings', mountPath: '/etc/proxy', subPath: 'config' }],
    ]);
  });

  test('a scratch directory is size-limited by default; a claim can be read-only', () => {
    const spec = pod({
      volumeMounts: [
        { volume: PodVolume.fromEmptyDir('scratch'), path: '/scratch' },
        { volume: PodVolume.fromEmptyDir('cache', { sizeLimit: Size.mebibytes(256), inMemory: true }), path: '/cache' },
        { volume: PodVolume.fromPersistentVolumeClaim('reports', { readOnly: true }), path: '/reports' },
      ],
      writablePaths: ['/tmp'],
    });
    expect(spec.volumes).toEqual([
      { name: 'scratch', emptyDir: { sizeLimit: '64Mi' } },
      { name: 'cache', emptyDir: { medium: 'Memory', sizeLimit: '256Mi' } },
      { name: 'pvc-reports', persistentVolumeClaim: { claimName: 'reports', readOnly: true } },
      { name: 'main-tmp', emptyDir: { sizeLimit: '64Mi' } },
    ]);
    expect(spec.containers[0].volumeMounts.map((m: any) => m.mountPath)).toEqual(['/scratch', '/cache', '/reports', '/tmp']);
  });

  test.each<[string, Partial<HardenedContainerProps>, string]>([
    [
      'a relative path',
      { volumeMounts: [{ volume: PodVolume.fromEmptyDir('scratch'), path: 'scratch' }] },
      "[test/shop/web] 'containers[0].volumeMounts[0].path' must be an absolute directory path other than '/', without '..' (got 'scratch'). For example '/etc/app'.",
    ],
    [
      'a path a writable path uses',
      { writablePaths: ['/tmp'], volumeMounts: [{ volume: PodVolume.fromEmptyDir('scratch'), path: '/tmp' }] },
      "[test/shop/web] 'containers[0].volumeMounts[0].path' '/tmp' is already used by another mount of this container. Give each mount its own path.",
    ],
    [
      'two volumes of one name',
      {
        volumeMounts: [
          { volume: PodVolume.fromEmptyDir('scratch'), path: '/a' },
          { volume: PodVolume.fromEmptyDir('scratch'), path: '/b' },
        ],
      },
      "[test/shop/web] 'containers[0].volumeMounts[1].volume' is named 'scratch' like another volume of the pod. Give it its own 'name', or mount the same PodVolume object to share it.",
    ],
    [
      'a volume name that is not a label',
      { volumeMounts: [{ volume: PodVolume.fromEmptyDir('Scratch'), path: '/a' }] },
      "[test/shop/web] 'containers[0].volumeMounts[0].volume' is named 'Scratch', which is not a DNS-1123 label. Give it a 'name' such as 'config'.",
    ],
  ])('fails on %s', (_case, container, message) => {
    expect(build(container)).toThrow(message);
  });
});

test('CPU in cores or thousandths', () => {
  const resources = pod({
    resources: {
      cpu: { request: Cpu.cores(0.5), limit: Cpu.millis(1500) },
      memory: { request: Size.mebibytes(64), limit: Size.mebibytes(64) },
    },
  }).containers[0].resources;
  expect([resources.requests.cpu, resources.limits.cpu]).toEqual(['0.5', '1500m']);
  expect(Cpu.millis(250).amount).toBe('250m');
});

describe('a cdk8s-plus object where the library expects its own (plain JavaScript, or a cast) fails naming the field', () => {
  test.each<[string, any, string]>([
    [
      'a Probe',
      { readiness: kplus.Probe.fromHttpGet('/ready') },
      "[test/shop/web] 'containers[0].readiness' is not built by cdk8s-hardened (a cdk8s-plus object is not accepted here). Build it with HealthCheck.httpGet('/ready', { port: 8080 }).",
    ],
    [
      'a Handler',
      { lifecycle: { preStop: kplus.Handler.fromCommand(['x']) } },
      "'containers[0].lifecycle.preStop' is not built by cdk8s-hardened (a cdk8s-plus object is not accepted here). Build it with LifecycleHook.command(['/bin/drain']).",
    ],
    ['an EnvValue', { envVariables: { A: kplus.EnvValue.fromValue('x') } }, "Build it with EnvValue.fromValue('info')."],
    [
      'a Cpu',
      { resources: { cpu: { request: kplus.Cpu.millis(1) }, memory: {} } },
      "'containers[0].resources.cpu.request' is not built by cdk8s-hardened",
    ],
  ])('%s', (_case, container, message) => {
    expect(build(container)).toThrow(message);
  });
});
