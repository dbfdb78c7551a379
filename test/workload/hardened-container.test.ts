import { Size } from 'cdk8s';
import {
  Cpu,
  HardenedContainerProps,
  HardenedDeployment,
  HardenedDeploymentProps,
  HardeningException,
  ImagePullPolicy,
  WorkloadSize,
} from '../../lib';
import { exceptionAnnotations } from '../../lib/policy/exception-routing';
import { CONTAINER, IMAGE, only, podSpec, synthObjects } from '../support';

function deployment(props: Partial<HardenedDeploymentProps> = {}, container: Partial<HardenedContainerProps> = {}): any {
  const objects = synthObjects((chart) => new HardenedDeployment(chart, 'web', { containers: [{ ...CONTAINER, ...container }], ...props }));
  return only(objects, 'Deployment');
}

function build(props: Partial<HardenedDeploymentProps> = {}, container: Partial<HardenedContainerProps> = {}): () => void {
  return () => deployment(props, container);
}

const reason = 'needed by the legacy payment agent, reviewed by security';
const except = (...rules: string[]): HardeningException[] => rules.map((rule) => ({ rule, reason }));

/** Every path at which two JSON values differ, for "changes exactly one field" assertions. */
function differences(a: any, b: any, at = ''): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return [at];
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.flatMap((key) => differences(a[key], b[key], `${at}/${key}`));
}

