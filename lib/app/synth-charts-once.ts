import { ApiObject, App, Chart, DependencyGraph } from 'cdk8s';

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
 */
export function synthChartsOnce(synth: () => void): void {
  const app = App as unknown as Record<string, unknown>;
  const original = Object.getOwnPropertyDescriptor(App, '_synthChart');
  if (typeof app._synthChart !== 'function' || !original) {
    synth();
    return;
  }
  app._synthChart = (chart: Chart): unknown[] =>
    new DependencyGraph(chart.node)
      .topology()
      .filter((construct): construct is ApiObject => construct instanceof ApiObject && Chart.of(construct) === chart)
      .map((object) => object.toJson());
  try {
    synth();
  } finally {
    Object.defineProperty(App, '_synthChart', original);
  }
}
