/**
 * Proves every mapping of lib/policy/scanner-map.ts against the real scanners (issue 21): for
 * each mapped row, and each object skip, a violating object (scripts/scan-mappings-cases.ts)
 * that the scanner must report, and the same object with the annotations our own writer
 * (`exceptionAnnotations`) puts there for an exception to the row's rule, which it must not.
 * All cases, each in its own namespace, are written to one folder and each scanner runs once
 * on it. Started by scripts/scan.sh after the scans, with the tools' paths in SCAN_CHECKOV,
 * SCAN_KUBE_SCORE, SCAN_KUBE_LINTER, SCAN_POLARIS and SCAN_TRIVY (Trivy's cases one object to a file,
 * with the ignore file our review writes for them); exit code 1 when a case does not hold.
 *
 *   node --import tsx scripts/scan-mappings.ts [<folder to write the cases to>]   (default .scan/mappings)
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { exceptionAnnotations } from '../lib/policy/exception-routing';
import {
  checksForRule,
  KUBE_SCORE_OPTIONAL_CHECKS,
  NOT_APPLICABLE,
  OBJECT_SKIPS,
  ObjectSkip,
  SCANNER_CHECKS,
  Scanner,
  trivyArguments,
} from '../lib/policy/scanner-map';
import { KubeObject } from '../lib/review/model';
import { Fixture, FIXTURES, SKIP_FIXTURES } from './scan-mappings-cases';
import {
  judgeCheckov,
  judgeKubeLinter,
  judgeKubeScore,
  judgePolaris,
  judgeTrivy,
  ScannedObjects,
  ScanEntry,
  TrivyLocator,
  trustedSubject,
} from './scan-results';
import { trivyIgnoreEntries, trivyIgnoreYaml } from '../lib/policy/trivy-ignore';
import { CaseUnderTest, Finding, parseRef, verdict } from './scan-mappings-verdict';

const REASON = 'proof that the scanner honours the skip our exception writes';

interface Case extends CaseUnderTest {
  /** Its file name, without `.yaml`. */
  readonly id: string;
  readonly objects: readonly KubeObject[];
}

/** A case of `scanner` `check`: `annotate` gives the subject's and its role's skip annotations for the subject's kind. */
function caseOf(
  id: string,
  scanner: Scanner,
  check: string,
  label: string,
  fixture: Fixture | undefined,
  annotate: (kind: string, roleKind: string) => { subject: Record<string, string>; role: Record<string, string>; problem?: string },
): Case {
  // Ids of object skips start with s, of mapped rows with m.
  const objectSkip = id.startsWith('s');
  const names = { objectSkip, flaggedName: `${id}-flagged`, skippedName: `${id}-skipped` };
  if (!fixture)
    return {
      id,
      scanner,
      check,
      label,
      kind: '?',
      ...names,
      objects: [],
      problem: `no violating object for it in scripts/scan-mappings-cases.ts`,
    };
  const flagged = fixture(names.flaggedName, {}, {});
  const kind = flagged[0].kind;
  const roleKind = String((flagged[0].roleRef as { kind?: string } | undefined)?.kind ?? '');
  const { subject, role, problem } = annotate(kind, roleKind);
  const alsoReportedAs = scanner === 'checkov' && check.startsWith('CKV2_') && kind !== 'Pod' ? ['Pod'] : [];
  return {
    id,
    scanner,
    check,
    label,
    kind,
    alsoReportedAs,
    ...names,
    problem,
    objects: [...flagged, ...fixture(names.skippedName, subject, role)],
  };
}

function casesOfMappings(): Case[] {
  return SCANNER_CHECKS.filter((row) => row.rule !== NOT_APPLICABLE).map((row, i) => {
    const exception = { rule: row.rule, reason: REASON };
    return caseOf(
      `m${i + 1}`,
      row.scanner,
      row.check,
      `${row.check} -> ${row.rule}`,
      FIXTURES[`${row.scanner} ${row.check}`],
      (kind, roleKind) => {
        if (row.boundRole) {
          // As an add-on writes it (lib/addons/addon-release.ts): the exception on the role, the skip on the binding.
          const skip: ObjectSkip = {
            scanner: row.scanner,
            check: row.check,
            objects: 'the binding',
            reason: `our exception to ${row.rule}: ${REASON}`,
          };
          return { subject: exceptionAnnotations([], kind, [skip]), role: exceptionAnnotations([exception], roleKind) };
        }
        const written = checksForRule(row.rule, kind)[row.scanner].includes(row.check);
        return {
          subject: exceptionAnnotations([exception], kind),
          role: {},
          problem: written ? undefined : `an exception to ${row.rule} on a ${kind} writes no skip for it (its kinds leave ${kind} out)`,
        };
      },
    );
  });
}

function casesOfObjectSkips(): Case[] {
  const seen = new Set<string>();
  return OBJECT_SKIPS.filter((skip) => {
    const key = `${skip.scanner} ${skip.check}`;
    return seen.has(key) ? false : (seen.add(key), true);
  }).map((skip, i) => {
    const key = `${skip.scanner} ${skip.check}`;
    return caseOf(`s${i + 1}`, skip.scanner, skip.check, `${skip.check} (object skip)`, SKIP_FIXTURES[key] ?? FIXTURES[key], (kind) => ({
      subject: exceptionAnnotations([], kind, [skip]),
      role: {},
    }));
  });
}

