import * as kplus from 'cdk8s-plus-27';
import { ApiObject, Chart, Cron, Testing } from 'cdk8s';
import {
  ADDRESS_LABEL,
  removeAddressLabel,
  selectPodsByOwnLabels,
  selectStatefulSetPodsByOwnLabels,
} from '../../lib/workload/cdk8s-plus-compat';

// What lib/workload/cdk8s-plus-compat.ts relies on in cdk8s-plus-27 beyond its documented API. A
// cdk8s-plus upgrade that changes one of these fails here, by name, before the output changes.
const OWN = { 'app.kubernetes.io/name': 'web' };
const CONTAINER = { image: 'registry.example/web:1', portNumber: 8080 };

const objectOf = (chart: Chart, kind: string) => Testing.synth(chart).find((o) => o.kind === kind);

describe('what the cdk8s-plus workarounds rely on', () => {
  test('the address label is cdk8s.io/metadata.addr', () => {
    expect(ADDRESS_LABEL).toBe('cdk8s.io/metadata.addr');
  });

  test.each([
    ['Deployment', '/spec/template/spec', (c: Chart) => new kplus.Deployment(c, 'w', { select: false, containers: [CONTAINER] })],
    [
      'CronJob',
      '/spec/jobTemplate/spec/template/spec',
      (c: Chart) => new kplus.CronJob(c, 'w', { select: false, containers: [CONTAINER], schedule: Cron.daily() }),
    ],
  ])(
    'a plain %s still labels its pod template with the address label, even with select: false; removeAddressLabel removes it',
    (kind, podSpecPath, create) => {
      const plain = Testing.chart();
      create(plain);
      const template = (o: Record<string, unknown> | undefined) =>
        podSpecPath
          .replace(/\/spec$/, '')
          .split('/')
          .filter(Boolean)
          .reduce((at: unknown, key) => (at as Record<string, unknown>)?.[key], o) as { metadata: { labels?: Record<string, string> } };
      expect(Object.keys(template(objectOf(plain, kind)).metadata.labels ?? {})).toEqual([ADDRESS_LABEL]);

      const patched = Testing.chart();
      removeAddressLabel(ApiObject.of(create(patched)), podSpecPath);
      expect(template(objectOf(patched, kind)).metadata.labels ?? {}).toEqual({});
    },
  );

  test("Service.select() takes the pods from the workload's toPodSelectorConfig(), an instance method", () => {
    const chart = Testing.chart();
    const plain = new kplus.Deployment(chart, 'plain', { select: false, containers: [CONTAINER] });
    const ours = new kplus.Deployment(chart, 'ours', { select: false, containers: [CONTAINER] });
    expect(Object.prototype.hasOwnProperty.call(ours, 'toPodSelectorConfig')).toBe(false);
    selectPodsByOwnLabels(ours, OWN, 'shop');
    new kplus.Service(chart, 'to-plain', { ports: [{ port: 80 }] }).select(plain);
    new kplus.Service(chart, 'to-ours', { ports: [{ port: 80 }] }).select(ours);
    const selectors = Testing.synth(chart)
      .filter((o) => o.kind === 'Service')
      .map((o) => o.spec.selector);
    expect(selectors).toEqual([{ [ADDRESS_LABEL]: expect.any(String) }, OWN]);
    expect(ours.toPodSelectorConfig().namespaces?.names).toEqual(['shop']);
  });

  test('a StatefulSet makes the Service it is given select exactly its address label; it is replaced whole', () => {
    const plain = Testing.chart();
    const service = new kplus.Service(plain, 'headless', { clusterIP: 'None', ports: [{ port: 8080 }] });
    new kplus.StatefulSet(plain, 'db', { select: false, containers: [CONTAINER], service });
    expect(objectOf(plain, 'Service')?.spec.selector).toEqual({ [ADDRESS_LABEL]: expect.any(String) });

    const patched = Testing.chart();
    const headless = new kplus.Service(patched, 'headless', { clusterIP: 'None', ports: [{ port: 8080 }] });
    new kplus.StatefulSet(patched, 'db', { select: false, containers: [CONTAINER], service: headless });
    selectStatefulSetPodsByOwnLabels(headless, OWN);
    expect(objectOf(patched, 'Service')?.spec.selector).toEqual(OWN);
  });
});
