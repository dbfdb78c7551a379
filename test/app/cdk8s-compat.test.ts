import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiObject, App, Chart, Yaml } from 'cdk8s';
import { replaceYamlSave, SYNTH_CHART, synthChartsOnce, withOutdir } from '../../lib/app/cdk8s-compat';

// What lib/app/cdk8s-compat.ts relies on in cdk8s beyond its documented API. A cdk8s upgrade
// that changes one of these fails here, by name, before it changes the output in subtle ways.
describe('what the cdk8s workarounds rely on', () => {
  test('App._synthChart is a static method of one argument (the chart), as synthChartsOnce replaces it', () => {
    const descriptor = Object.getOwnPropertyDescriptor(App, SYNTH_CHART);
    expect(typeof descriptor?.value).toBe('function');
    expect((descriptor!.value as (chart: Chart) => unknown[]).length).toBe(1);
  });

  test('chart.toJson() goes through App._synthChart, so the replacement is used (and put back)', () => {
    const chart = new Chart(new App(), 'c');
    new ApiObject(chart, 'o', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'o' } });
    const original = Object.getOwnPropertyDescriptor(App, SYNTH_CHART);
    let rendered: unknown[] = [];
    synthChartsOnce(() => {
      expect(Object.getOwnPropertyDescriptor(App, SYNTH_CHART)).not.toEqual(original);
      rendered = chart.toJson();
    });
    expect(rendered).toEqual([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'o' } }]);
    expect(Object.getOwnPropertyDescriptor(App, SYNTH_CHART)).toEqual(original);
  });

  test("each object's rendering is kept for what reads the objects as written, the same as its toJson()", () => {
    const chart = new Chart(new App(), 'c', { namespace: 'shop' });
    const object = new ApiObject(chart, 'o', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'o' } });
    const kept = new Map<ApiObject, unknown>();
    let written: unknown[] = [];
    synthChartsOnce(() => (written = chart.toJson()), kept);
    expect([...kept.keys()]).toEqual([object]);
    expect(kept.get(object)).toBe(written[0]);
    expect(kept.get(object)).toEqual(object.toJson());
  });

  test('Yaml.save is a writable static through which App.synth() writes every manifest file', () => {
    const descriptor = Object.getOwnPropertyDescriptor(Yaml, 'save');
    expect(descriptor).toEqual(expect.objectContaining({ writable: true, configurable: true }));
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-compat-'));
    try {
      const app = new App({ outdir });
      new ApiObject(new Chart(app, 'c'), 'o', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'o' } });
      const saved: string[] = [];
      replaceYamlSave(
        (file) => saved.push(path.relative(outdir, file)),
        () => app.synth(),
      );
      expect(saved).toEqual(['c.k8s.yaml']);
      expect(fs.readdirSync(outdir)).toEqual([]);
      expect(Object.getOwnPropertyDescriptor(Yaml, 'save')).toEqual(descriptor);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  test('App.outdir is a plain writable property that App.synth() reads, and withOutdir puts it back', () => {
    const app = new App({ outdir: 'original' });
    expect(Object.getOwnPropertyDescriptor(app, 'outdir')).toEqual(expect.objectContaining({ value: 'original', writable: true }));
    const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-compat-'));
    try {
      new ApiObject(new Chart(app, 'c'), 'o', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'o' } });
      expect(() => withOutdir(app, staging, () => app.synth())).not.toThrow();
      expect(fs.readdirSync(staging)).toEqual(['c.k8s.yaml']);
      expect(app.outdir).toBe('original');
      expect(() =>
        withOutdir(app, staging, () => {
          throw new Error('synth failed');
        }),
      ).toThrow('synth failed');
      expect(app.outdir).toBe('original');
    } finally {
      fs.rmSync(staging, { recursive: true, force: true });
    }
  });
});
