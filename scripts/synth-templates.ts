/**
 * Synthesizes every template's example (templates/examples.ts) into its own folder, reviewed
 * as any app is: `node --import tsx scripts/synth-templates.ts <folder>` writes
 * <folder>/<template>/ (manifests and review reports). scripts/scan.sh runs it so the
 * scanners users run (Checkov, kube-score...) judge what each template emits, not only the
 * reference platform.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Chart } from 'cdk8s';
import { HardenedApp } from '../lib';
import { TEMPLATE_EXAMPLES } from '../templates/examples';

const [target] = process.argv.slice(2);
if (!target) {
  process.stderr.write('usage: node --import tsx scripts/synth-templates.ts <folder>\n');
  process.exit(2);
}
fs.mkdirSync(target, { recursive: true });
for (const example of TEMPLATE_EXAMPLES) {
  const app = new HardenedApp({ outdir: path.join(target, example.name) });
  example.build(new Chart(app, example.name));
  app.synth();
  process.stdout.write(`synth-templates: ${example.name} → ${path.join(target, example.name)}\n`);
}