describe('bad input fails with the construct path, the field and the fix', () => {
  test.each<[string, Partial<HardenedDeploymentProps>, Partial<HardenedContainerProps>, string]>([
    [
      'an image without digest',
      {},
      { image: 'nginx:1.27' },
      "[test/shop/web] 'containers[0].image': 'nginx:1.27' is not pinned by digest, so the image that runs may not be the image reviewed. Pin it as repo@sha256:<digest> (see `docker buildx imagetools inspect <image>`). If it is really needed, add exceptions: [{ rule: 'image-digest', reason: '<why this is needed and safe>' }].",
    ],
    [
      'a digest of the wrong length (no exception makes it pullable)',
      { exceptions: except('image-digest') },
      { image: `repo:4.2@sha256:${'9f86'.repeat(15)}ab` },
      `[test/shop/web] 'containers[0].image': 'repo:4.2@sha256:${'9f86'.repeat(15)}ab': its digest must be sha256: followed by 64 lowercase hex characters; it has 62. Copy the whole digest from \`crane digest <image>\`.`,
    ],
    [
      'a digest in capitals',
      {},
      { image: `repo@sha256:${'AB'.repeat(32)}` },
      'its digest must be sha256: followed by 64 lowercase hex characters; it has 64, not all lowercase.',
    ],
    [
      'a digest of another algorithm',
      {},
      { image: `repo@sha512:${'a'.repeat(128)}` },
      `'containers[0].image': 'repo@sha512:${'a'.repeat(128)}': its digest must be sha256: followed by 64 lowercase hex characters, and "sha512" is not sha256. Pin it as repo@sha256:<digest>`,
    ],
    [
      'runAsUser 0',
      { runAsUser: 0 },
      {},
      "[test/shop/web] 'containers[0].securityContext.runAsUser': UID 0 is root. Use a non-root UID above 10000, such as 65532. If it is really needed, add exceptions: [{ rule: 'no-root-user'",
    ],
    ['a container runAsUser 0', {}, { securityContext: { runAsUser: 0 } }, "'containers[0].securityContext.runAsUser': UID 0 is root."],
    [
      'a low UID',
      { runAsUser: 1000 },
      {},
      "[test/shop/web] 'containers[0].securityContext': UID 1000 / GID 65532 may collide with users of the host",
    ],
    ['a low fsGroup', { fsGroup: 100 }, {}, "[test/shop/web] 'fsGroup': GID 100 may collide"],
    ['a negative UID', { runAsUser: -1 }, {}, "'containers[0].securityContext.runAsUser' must be a non-negative integer (got -1)"],
    [
      'privileged: true without an exception',
      {},
      { securityContext: { privileged: true, allowPrivilegeEscalation: true } },
      "[test/shop/web] 'containers[0].securityContext.privileged': a privileged container has full access to the host. Remove it. If it is really needed, add exceptions: [{ rule: 'no-privileged'",
    ],
    [
      'allowPrivilegeEscalation without an exception',
      {},
      { securityContext: { allowPrivilegeEscalation: true } },
      "rule: 'no-privilege-escalation'",
    ],
    [
      'a writable root filesystem without an exception',
      {},
      { securityContext: { readOnlyRootFilesystem: false } },
      'List the paths that must be writable in writablePaths instead.',
    ],
    [
      'a capability beyond NET_BIND_SERVICE',
      {},
      { securityContext: { addCapabilities: ['CHOWN'] } },
      "'containers[0].securityContext.addCapabilities': adds 'CHOWN'; only NET_BIND_SERVICE is allowed",
    ],
    [
      'a CAP_-prefixed capability',
      {},
      { securityContext: { addCapabilities: ['CAP_NET_BIND_SERVICE'] } },
      "write capabilities without the CAP_ prefix ('NET_BIND_SERVICE')",
    ],
    ['adding ALL capabilities', {}, { securityContext: { addCapabilities: ['ALL'] } }, "cannot add 'ALL'"],
    [
      'a host port',
      {},
      { ports: [{ number: 8080, hostPort: 80 }] },
      "'containers[0].ports[0].hostPort': a host port binds the node's network interface",
    ],
    ['a missing readiness probe', {}, { readiness: undefined }, "'containers[0].readiness': is missing"],
    [
      'a missing memory limit',
      {},
      { resources: { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(64) } } },
      "'containers[0].resources.memory.limit': is missing: without requests and a memory limit one pod can starve its node.",
    ],
    [
      'a missing cpu request',
      {},
      { resources: { memory: { request: Size.mebibytes(64), limit: Size.mebibytes(64) } } },
      "'containers[0].resources.cpu.request': is missing",
    ],
    [
      'an empty reason on an exception',
      { exceptions: [{ rule: 'image-digest', reason: '' }] },
      {},
      "[test/shop/web] 'exceptions[0].reason' for rule 'image-digest' must explain the exception in at least 10 visible characters (got \"\"). Write why the departure is needed and safe.",
    ],
    [
      'a reason that says nothing',
      { exceptions: [{ rule: 'image-digest', reason: 'because' }] },
      {},
      'must explain the exception in at least 10 visible characters (got "because")',
    ],
    [
      'an exception to a malformed rule id',
      { exceptions: [{ rule: 'No Privileged', reason }] },
      {},
      "'exceptions[0].rule' must be a rule id",
    ],
    [
      'an expiry that is not a date',
      { exceptions: [{ rule: 'image-digest', reason, expires: '2027-02-30' }] },
      {},
      "'exceptions[0].expires' must be a date written YYYY-MM-DD (got '2027-02-30')",
    ],
    [
      'the same rule excepted twice',
      { exceptions: except('image-digest', 'image-digest') },
      {},
      "'exceptions[1].rule' excepts 'image-digest' a second time",
    ],
    [
      'a duplicate writable path',
      {},
      { writablePaths: ['/tmp', '/var/cache', '/tmp'] },
      "[test/shop/web] 'containers[0].writablePaths[2]' repeats '/tmp'. List each writable path once.",
    ],
    ['a relative writable path', {}, { writablePaths: ['tmp'] }, "'containers[0].writablePaths[0]' must be an absolute directory path"],
    ['a writable path that escapes', {}, { writablePaths: ['/tmp/../etc'] }, "without '..'"],
    ['a container name that is not DNS-1123', {}, { name: 'Web' }, "'containers[0].name' must be a DNS-1123 label"],
    ['zero replicas', { replicas: 0 }, {}, "[test/shop/web] 'replicas' must be a whole number of at least 1 (got 0)"],
  ])('fails on %s', (_case, props, container, message) => {
    expect(build(props, container)).toThrow(message);
  });

  test('a tag alone needs image-digest, and latest also no-latest-tag', () => {
    expect(build({ exceptions: except('image-digest') }, { image: 'nginx' })).toThrow(
      "'nginx' uses the mutable 'latest' tag. Pin a digest, or at least a version tag. If it is really needed, add exceptions: [{ rule: 'no-latest-tag'",
    );
    expect(build({ exceptions: except('image-digest') }, { image: 'registry:5000/nginx:latest' })).toThrow("rule: 'no-latest-tag'");
    expect(
      deployment({ exceptions: except('image-digest') }, { image: 'registry:5000/nginx:1.27' }).spec.template.spec.containers[0].image,
    ).toBe('registry:5000/nginx:1.27');
  });

  test('privileged needs allowPrivilegeEscalation, as Kubernetes requires', () => {
    expect(build({ exceptions: except('no-privileged') }, { securityContext: { privileged: true } })).toThrow(
      "'containers[0].securityContext.allowPrivilegeEscalation' must be true when privileged is true",
    );
  });

  test('runAsUser 0 needs runAsNonRoot: false, or the kubelet refuses the pod', () => {
    expect(build({ runAsUser: 0, exceptions: except('no-root-user') })).toThrow(
      'is 0 but runAsNonRoot is true, so the kubelet would refuse to start the container',
    );
  });

  test('a capability outside the baseline set needs both capability exceptions', () => {
    expect(build({ exceptions: except('drop-all-capabilities') }, { securityContext: { addCapabilities: ['NET_ADMIN'] } })).toThrow(
      "adds 'NET_ADMIN', which even Pod Security baseline forbids. Remove 'NET_ADMIN'. If it is really needed, add exceptions: [{ rule: 'baseline-capabilities'",
    );
  });

  test('several containers must be named', () => {
    expect(() => synthObjects((chart) => new HardenedDeployment(chart, 'web', { containers: [CONTAINER, CONTAINER] }))).toThrow(
      "'containers[0].name' is required when a pod has several containers.",
    );
    expect(() =>
      synthObjects(
        (chart) =>
          new HardenedDeployment(chart, 'web', {
            containers: [
              { ...CONTAINER, name: 'a' },
              { ...CONTAINER, name: 'a' },
            ],
          }),
      ),
    ).toThrow("'containers[1].name' repeats 'a'.");
  });

  test('an empty container list is refused', () => {
    expect(() => synthObjects((chart) => new HardenedDeployment(chart, 'web', { containers: [] }))).toThrow("'containers' is empty.");
  });
});

