import { YamlOutputType } from 'cdk8s';
import { HardenedApp } from '../lib';
import { buildReferencePlatform } from './platform';

// `npx cdk8s synth` runs this file: the reference platform, reviewed, into dist/ with one
// folder per chart (a tenant each, plus argocd/) for GitOps.
const app = new HardenedApp({ yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE });
buildReferencePlatform(app);
app.synth();
