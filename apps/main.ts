import { HardenedApp } from '../lib';
import { ShopChart } from './platform';

// `npx cdk8s synth` runs this file: the reference platform, reviewed, into dist/.
const app = new HardenedApp();
new ShopChart(app, 'shop');
app.synth();
