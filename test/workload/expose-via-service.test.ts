/**
 * cdk8s-plus's own ways to put a Service in front of a workload select the pods by the
 * `cdk8s.io/metadata.addr` label, which hardened pods no longer carry: they must select the
 * workload's labels instead, or the Service reaches nothing.
 */
import * as kplus from 'cdk8s-plus-27';
import { HardenedDeployment, HardenedStatefulSet, review } from '../../lib';
import { CONTAINER, synthObjects } from '../support';

const podLabels = (objects: any[], kind: string) => objects.find((o) => o.kind === kind).spec.template.metadata.labels;

describe('Services that cdk8s-plus builds from a hardened workload select its pods', () => {
  test('deployment.exposeViaService(): the selector is the pod labels, and the review finds the Service reaches them', () => {
    const objects = synthObjects((shop) => {
      new HardenedDeployment(shop, 'web', { containers: [CONTAINER] }).deployment.exposeViaService({ name: 'web-public' });
    });
    const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === 'web-public');
    expect(service.spec.selector).toEqual({ 'app.kubernetes.io/instance': 'web', 'app.kubernetes.io/name': 'web' });
    expect(Object.entries(service.spec.selector).every(([k, v]) => podLabels(objects, 'Deployment')[k] === v)).toBe(true);
    expect(JSON.stringify(objects)).not.toContain('cdk8s.io/metadata.addr');
    const findings = review(objects.map((object) => ({ object }))).findings;
    expect(findings.filter((f) => f.ruleId === 'service-selects-pods')).toEqual([]);
  });

  test('new kplus.Service({ selector: workload.deployment }) and service.select(...) select the pod labels too', () => {
    const objects = synthObjects((shop) => {
      const web = new HardenedDeployment(shop, 'web', { containers: [CONTAINER] });
      new kplus.Service(shop, 'Direct', {
        metadata: { name: 'direct' },
        selector: web.deployment,
        ports: [{ port: 80, targetPort: 8080 }],
      });
      new kplus.Service(shop, 'Later', { metadata: { name: 'later' }, ports: [{ port: 80, targetPort: 8080 }] }).select(web.deployment);
    });
    for (const name of ['direct', 'later']) {
      expect(objects.find((o) => o.kind === 'Service' && o.metadata.name === name).spec.selector).toEqual({
        'app.kubernetes.io/instance': 'web',
        'app.kubernetes.io/name': 'web',
      });
    }
  });

  test("a StatefulSet's headless Service still selects its pods", () => {
    const objects = synthObjects((shop) => {
      new HardenedStatefulSet(shop, 'db', { containers: [CONTAINER] });
    });
    const service = objects.find((o) => o.kind === 'Service');
    expect(Object.entries(service.spec.selector).every(([k, v]) => podLabels(objects, 'StatefulSet')[k] === v)).toBe(true);
  });
});
