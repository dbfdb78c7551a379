import { celString } from '../../admission/cel';
import { Rule } from '../../model';
import { Container } from '../../pod-spec';
import { eachContainer, finding, isRecord, POD_TEMPLATE_KINDS } from '../../walkers';

/**
 * The resource settings every container must have. A request is also set by a limit of the
 * same resource: the API server copies limits into missing requests when it creates the
 * pods, so the pod runs with that request.
 */
const REQUIRED = [
  { section: 'requests', resource: 'cpu', why: 'the scheduler cannot reserve CPU for it' },
  { section: 'requests', resource: 'memory', why: 'the scheduler cannot reserve memory for it' },
  { section: 'limits', resource: 'memory', why: 'it can use all the memory of the node' },
] as const;

function isSet(values: unknown, resource: string): boolean {
  const value = isRecord(values) ? values[resource] : undefined;
  return value !== undefined && value !== null && value !== '';
}

/** The sections that set a resource of a section: a request also comes from the limit. */
function settingSections(section: 'requests' | 'limits'): readonly ('requests' | 'limits')[] {
  return section === 'requests' ? ['requests', 'limits'] : ['limits'];
}

function hasSetting(container: Container, section: 'requests' | 'limits', resource: string): boolean {
  return settingSections(section).some((from) => isSet(container.resources?.[from], resource));
}

/**
 * Every container and init container declares CPU and memory requests and a memory limit.
 * A CPU limit is not required: it throttles without protecting other pods. Ephemeral
 * containers are skipped: the API does not let them set resources.
 *
 * @see https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
 */
export const resourcesSet: Rule = {
  id: 'resources-set',
  title: 'Containers declare CPU and memory requests and a memory limit',
  severity: 'error',
  kinds: POD_TEMPLATE_KINDS,
  references: {
    trivy: ['KSV-0011', 'KSV-0015', 'KSV-0016', 'KSV-0018'],
    kubeScore: 'container-resources',
    kubeLinter: ['unset-cpu-requirements', 'unset-memory-requirements'],
    polaris: ['cpuRequestsMissing', 'memoryRequestsMissing', 'memoryLimitsMissing'],
    checkov: ['CKV_K8S_10', 'CKV_K8S_12', 'CKV_K8S_13'],
  },
  remediation: 'Set resources.requests.cpu, resources.requests.memory and resources.limits.memory on the container, from its measured use.',
  check: (obj, context) =>
    eachContainer(obj, context)
      .filter((c) => c.kind !== 'ephemeralContainer')
      .flatMap((c) =>
        REQUIRED.filter(({ section, resource }) => !hasSetting(c.container, section, resource)).map(({ section, resource, why }) =>
          finding(
            `${c.path}.resources.${section}.${resource}`,
            `${c.label} has no ${resource} ${section === 'requests' ? 'request' : 'limit'}, so ${why}`,
          ),
        ),
      ),
  admission: (s) => {
    const set = ({ section, resource }: (typeof REQUIRED)[number]) =>
      `(${settingSections(section)
        .map((from) => `${celString(resource)} in c.?resources.?${from}.orValue({})`)
        .join(' || ')})`;
    return [
      {
        expression: `${s.containers}.all(c, ${REQUIRED.map(set).join(' && ')}) || ${s.acceptsValueless}`,
        message: 'A container has no cpu request, memory request or memory limit.',
      },
    ];
  },
};
