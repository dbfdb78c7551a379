/**
 * The files `cdk8s-hardened init` writes, as data: a cdk8s TypeScript project laid out as
 * `cdk8s init typescript-app` lays it out, with the arrangement this library needs (see
 * README "Use it in your own project"):
 *
 * - `output: .cdk8s.out` in cdk8s.yaml: the CLI empties its output folder before every synth,
 *   so it cannot be `dist`. `HardenedApp` publishes the reviewed manifests to `dist/`, and only
 *   when the review passes: a failed synth leaves `dist/` as it was.
 * - the plugin by local path, `./node_modules/cdk8s-hardened/plugin`, with the exact installed
 *   version (the CLI tries `npm install` for a package name, and wants a version either way).
 * - the app run by `node --import tsx`: a whole `cdk8s synth` of the project below took 1.7-2.2 s
 *   with it, 3.9-4.5 s with `npx ts-node` (which type-checks every synth) and 3.4-4.1 s with
 *   `tsc && node main.js` (2 busy cores); `npm test` type-checks instead.
 */

/** The versions the new project pins: this package's own, and those it is built and tested with. */
export interface ProjectVersions {
  /** This package's version (the running `cdk8s-hardened`). */
  readonly hardened: string;
  /** Runtime dependencies besides this package, by name. */
  readonly dependencies: Readonly<Record<string, string>>;
  /** Development dependencies, by name. */
  readonly devDependencies: Readonly<Record<string, string>>;
}

/** The runtime dependencies the new project's code imports, besides cdk8s-hardened. */
export const PROJECT_DEPENDENCIES: readonly string[] = ['cdk8s', 'constructs'];

/** The tools the new project runs: the cdk8s CLI, tsx for synth, TypeScript and jest for `npm test`. */
export const PROJECT_DEV_DEPENDENCIES: readonly string[] = [
  'cdk8s-cli',
  'tsx',
  'typescript',
  'jest',
  'ts-jest',
  '@types/jest',
  '@types/node',
];

/** The command `cdk8s synth` runs: tsx compiles without type-checking, so a synth starts in about a second. */
export const APP_COMMAND = 'node --import tsx main.ts';

/** The folder the cdk8s CLI writes (and empties before every synth); the reviewed output is dist/. */
export const CLI_OUTPUT = '.cdk8s.out';

/** Where the plugin is, for the cdk8s CLI: a local path, the only kind it loads without `npm install`. */
export const PLUGIN_PATH = './node_modules/cdk8s-hardened/plugin';

/** The `validations` entry of cdk8s.yaml for this version of the plugin. */
export function pluginEntry(version: string): string {
  return [
    'validations:',
    `  - package: ${PLUGIN_PATH}`,
    `    version: ${version} # the installed cdk8s-hardened version, exactly (the plugin checks it)`,
    '    class: HardenedReviewPlugin',
    '',
  ].join('\n');
}

/** The lines .gitignore needs for this library's files. */
export const GITIGNORE_LINES: readonly string[] = [
  '# The cdk8s CLI output (emptied on every synth); the reviewed manifests are dist/.',
  `/${CLI_OUTPUT}/`,
  '# Staging folders and a previous output moved aside while dist/ is published (no trailing slash:',
  '# with PublishLayout.LINK, dist is a link).',
  '/.dist.*',
  '# The key of the SealedSecret sealing cache (.sealed-secrets.cache.json is committed, its key never).',
  '.sealed-secrets.cache-key',
];

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    lib: ['ES2022'],
    module: 'node16',
    moduleResolution: 'node16',
    strict: true,
    noEmit: true,
    isolatedModules: true,
    esModuleInterop: true,
    skipLibCheck: true,
    types: ['node', 'jest'],
  },
  include: ['**/*.ts'],
  exclude: ['node_modules', 'dist', CLI_OUTPUT],
};

