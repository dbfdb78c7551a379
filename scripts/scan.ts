/**
 * Runs each installed scanner on each output folder and judges the results (see
 * scan-results.ts). Started by scripts/scan.sh, which installs the scanners and says where:
 *
 *   SCAN_CHECKOV, SCAN_KUBE_SCORE, SCAN_KUBE_LINTER, SCAN_POLARIS, SCAN_TRIVY   paths of the tools
 *   node --import tsx scripts/scan.ts <output folder> [<folder of outputs>...]
 *
 * The first folder (dist/) is one output, every manifest below it scanned together; each
 * further folder (.scan/templates/) holds one output per subfolder, plus one for manifests
 * directly in it. A folder that does not exist is skipped with a note. Exit code 1 when
 * any scanner reports a failure not covered by an exception of ours, or when one of them
 * (all five are required) cannot run.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadManifests } from '../lib/review/manifest-files';
import { KubeObject } from '../lib/review/model';
import {
  checkovArguments,
  KUBE_LINTER_ADDED_CHECKS,
  KUBE_SCORE_OPTIONAL_CHECKS,
  notApplicableChecks,
  trivyArguments,
} from '../lib/policy/scanner-map';
import { TrivyIgnoreEntry } from '../lib/policy/trivy-ignore';
import { main as cdk8sHardened } from '../lib/review/cli';
import { LoadedManifest } from '../lib/review/load';
import { fileLocationOf } from '../lib/review/origin';
import { parse } from 'yaml';
import {
  formatReport,
  judgeCheckov,
  judgeKubeLinter,
  judgeKubeScore,
  judgePolaris,
  judgeTrivy,
  ScannedObjects,
  ScannerReport,
  TrivyLocator,
} from './scan-results';

const MAX_OUTPUT = 512 * 1024 * 1024;

interface Output {
  readonly folder: string;
  readonly files: string[];
}

function yamlFilesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((e) => {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) return yamlFilesUnder(p);
      return /\.ya?ml$/.test(e.name) ? [p] : [];
    });
}

function exists(folder: string): boolean {
  if (fs.existsSync(folder)) return true;
  console.log(`scan: ${folder}/ does not exist, nothing to scan there`);
  return false;
}

/** One output: every manifest below `folder`. */
function outputOf(folder: string): Output[] {
  const files = exists(folder) ? yamlFilesUnder(folder) : [];
  return files.length ? [{ folder, files }] : [];
}

