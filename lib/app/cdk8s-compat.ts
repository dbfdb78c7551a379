/**
 * Every place where cdk8s-hardened relies on how cdk8s works inside, beyond its documented API.
 * Each one is confined to one synchronous `HardenedApp.synth()` and undone afterwards, also on
 * error, so no other code in the process sees a changed cdk8s (synth is synchronous: nothing
 * else runs while it does). `test/app/cdk8s-compat.test.ts` fails when a cdk8s upgrade changes
 * what they rely on:
 *
 * - `synthChartsOnce`: the private static `App._synthChart(chart)`, replaced during synth.
 * - `replaceYamlSave`: `Yaml.save(file, docs)`, a writable static through which `App.synth()`
 *   writes every manifest file, replaced during synth to record the documents and write them
 *   with the fast writer (`written-manifests.ts`, `manifest-yaml.ts`).
 * - `withOutdir`: `App.outdir`, declared readonly but a plain data property, pointed at the
 *   staging folder during synth.
 */
import { ApiObject, App, Chart, DependencyGraph, Yaml } from 'cdk8s';

/** The private static method of `App` that `synthChartsOnce` replaces. */
export const SYNTH_CHART = '_synthChart';

/**
 * Runs `synth` (cdk8s's `App.synth()`) without the whole-app pass it repeats for every chart.
 *
 * `App.synth()` validates the app and resolves its dependencies once, then asks each chart
 * for its objects with `chart.toJson()`. That goes through `App._synthChart`, which
 * validates the whole app and resolves all its dependencies again before rendering the
 * chart, because `chart.toJson()` must also work on its own. Inside `App.synth()` the pass
 * is repeated for nothing: an app of C charts and N constructs pays C x N, most of the synth
 * of a platform with a chart per team.
 *
 * While `synth` runs, `App._synthChart` renders the chart's objects only, as it does after
 * its pass: the ApiObjects of the chart in dependency order, each as `toJson()`. The result
 * is the same as long as rendering a chart does not change the construct tree, its
 * dependencies or its validations, which `App.synth()` itself assumes (it lists the charts
 * before rendering them). `App._synthChart` is put back afterwards, also on error; if a
 * version of cdk8s has no `App._synthChart`, `synth` runs as it is.
 *
 * Each object's rendering is kept in `rendered`, when given, for what reads the objects as
 * written after the synth (rendering them again costs as much as the synth's own rendering).
 */
export function synthChartsOnce(synth: () => void, rendered?: Map<ApiObject, unknown>): void {
  const app = App as unknown as Record<string, unknown>;
  const original = Object.getOwnPropertyDescriptor(App, SYNTH_CHART);
  if (typeof app[SYNTH_CHART] !== 'function' || !original) {
    synth();
    return;
  }
  app[SYNTH_CHART] = (chart: Chart): unknown[] =>
    new DependencyGraph(chart.node)
      .topology()
      .filter((construct): construct is ApiObject => construct instanceof ApiObject && Chart.of(construct) === chart)
      .map((object) => {
        const json = object.toJson();
        rendered?.set(object, json);
        return json;
      });
  try {
    synth();
  } finally {
    Object.defineProperty(App, SYNTH_CHART, original);
  }
}

/** Runs `run` with `Yaml.save` replaced by `save`; the original is put back afterwards, also on error. */
export function replaceYamlSave<T>(save: (filePath: string, docs: unknown[]) => void, run: () => T): T {
  const original = Object.getOwnPropertyDescriptor(Yaml, 'save')!;
  Yaml.save = save;
  try {
    return run();
  } finally {
    Object.defineProperty(Yaml, 'save', original);
  }
}

/** Runs `run` with `app.outdir` (readonly in the type, a plain property at run time) set to `outdir`, then restores it. */
export function withOutdir<T>(app: App, outdir: string, run: () => T): T {
  const self = app as { outdir: string };
  const original = self.outdir;
  self.outdir = outdir;
  try {
    return run();
  } finally {
    self.outdir = original;
  }
}
