import * as fs from 'node:fs';
import * as path from 'node:path';
import { review } from '../../lib/review/engine';
import { parseManifests } from '../../lib/review/load';

/**
 * Conformance with the upstream Pod Security Admission test data: every pod that upstream
 * allows at a level must produce no error from that level's pack, and every pod it denies
 * must produce an error from the rule implementing the check the fixture exercises.
 * The fixtures are upstream's own test data (k8s.io/pod-security-admission, test/testdata), kept
 * for this project and CI in ../shared/fixtures/pod-security-admission and read there in place,
 * never copied into the repository; `PSA_FIXTURES` points elsewhere, for example at a newer
 * upstream checkout.
 */
const SHARED_FIXTURES = path.resolve(__dirname, '../../../shared/fixtures/pod-security-admission');
const FIXTURES = path.resolve(process.env.PSA_FIXTURES ?? SHARED_FIXTURES);
const LEVELS = ['baseline', 'restricted'] as const;

/** Which of our rules implement each upstream check (the fixture file stem). */
const RULES_FOR_CHECK: Record<string, readonly string[]> = {
  allowprivilegeescalation: ['no-privilege-escalation'],
  apparmorprofile: ['no-apparmor-unconfined'],
  capabilities_baseline: ['baseline-capabilities', 'drop-all-capabilities'],
  capabilities_restricted: ['drop-all-capabilities'],
  hostnamespaces: ['no-host-namespaces'],
  hostpathvolumes: ['no-host-path', 'restricted-volume-types'],
  hostports: ['no-host-ports'],
  hostprobesandhostlifecycle: ['no-host-probes'],
  privileged: ['no-privileged'],
  procmount: ['no-unmasked-proc-mount', 'restricted-proc-mount'],
  procmount_restricted: ['restricted-proc-mount'],
  restrictedvolumes: ['restricted-volume-types'],
  runasnonroot: ['run-as-non-root'],
  runasuser: ['no-root-user'],
  seccompprofile_baseline: ['no-unconfined-seccomp', 'seccomp-runtime-default'],
  seccompprofile_restricted: ['seccomp-runtime-default'],
  selinuxoptions: ['no-custom-selinux'],
  sysctls: ['no-unsafe-sysctls'],
  windowshostprocess: ['no-windows-host-process'],
};

/** The newest `v1.N` folder of a level. */
function newestVersion(levelDir: string): string | undefined {
  return fs
    .readdirSync(levelDir)
    .filter((name) => /^v\d+\.\d+$/.test(name))
    .sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]))
    .pop();
}

function fixtureFiles(dir: string): string[] {
  return fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((f) => f.endsWith('.yaml'))
        .sort()
    : [];
}

function errorRules(file: string, level: string): string[] {
  // Read as kubectl (and the upstream Go test harness) reads them.
  const manifests = parseManifests(fs.readFileSync(file, 'utf8'), file);
  expect(manifests).toHaveLength(1);
  const result = review(
    manifests.map(({ object, origin }) => ({ object, origin })),
    { packs: [`pss-${level}`], today: '2026-01-01' },
  );
  return result.findings.filter((f) => f.severity === 'error' && !f.exception).map((f) => f.ruleId);
}

if (!fs.existsSync(FIXTURES)) {
  test('the upstream Pod Security fixtures are installed', () => {
    throw new Error(
      `The upstream Pod Security fixtures are not at ${FIXTURES}. They are kept beside the repository in ` +
        `../shared/fixtures/pod-security-admission (k8s.io/pod-security-admission, test/testdata); check out the ` +
        `shared folder there, or set PSA_FIXTURES to a folder holding <level>/v1.N/<pass|fail>/.`,
    );
  });
} else {
  describe.each(LEVELS)('Pod Security %s level', (level) => {
    const levelDir = path.join(FIXTURES, level);
    const version = fs.existsSync(levelDir) ? newestVersion(levelDir) : undefined;
    if (!version) {
      test(`${level} has a v1.N folder of fixtures`, () => {
        throw new Error(
          `no v1.N folder under ${levelDir}: PSA_FIXTURES or ../shared/fixtures/pod-security-admission must hold <level>/v1.N/<pass|fail>/`,
        );
      });
      return;
    }
    const dir = path.join(levelDir, version);
    const passing = fixtureFiles(path.join(dir, 'pass'));
    const failing = fixtureFiles(path.join(dir, 'fail'));

    test(`${version} has fixtures to check`, () => {
      expect(passing.length).toBeGreaterThan(0);
      expect(failing.length).toBeGreaterThan(0);
    });

    test.each(passing)(`${version} pass/%s is allowed`, (file) => {
      expect(errorRules(path.join(dir, 'pass', file), level)).toEqual([]);
    });

    test.each(failing)(`${version} fail/%s is denied by the rule for its check`, (file) => {
      const found = errorRules(path.join(dir, 'fail', file), level);
      expect(found.length).toBeGreaterThan(0);
      const check = file.replace(/\d+\.yaml$/, '');
      const expected = RULES_FOR_CHECK[check];
      // An unmapped check still counts as denied above; map it so the rule is pinned too.
      if (expected) expect(found.filter((rule) => expected.includes(rule))).not.toEqual([]);
    });
  });
}