/** One output per subfolder of `folder`, and one for the manifests directly in it. */
function outputsIn(folder: string): Output[] {
  if (!exists(folder)) return [];
  const entries = fs.readdirSync(folder, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  const loose = entries.filter((e) => e.isFile() && /\.ya?ml$/.test(e.name)).map((e) => path.join(folder, e.name));
  return [
    ...(loose.length ? [{ folder, files: loose }] : []),
    ...entries.filter((e) => e.isDirectory()).flatMap((e) => outputOf(path.join(folder, e.name))),
  ];
}

/** Runs a tool; its JSON output (on stdout) whatever the exit code, which is non-zero when it found something. */
function runJson(tool: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): unknown {
  const result = spawnSync(tool, args, { encoding: 'utf8', maxBuffer: MAX_OUTPUT, env });
  if (result.error) throw new Error(`${path.basename(tool)} did not run: ${result.error.message}`);
  const start = result.stdout.search(/[[{]/);
  try {
    return JSON.parse(result.stdout.slice(Math.max(start, 0)));
  } catch {
    throw new Error(
      `${path.basename(tool)} exited ${result.status} without JSON output: ${(result.stderr || result.stdout).trim().split('\n').slice(-3).join(' | ')}`,
    );
  }
}

function versionOf(tool: string, args: string[]): string {
  const out = spawnSync(tool, args, { encoding: 'utf8' });
  return `${out.stdout}${out.stderr}`.trim().split('\n')[0] ?? '?';
}

const installed = (tool: string | undefined): tool is string => tool !== undefined && fs.existsSync(tool);

function scan(output: Output): { reports: ScannerReport[]; problems: string[] } {
  const manifests = loadManifests(output.files);
  const objects = new ScannedObjects(manifests.map((m) => m.object as unknown as KubeObject));
  const reports: ScannerReport[] = [];
  const problems: string[] = [];
  const attempt = (name: string, tool: string | undefined, run: (tool: string) => ScannerReport) => {
    if (!installed(tool)) {
      problems.push(`${name}: not installed at '${tool ?? ''}' (scripts/scan.sh installs it)`);
      return;
    }
    try {
      reports.push(run(tool));
    } catch (e) {
      problems.push(`${name} on ${output.folder}: ${(e as Error).message}`);
    }
  };

  attempt('checkov', process.env.SCAN_CHECKOV, (tool) =>
    judgeCheckov(
      runJson(tool, checkovArguments(output.files), { ...process.env, BC_SKIP_MAPPING: 'TRUE' }),
      versionOf(tool, ['--version']),
      objects,
    ),
  );

  attempt('kube-score', process.env.SCAN_KUBE_SCORE, (tool) =>
    judgeKubeScore(
      runJson(tool, ['score', '-o', 'json', ...KUBE_SCORE_OPTIONAL_CHECKS.flatMap((c) => ['--enable-optional-test', c]), ...output.files]),
      versionOf(tool, ['version']).replace(/^kube-score version: ([^,]+).*$/, '$1'),
      objects,
      KUBE_SCORE_OPTIONAL_CHECKS,
    ),
  );

  attempt('kube-linter', process.env.SCAN_KUBE_LINTER, (tool) =>
    judgeKubeLinter(
      runJson(tool, [
        'lint',
        '--format',
        'json',
        ...KUBE_LINTER_ADDED_CHECKS.flatMap((c) => ['--include', c]),
        ...notApplicableChecks('kube-linter').flatMap((c) => ['--exclude', c.check]),
        ...output.files,
      ]),
      versionOf(tool, ['version']),
      objects,
    ),
  );

  attempt('polaris', process.env.SCAN_POLARIS, (tool) =>
    judgePolaris(
      runJson(tool, ['audit', '--audit-path', output.folder, '--format', 'json']),
      versionOf(tool, ['version']).replace(/^Polaris version:\s*/, ''),
      objects,
    ),
  );

  attempt('trivy', process.env.SCAN_TRIVY, (tool) => {
    // The ignore file as a user writes it: `cdk8s-hardened review <output> --trust-annotations --trivy-ignore FILE`, outside the output.
    const ignoreFile = path.join('.scan', 'trivy', `${output.folder.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '')}.yaml`);
    fs.mkdirSync(path.dirname(ignoreFile), { recursive: true });
    const said: string[] = [];
    const io = { stdout: { write: (t: string) => said.push(t) }, stderr: { write: (t: string) => said.push(t) } };
    const code = cdk8sHardened(['review', output.folder, '--trust-annotations', '--trivy-ignore', ignoreFile], io as never);
    if (code !== 0)
      throw new Error(
        `cdk8s-hardened review ${output.folder} --trivy-ignore exited ${code}: ${said.join('').trim().split('\n').slice(-3).join(' | ')}`,
      );
    const raw = runJson(tool, trivyArguments(output.folder, path.join(path.dirname(tool), '..', 'trivy-cache'), ignoreFile));
    const ignored = (parse(fs.readFileSync(ignoreFile, 'utf8')) as { misconfigurations?: TrivyIgnoreEntry[] }).misconfigurations ?? [];
    return judgeTrivy(
      raw,
      versionOf(tool, ['--version']).replace(/^Version:\s*/, ''),
      trivyLocator(output.folder, manifests),
      ignored,
      objects.all.length,
    );
  });

  return { reports, problems };
}

/** The object of the output in `folder` a Trivy finding is on: the last one in its file to start at or before the finding's line. */
function trivyLocator(folder: string, manifests: readonly LoadedManifest[]): TrivyLocator {
  const byFile = new Map<string, { line: number; object: KubeObject }[]>();
  for (const m of manifests) {
    const { file: origin, line } = fileLocationOf(m.origin)!;
    const file = path.relative(folder, origin).split(path.sep).join('/');
    byFile.set(file, [...(byFile.get(file) ?? []), { line, object: m.object as unknown as KubeObject }]);
  }
  return (target, line) => {
    const objects = byFile.get(target) ?? [];
    return [...objects].reverse().find((o) => line === undefined || o.line <= line)?.object ?? objects[0]?.object;
  };
}

function main([first, ...rest]: readonly string[]): number {
  const outputs = [...(first ? outputOf(first) : []), ...rest.flatMap(outputsIn)];
  if (!outputs.length) {
    console.error('scan: nothing to scan: run `npx cdk8s synth` first');
    return 1;
  }
  let failures = 0;
  const problems: string[] = [];
  for (const output of outputs) {
    const result = scan(output);
    for (const report of result.reports) {
      formatReport(report, output.folder).forEach((line) => console.log(line));
      failures += report.failures.length;
    }
    problems.push(...result.problems);
  }
  problems.forEach((p) => console.error(`scan: ${p}`));
  const verdict = failures === 0 && problems.length === 0;
  console.log(
    `scan: ${verdict ? 'passed' : 'FAILED'}: ${failures} failures not covered by an exception in ${outputs.length} output(s)` +
      (problems.length ? `, ${problems.length} scanner(s) could not run` : ''),
  );
  return verdict ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