/** Runs a tool; its JSON output (on stdout) whatever the exit code. */
function runJson(tool: string, args: readonly string[]): unknown {
  const result = spawnSync(tool, args, {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, BC_SKIP_MAPPING: 'TRUE' },
  });
  if (result.error) throw new Error(`${path.basename(tool)} did not run: ${result.error.message}`);
  try {
    return JSON.parse(result.stdout.slice(Math.max(result.stdout.search(/[[{]/), 0)));
  } catch {
    throw new Error(
      `${path.basename(tool)} exited ${result.status} without JSON output: ${(result.stderr || result.stdout).trim().split('\n').slice(-3).join(' | ')}`,
    );
  }
}

function tool(variable: string): string {
  const value = process.env[variable];
  if (!value || !fs.existsSync(value))
    throw new Error(`${variable} does not name an installed tool ('${value ?? ''}'): scripts/scan.sh sets it`);
  return value;
}

/** Every failure each scanner reports on its cases (in `folder`/<scanner>), read raw: no exception of ours excuses any. */
function findingsIn(folder: string, cases: readonly Case[], trivyFiles: TrivyLocator): Finding[] {
  // No objects: the judges then accept nothing through a bound role's exception.
  const none = new ScannedObjects([]);
  const dir = (scanner: Scanner) => path.join(folder, scanner);
  const files = (scanner: Scanner) =>
    cases.filter((c) => c.scanner === scanner && c.objects.length).map((c) => path.join(dir(scanner), `${c.id}.yaml`));
  // Every kube-linter check a case proves, those the scan leaves off included: their rows still translate exceptions.
  const kubeLinterChecks = [...new Set(cases.filter((c) => c.scanner === 'kube-linter').map((c) => c.check))];
  const reports: [Scanner, readonly ScanEntry[]][] = [
    [
      'checkov',
      judgeCheckov(
        runJson(tool('SCAN_CHECKOV'), ['-d', dir('checkov'), '--framework', 'kubernetes', '--skip-download', '--compact', '-o', 'json']),
        '',
        none,
      ).failures,
    ],
    [
      'kube-score',
      judgeKubeScore(
        runJson(tool('SCAN_KUBE_SCORE'), [
          'score',
          '-o',
          'json',
          ...KUBE_SCORE_OPTIONAL_CHECKS.flatMap((c) => ['--enable-optional-test', c]),
          ...files('kube-score'),
        ]),
        '',
        none,
        KUBE_SCORE_OPTIONAL_CHECKS,
      ).failures,
    ],
    [
      'kube-linter',
      judgeKubeLinter(
        runJson(tool('SCAN_KUBE_LINTER'), [
          'lint',
          '--format',
          'json',
          ...kubeLinterChecks.flatMap((c) => ['--include', c]),
          dir('kube-linter'),
        ]),
        '',
        none,
      ).failures,
    ],
    [
      'polaris',
      judgePolaris(runJson(tool('SCAN_POLARIS'), ['audit', '--audit-path', dir('polaris'), '--format', 'json']), '', none).failures,
    ],
    [
      'trivy',
      judgeTrivy(
        runJson(tool('SCAN_TRIVY'), trivyArguments(dir('trivy'), path.join(folder, 'trivy-cache'), path.join(folder, 'trivyignore.yaml'))),
        '',
        trivyFiles,
      ).failures,
    ],
  ];
  return reports.flatMap(([scanner, entries]) => entries.map((e) => ({ scanner, check: e.check, ...parseRef(e.object) })));
}

function main(folder: string): number {
  const start = Date.now();
  const cases = [...casesOfMappings(), ...casesOfObjectSkips()];
  fs.rmSync(folder, { recursive: true, force: true });
  // A folder per scanner: Checkov matches a NetworkPolicy to pods across namespaces, so another scanner's namespace-wide policy would cover them.
  // Trivy skips by file: one object to a file, and the ignore file the review would write for them.
  const trivyObjects = new Map<string, KubeObject[]>();
  for (const c of cases.filter((x) => x.objects.length)) {
    fs.mkdirSync(path.join(folder, c.scanner), { recursive: true });
    if (c.scanner === 'trivy') {
      c.objects.forEach((o, i) => {
        const file = `${c.id}-${i + 1}.yaml`;
        fs.writeFileSync(path.join(folder, c.scanner, file), stringify(o));
        trivyObjects.set(file, [o]);
      });
    } else fs.writeFileSync(path.join(folder, c.scanner, `${c.id}.yaml`), c.objects.map((o) => stringify(o)).join('---\n'));
  }
  fs.mkdirSync(path.join(folder, 'trivy'), { recursive: true });
  // As `review --trust-annotations --trivy-ignore` writes it for these objects, outside the folder Trivy scans.
  const subjects = new Map([...trivyObjects.entries()].map(([file, objects]) => [file, objects.map(trustedSubject)]));
  fs.writeFileSync(path.join(folder, 'trivyignore.yaml'), trivyIgnoreYaml(trivyIgnoreEntries(subjects).entries));
  // Findings read raw: the locator gives each object without its annotations, so no skip of ours excuses one.
  const bare: TrivyLocator = (target) => {
    const o = trivyObjects.get(target)?.[0];
    return o
      ? { apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.metadata?.name, namespace: o.metadata?.namespace } }
      : undefined;
  };
  const { ok, lines } = verdict(cases, findingsIn(folder, cases, bare));
  lines.forEach((line) => (line.startsWith('scan-mappings:') ? console.error(line) : console.log(`scan-mappings: ${line}`)));
  console.log(
    `scan-mappings: ${ok ? 'passed' : 'FAILED'}: ${cases.length} cases in ${((Date.now() - start) / 1000).toFixed(1)}s (objects in ${folder}/)`,
  );
  return ok ? 0 : 1;
}

try {
  process.exitCode = main(process.argv[2] ?? '.scan/mappings');
} catch (e) {
  console.error(`scan-mappings: ${(e as Error).message}`);
  process.exitCode = 1;
}