describe('an exception changes exactly the field it allows, and is recorded', () => {
  const baseline = deployment();

  /** The values the construct asks for, which the annotation names. */
  const ACCEPTED: Record<string, string[]> = {
    'image-digest': ['registry.example.com/shop/web:1.4.2'],
    'drop-all-capabilities': ['CHOWN'],
  };
  test.each<[string, Partial<HardenedDeploymentProps>, Partial<HardenedContainerProps>, string[]]>([
    [
      'read-only-root-filesystem',
      { exceptions: except('read-only-root-filesystem') },
      { securityContext: { readOnlyRootFilesystem: false } },
      ['/spec/template/spec/containers/0/securityContext/readOnlyRootFilesystem'],
    ],
    [
      'no-privilege-escalation',
      { exceptions: except('no-privilege-escalation') },
      { securityContext: { allowPrivilegeEscalation: true } },
      ['/spec/template/spec/containers/0/securityContext/allowPrivilegeEscalation'],
    ],
    [
      'no-service-account-token',
      { exceptions: except('no-service-account-token'), automountServiceAccountToken: true },
      {},
      ['/spec/template/spec/automountServiceAccountToken'],
    ],
    [
      'image-digest',
      { exceptions: except('image-digest') },
      { image: 'registry.example.com/shop/web:1.4.2' },
      ['/spec/template/spec/containers/0/image'],
    ],
    [
      'high-user-group-ids',
      { exceptions: except('high-user-group-ids') },
      { securityContext: { runAsUser: 1001 } },
      ['/spec/template/spec/containers/0/securityContext/runAsUser'],
    ],
    [
      'drop-all-capabilities',
      { exceptions: except('drop-all-capabilities') },
      { securityContext: { addCapabilities: ['CHOWN'] } },
      ['/spec/template/spec/containers/0/securityContext/capabilities/add'],
    ],
  ])('%s', (rule, props, container, changed) => {
    const accepts = ACCEPTED[rule];
    const weakened = deployment(props, container);
    const annotationPath = `/metadata/annotations`;
    expect(differences(baseline, weakened).sort()).toEqual([annotationPath, ...changed].sort());
    // Ours, plus each scanner's skip for the checks mapped to the rule (test/core/exception-routing.test.ts).
    // The annotation names the value the construct was asked for (the image, the capability), no more.
    expect(weakened.metadata.annotations).toEqual(exceptionAnnotations([{ rule, reason, accepts }], 'Deployment'));
    expect(weakened.metadata.annotations[`exception.hardened.cdk8s.io/${rule}`]).toBe(
      accepts ? `${reason} (accepts ${accepts.join(', ')})` : reason,
    );
  });

  test('an exception alone weakens nothing', () => {
    const excepted = deployment({ exceptions: except('read-only-root-filesystem') });
    expect(differences(baseline, excepted)).toEqual(['/metadata/annotations']);
  });

  test('an expiry is recorded with the reason', () => {
    const excepted = deployment({ exceptions: [{ rule: 'liveness-probe', reason, expires: '2027-03-31' }] }, { liveness: undefined });
    expect(excepted.metadata.annotations).toEqual({
      'exception.hardened.cdk8s.io/liveness-probe': `${reason} (expires 2027-03-31)`,
      'checkov.io/skip1': `CKV_K8S_8=${reason} (expires 2027-03-31)`,
      'kube-score/ignore': 'pod-probes',
      'ignore-check.kube-linter.io/no-liveness-probe': `${reason} (expires 2027-03-31)`,
      'polaris.fairwinds.com/livenessProbeMissing-exempt': 'true',
    });
    expect(excepted.spec.template.spec.containers[0].livenessProbe).toBeUndefined();
  });

  test('NET_BIND_SERVICE may be added back without an exception', () => {
    const c = deployment({}, { securityContext: { addCapabilities: ['NET_BIND_SERVICE'] } }).spec.template.spec.containers[0];
    expect(c.securityContext.capabilities).toEqual({ drop: ['ALL'], add: ['NET_BIND_SERVICE'] });
  });
});

