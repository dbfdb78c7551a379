/**
 * Objects the API server accepts, each changed in one place: a value of another type, a field
 * the kind does not have, a kind or apiVersion the server does not serve, or a change it accepts
 * (null, an int-or-string given as text, a quantity as a number). `expected` holds the
 * `object-schema` findings, `[path, text the message contains]`; `[]` means the server creates
 * the object. `object-schema.test.ts` checks the rule against this table, and
 * `object-schema-server.test.ts` checks the table against kube-apiserver.
 */
import { KubeObject } from '../../lib/review/model';
import { deployment, pod } from './builders';

export interface MalformedCase {
  readonly name: string;
  readonly object: KubeObject;
  readonly expected: ReadonlyArray<readonly [path: string, message: string]>;
}

const P = 'spec.template.spec';
const WEB = `${P}.containers[0]`;
const meta = { name: 'web', namespace: 'shop' };

/** A Deployment whose web container is changed by `mutate`. */
const web = (mutate: (container: Record<string, any>) => void) => deployment((s) => mutate(s.containers[0]));
/** `obj` with `mutate` applied to a deep copy of it. */
function changed(obj: KubeObject, mutate: (o: any) => void): KubeObject {
  const copy = structuredClone(obj) as any;
  mutate(copy);
  return copy;
}

const service = (ports: unknown[]): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: meta,
  spec: { selector: { app: 'web' }, ports },
});
const pdb = (maxUnavailable: unknown): KubeObject => ({
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: meta,
  spec: { maxUnavailable, selector: { matchLabels: { app: 'web' } } },
});
const secret = (data: Record<string, unknown>): KubeObject => ({ apiVersion: 'v1', kind: 'Secret', metadata: meta, type: 'Opaque', data });
const configMap = (data: Record<string, unknown>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta, data });
const role = (verbs: unknown): KubeObject => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'Role',
  metadata: meta,
  rules: [{ apiGroups: [''], resources: ['pods'], verbs }],
});
const networkPolicy = (podSelector: unknown): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: meta,
  spec: { podSelector, policyTypes: ['Ingress'] },
});
const cronJob = (schedule: unknown): KubeObject => ({
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: meta,
  spec: {
    schedule,
    jobTemplate: {
      spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'job', image: 'registry.example.com/job:1' }] } } },
    },
  },
});