const MAIN_TS = `import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { HardenedApp } from 'cdk8s-hardened';
import { Tenant, WebService } from 'cdk8s-hardened/templates';

/** The team's namespace (Tenant: a HardenedNamespace with its groups bound) and a web service in it. */
export class MyChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const team = new Tenant(this, 'team', {
      developerGroups: ['oidc:team-developers'],
      adminGroups: ['oidc:team-admins'],
    });
    new WebService(team, 'web', {
      // Images are pinned by digest: put your image's here.
      image: 'registry.example.com/team/web:1.0.0@sha256:${'0'.repeat(64)}',
      port: 8080,
    });
  }
}

/**
 * The app: HardenedApp reviews what cdk8s wrote and publishes it to \`outdir\` (dist/) only when
 * the review passes; otherwise it throws, naming the construct, the field and the fix.
 */
export function synthApp(outdir?: string): void {
  const app = new HardenedApp(outdir === undefined ? {} : { outdir });
  new MyChart(app, '__NAME__');
  app.synth();
}

// Synthesized only when run (\`npx cdk8s synth\`), not when main.test.ts imports it.
if (require.main === module) synthApp();
`;

const MAIN_TEST_TS = `import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Yaml } from 'cdk8s';
import { synthApp } from './main';

test('the app passes the review, and its manifests are as reviewed', () => {
  // The synth \`npx cdk8s synth\` runs, review included (it throws on an error), into a folder of its own.
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-'));
  try {
    const outdir = path.join(work, 'dist');
    synthApp(outdir);
    const manifests = fs.readdirSync(outdir).filter((file) => file.endsWith('.k8s.yaml')).sort();
    expect(manifests.map((file) => [file, Yaml.load(path.join(outdir, file))])).toMatchSnapshot();
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
});
`;

const JEST_CONFIG = `module.exports = {
  testEnvironment: 'node',
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/${CLI_OUTPUT}/'],
  // \`npm test\` type-checks with tsc first, so ts-jest only transpiles (isolatedModules in tsconfig.json).
  transform: { '^.+\\\\.ts$': 'ts-jest' },
};
`;

const README = `# __NAME__

Kubernetes manifests from TypeScript with [cdk8s](https://cdk8s.io) and cdk8s-hardened: every
synth is reviewed, and \`dist/\` is written only when the review passes.

\`\`\`sh
npm install
npx cdk8s synth     # dist/: the reviewed manifests, REVIEW.md, review.json, review.sarif
\`\`\`

\`npm test\` type-checks, synthesizes with the review (a review error fails it, as it fails synth)
and compares the manifests with the snapshot (\`npm test -- -u\` after an intended change).
A failed review prints one line naming the construct, the field and the fix, and leaves \`dist/\`
as it was. The cdk8s CLI writes \`${CLI_OUTPUT}/\` (it empties it on every synth); deploy \`dist/\`.
`;

/** The npm package name for a project folder named `folder`. */
export function packageName(folder: string): string {
  const name = folder
    .toLowerCase()
    .replace(/[^a-z0-9._~-]+/g, '-')
    .replace(/^[._-]+/, '')
    .slice(0, 214);
  return name || 'cdk8s-app';
}

/** The files of a new project named `name`, by path relative to its folder. */
export function projectFiles(name: string, versions: ProjectVersions): Record<string, string> {
  const packageJson = {
    name,
    version: '0.1.0',
    private: true,
    scripts: { synth: 'cdk8s synth', test: 'tsc && jest' },
    dependencies: { 'cdk8s-hardened': versions.hardened, ...versions.dependencies },
    devDependencies: versions.devDependencies,
  };
  const cdk8sYaml = [
    'language: typescript',
    '# tsx runs the app without a type check (a synth starts in about a second); npm test type-checks.',
    `app: ${APP_COMMAND}`,
    '# The CLI empties its output folder before every synth. HardenedApp publishes the reviewed',
    '# manifests to dist/, only when the review passes, so a failed synth leaves dist/ as it was.',
    `output: ${CLI_OUTPUT}`,
    '# The review as a cdk8s validation plugin: its report is printed by the CLI (--no-validate skips it).',
    pluginEntry(versions.hardened),
  ].join('\n');
  return {
    'package.json': JSON.stringify(packageJson, null, 2) + '\n',
    'tsconfig.json': JSON.stringify(TSCONFIG, null, 2) + '\n',
    'cdk8s.yaml': cdk8sYaml,
    '.gitignore': ['node_modules/', '/dist', ...GITIGNORE_LINES, ''].join('\n'),
    'main.ts': MAIN_TS.replace('__NAME__', name),
    'main.test.ts': MAIN_TEST_TS,
    'jest.config.js': JEST_CONFIG,
    'README.md': README.replace('__NAME__', name),
  };
}