describe('writable paths', () => {
  test('each path gets its own size-limited emptyDir, mounted where asked', () => {
    const pod = podSpec(deployment({}, { writablePaths: ['/tmp', '/var/cache/nginx'] }));
    expect(pod.volumes).toEqual([
      { name: 'main-tmp', emptyDir: { sizeLimit: '64Mi' } },
      { name: 'main-var-cache-nginx', emptyDir: { sizeLimit: '64Mi' } },
    ]);
    expect(pod.containers[0].volumeMounts).toEqual([
      { name: 'main-tmp', mountPath: '/tmp' },
      { name: 'main-var-cache-nginx', mountPath: '/var/cache/nginx' },
    ]);
    expect(pod.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
  });

  test('the size limit is configurable', () => {
    const pod = podSpec(deployment({}, { writablePaths: ['/tmp'], writablePathSizeLimit: Size.mebibytes(512) }));
    expect(pod.volumes[0].emptyDir.sizeLimit).toBe('512Mi');
  });

  test('long paths still give valid volume names', () => {
    const pod = podSpec(deployment({}, { writablePaths: ['/' + 'very-long-directory-name/'.repeat(4) + 'end'] }));
    expect(pod.volumes[0].name.length).toBeLessThanOrEqual(63);
    expect(pod.volumes[0].name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });
});

describe('resources', () => {
  test.each([
    [
      WorkloadSize.SMALL,
      { cpu: '100m', memory: '128Mi', 'ephemeral-storage': '64Mi' },
      { cpu: '500m', memory: '128Mi', 'ephemeral-storage': '256Mi' },
    ],
    [
      WorkloadSize.MEDIUM,
      { cpu: '250m', memory: '512Mi', 'ephemeral-storage': '128Mi' },
      { cpu: '1000m', memory: '512Mi', 'ephemeral-storage': '512Mi' },
    ],
    [
      WorkloadSize.LARGE,
      { cpu: '1000m', memory: '2048Mi', 'ephemeral-storage': '256Mi' },
      { cpu: '2000m', memory: '2048Mi', 'ephemeral-storage': '1024Mi' },
    ],
  ])('size class %s sets the documented numbers', (size, requests, limits) => {
    expect(podSpec(deployment({}, { size })).containers[0].resources).toEqual({ requests, limits });
  });

  test('explicit resources are kept, and the CPU limit and ephemeral storage come from the size class', () => {
    const resources = podSpec(
      deployment(
        {},
        {
          size: WorkloadSize.MEDIUM,
          resources: { cpu: { request: Cpu.millis(300) }, memory: { request: Size.mebibytes(256), limit: Size.mebibytes(384) } },
        },
      ),
    ).containers[0].resources;
    expect(resources).toEqual({
      requests: { cpu: '300m', memory: '256Mi', 'ephemeral-storage': '128Mi' },
      limits: { cpu: '1000m', memory: '384Mi', 'ephemeral-storage': '512Mi' },
    });
  });

  test('with an exception, a missing request stays missing', () => {
    const resources = podSpec(
      deployment(
        { exceptions: except('resources-set') },
        {
          resources: { memory: { request: Size.mebibytes(64), limit: Size.mebibytes(64) } },
        },
      ),
    ).containers[0].resources;
    expect(resources.requests.cpu).toBeUndefined();
    expect(resources.requests.memory).toBe('64Mi');
  });
});

test('the image pull policy defaults to Always and can be changed', () => {
  expect(podSpec(deployment({}, { imagePullPolicy: ImagePullPolicy.IF_NOT_PRESENT })).containers[0].imagePullPolicy).toBe('IfNotPresent');
  expect(podSpec(deployment({}, { image: IMAGE })).containers[0].imagePullPolicy).toBe('Always');
});

describe('secrets', () => {
  test('are mounted as read-only files, one volume per Secret, readable by the pod group only', () => {
    const pod = podSpec(deployment({}, { secretMounts: [{ secretName: 'db-credentials', path: '/var/run/secrets/db' }] }));
    expect(pod.volumes).toEqual([{ name: 'main-secret-db-credentials', secret: { secretName: 'db-credentials', defaultMode: 0o440 } }]);
    expect(pod.containers[0].volumeMounts).toEqual([
      { name: 'main-secret-db-credentials', mountPath: '/var/run/secrets/db', readOnly: true },
    ]);
    expect(pod.containers[0].env).toBeUndefined();
  });

  test('become environment variables only when asked, with an exception that Checkov reads too', () => {
    const secretEnv = [{ name: 'API_TOKEN', secretName: 'partner-api', key: 'token' }];
    expect(build({}, { secretEnv })).toThrow(
      "[test/shop/web] 'containers[0].secretEnv': puts Secret keys into environment variables, which every child process inherits and crash reports print. Use secretMounts and point the software at the file. If it is really needed, add exceptions: [{ rule: 'secret-as-file'",
    );
    const excepted = deployment({ exceptions: except('secret-as-file') }, { secretEnv });
    expect(podSpec(excepted).containers[0].env).toEqual([
      { name: 'API_TOKEN', valueFrom: { secretKeyRef: { name: 'partner-api', key: 'token' } } },
    ]);
    expect(excepted.metadata.annotations).toEqual({
      'exception.hardened.cdk8s.io/secret-as-file': reason,
      'checkov.io/skip1': `CKV_K8S_35=${reason}`,
      'ignore-check.kube-linter.io/read-secret-from-env-var': reason,
    });
  });

  test.each<[string, Partial<HardenedContainerProps>, string]>([
    [
      'a relative mount path',
      { secretMounts: [{ secretName: 'db', path: 'secrets' }] },
      "'containers[0].secretMounts[0].path' must be an absolute directory path",
    ],
    [
      'a mount path used twice',
      { writablePaths: ['/tmp'], secretMounts: [{ secretName: 'db', path: '/tmp' }] },
      "'containers[0].secretMounts[0].path' '/tmp' is already used by another mount",
    ],
    [
      'a Secret name that is not a name',
      { secretMounts: [{ secretName: 'DB creds', path: '/s' }] },
      "'containers[0].secretMounts[0].secretName' must be a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters (got 'DB creds'). Use 'db-creds'.",
    ],
  ])('fails on %s', (_case, container, message) => {
    expect(build({}, container)).toThrow(message);
  });
});