export const MALFORMED_CASES: readonly MalformedCase[] = [
  // Mappings, lists and scalars in each other's place.
  {
    name: 'spec a list',
    object: changed(deployment(), (o) => {
      o.spec = [o.spec];
    }),
    expected: [['spec', '"spec" is a list; the API server expects a mapping (apps.v1.DeploymentSpec)']],
  },
  {
    name: 'containers a map',
    object: deployment((s) => {
      s.containers = { web: s.containers[0] };
    }),
    expected: [[`${P}.containers`, '"containers" is a mapping; the API server expects a list (of core.v1.Container)']],
  },
  {
    name: 'securityContext a string',
    object: web((c) => {
      c.securityContext = 'restricted';
    }),
    expected: [
      [
        `${WEB}.securityContext`,
        '"securityContext" is the string "restricted"; the API server expects a mapping (core.v1.SecurityContext)',
      ],
    ],
  },
  {
    name: 'privileged "true"',
    object: web((c) => {
      c.securityContext.privileged = 'true';
    }),
    expected: [[`${WEB}.securityContext.privileged`, '"privileged" is the string "true"; the API server expects a boolean']],
  },
  {
    name: 'ports a map',
    object: web((c) => {
      c.ports = { http: { containerPort: 8080 } };
    }),
    expected: [[`${WEB}.ports`, '"ports" is a mapping; the API server expects a list (of core.v1.ContainerPort)']],
  },
  {
    name: 'command a string',
    object: web((c) => {
      c.command = 'sh -c serve';
    }),
    expected: [[`${WEB}.command`, 'expects a list (of string)']],
  },
  {
    name: 'labels a list',
    object: changed(deployment(), (o) => {
      o.metadata.labels = ['app=web'];
    }),
    expected: [['metadata.labels', 'expects a mapping (of string values)']],
  },
  {
    name: 'a label value an integer',
    object: changed(deployment(), (o) => {
      o.metadata.labels = { tier: 1 };
    }),
    expected: [['metadata.labels.tier', '"tier" is the integer 1; the API server expects a string']],
  },
  {
    name: 'an annotation value a boolean',
    object: changed(deployment(), (o) => {
      o.metadata.annotations = { 'example.com/ready': true };
    }),
    expected: [['metadata.annotations["example.com/ready"]', 'the boolean true; the API server expects a string']],
  },
  {
    name: 'an env value a number',
    object: web((c) => {
      c.env = [{ name: 'PORT', value: 8080 }];
    }),
    expected: [[`${WEB}.env[0].value`, 'the integer 8080; the API server expects a string']],
  },
  {
    name: 'a ConfigMap value a number',
    object: configMap({ port: 8080 }),
    expected: [['data.port', 'the integer 8080; the API server expects a string']],
  },
  {
    name: 'hostNetwork "yes"',
    object: deployment((s) => {
      s.hostNetwork = 'yes';
    }),
    expected: [[`${P}.hostNetwork`, 'the string "yes"; the API server expects a boolean']],
  },
  {
    name: 'a podSelector a string',
    object: networkPolicy('app=web'),
    expected: [['spec.podSelector', 'expects a mapping (meta.v1.LabelSelector)']],
  },
  {
    name: 'verbs a string',
    object: role('get'),
    expected: [['rules[0].verbs', 'the string "get"; the API server expects a list (of string)']],
  },
  { name: 'a schedule a number', object: cronJob(5), expected: [['spec.schedule', 'the integer 5; the API server expects a string']] },
  // Integers: int32 and int64 fields take whole numbers in range only.
  {
    name: 'replicas "2"',
    object: changed(deployment(), (o) => {
      o.spec.replicas = '2';
    }),
    expected: [['spec.replicas', 'the string "2"; the API server expects a 32-bit integer']],
  },
  {
    name: 'replicas 1.5',
    object: changed(deployment(), (o) => {
      o.spec.replicas = 1.5;
    }),
    expected: [['spec.replicas', 'the number 1.5']],
  },
  {
    name: 'replicas over 32 bits',
    object: changed(deployment(), (o) => {
      o.spec.replicas = 2 ** 31;
    }),
    expected: [['spec.replicas', 'the integer 2147483648; the API server expects a 32-bit integer']],
  },
  {
    name: 'runAsUser 1.5',
    object: deployment((s) => {
      s.securityContext.runAsUser = 65532.5;
    }),
    expected: [[`${P}.securityContext.runAsUser`, 'the number 65532.5; the API server expects an integer']],
  },
  {
    name: 'containerPort "8080"',
    object: web((c) => {
      c.ports[0].containerPort = '8080';
    }),
    expected: [[`${WEB}.ports[0].containerPort`, 'expects a 32-bit integer']],
  },
  {
    name: 'a Service port "80"',
    object: service([{ port: '80', targetPort: 8080 }]),
    expected: [['spec.ports[0].port', 'the string "80"']],
  },
  // Int-or-string fields take both, but neither 1.5 nor a boolean.
  { name: 'a targetPort by name', object: service([{ port: 80, targetPort: 'http' }]), expected: [] },
  {
    name: 'a probe port by name',
    object: web((c) => {
      c.ports[0].name = 'http';
      c.readinessProbe.httpGet.port = 'http';
    }),
    expected: [],
  },
  { name: 'maxUnavailable "50%"', object: pdb('50%'), expected: [] },
  {
    name: 'maxUnavailable 1.5',
    object: pdb(1.5),
    expected: [['spec.maxUnavailable', 'the number 1.5; the API server expects an integer or a string']],
  },
  { name: 'maxUnavailable true', object: pdb(true), expected: [['spec.maxUnavailable', 'the boolean true']] },
  // Quantities: numbers, or text in their own syntax (ParseQuantity).
  {
    name: 'a cpu limit as a number',
    object: web((c) => {
      c.resources.limits.cpu = 0.5;
    }),
    expected: [],
  },
  {
    name: 'a cpu request ".5"',
    object: web((c) => {
      c.resources.requests.cpu = '.5';
    }),
    expected: [],
  },
  {
    name: 'a memory limit "1Gb"',
    object: web((c) => {
      c.resources.limits.memory = '1Gb';
      c.resources.requests.memory = '1Gb';
    }),
    expected: [
      [`${WEB}.resources.requests.memory`, 'the string "1Gb"; the API server expects a quantity'],
      [`${WEB}.resources.limits.memory`, 'the string "1Gb"'],
    ],
  },
  {
    name: 'a cpu request "100 m"',
    object: web((c) => {
      c.resources.requests.cpu = '100 m';
    }),
    expected: [[`${WEB}.resources.requests.cpu`, 'the string "100 m"']],
  },
  {
    name: 'a cpu request true',
    object: web((c) => {
      c.resources.requests.cpu = true;
    }),
    expected: [[`${WEB}.resources.requests.cpu`, 'the boolean true']],
  },
  // Base64 and dates.
  { name: 'Secret data in base64', object: secret({ token: 'aGVsbG8=' }), expected: [] },
  {
    name: 'Secret data not base64',
    object: secret({ token: 'hello world' }),
    expected: [['data.token', 'the string "hello world"; the API server expects a base64 string']],
  },
  {
    name: 'a creationTimestamp that is no date',
    object: changed(deployment(), (o) => {
      o.metadata.creationTimestamp = 'yesterday';
    }),
    expected: [['metadata.creationTimestamp', 'expects an RFC 3339 date-time']],
  },
  // null: the server leaves the field unset.
  {
    name: 'null fields',
    object: changed(
      web((c) => {
        c.securityContext.privileged = null;
        c.lifecycle = null;
      }),
      (o) => {
        o.metadata.creationTimestamp = null;
        o.spec.replicas = null;
      },
    ),
    expected: [],
  },
  // Fields the kind does not have: strict validation refuses them, and the server would drop them otherwise.
  {
    name: 'securityContex',
    object: web((c) => {
      c.securityContex = c.securityContext;
    }),
    expected: [
      [`${WEB}.securityContex`, 'unknown field "securityContex": core.v1.Container has no such field (did you mean "securityContext"?)'],
    ],
  },
  {
    name: 'metadata.labelz',
    object: changed(deployment(), (o) => {
      o.metadata.labelz = { app: 'web' };
    }),
    expected: [['metadata.labelz', 'did you mean "labels"?']],
  },
  {
    name: 'Spec in capitals',
    object: changed(deployment(), (o) => {
      o.Spec = o.spec;
    }),
    expected: [['Spec', 'unknown field "Spec": apps.v1.Deployment has no such field (did you mean "spec"?)']],
  },
  {
    name: 'an emptyDir sizeLimt',
    object: deployment((s) => {
      s.volumes[0].emptyDir = { sizeLimt: '64Mi' };
    }),
    expected: [[`${P}.volumes[0].emptyDir.sizeLimt`, 'did you mean "sizeLimit"?']],
  },
  {
    name: 'an unknown status field',
    object: changed(deployment(), (o) => {
      o.status = { ready: true };
    }),
    expected: [['status.ready', 'apps.v1.DeploymentStatus has no such field']],
  },
  // Kinds and versions, matched exactly.
  {
    name: 'kind: pod',
    object: changed(pod(), (o) => {
      o.kind = 'pod';
      o.metadata.name = 'lower';
    }),
    expected: [['kind', 'the API server has no kind "pod" in v1; did you mean "Pod"?']],
  },
  {
    name: 'a Deployment in extensions/v1beta1',
    object: changed(deployment(), (o) => {
      o.apiVersion = 'extensions/v1beta1';
    }),
    expected: [['apiVersion', 'serves no "extensions/v1beta1": removed, or never built in; it serves Deployment in apps/v1']],
  },
  {
    name: 'a Deployment in apps/v1beta2',
    object: changed(deployment(), (o) => {
      o.apiVersion = 'apps/v1beta2';
    }),
    expected: [['apiVersion', 'serves no "apps/v1beta2"']],
  },
  {
    name: 'a Deployment in v1',
    object: changed(deployment(), (o) => {
      o.apiVersion = 'v1';
    }),
    expected: [['kind', 'the API server has no kind "Deployment" in v1; it serves Deployment in apps/v1']],
  },
];
