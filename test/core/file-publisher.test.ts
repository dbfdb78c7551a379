import * as path from 'node:path';
import { Chart, Testing } from 'cdk8s';
import { HardenedApp } from '../../lib/app/hardened-app';
import { FilePublisher, filePublisherOf } from '../../lib/core/file-publisher';
import { removeTempDirs, tempDir } from '../support';

afterAll(removeTempDirs);

test('a HardenedApp is the FilePublisher of every construct under it', () => {
  const app = new HardenedApp({ outdir: path.join(tempDir('file-publisher-'), 'dist') });
  // Compile-time half: HardenedApp keeps the methods the constructs call through the interface.
  const publisher: FilePublisher = app;
  expect(filePublisherOf(new Chart(app, 'chart'))).toBe(publisher);
});

test('a plain cdk8s App publishes no files', () => {
  expect(filePublisherOf(new Chart(Testing.app(), 'chart'))).toBeUndefined();
});
