import { imageRepository, isUnder, registryEntryProblem, registryList } from '../../lib/policy/image-registry';
import { review } from '../../lib/review/engine';
import { container, deployment, inHardenedNamespace } from '../review/builders';

describe('the repository an image reference names, as the container runtime reads it', () => {
  test.each([
    ['nginx', 'docker.io/library/nginx'],
    ['nginx:1.27', 'docker.io/library/nginx'],
    [`nginx:1.27@sha256:${'a'.repeat(64)}`, 'docker.io/library/nginx'],
    ['library/nginx', 'docker.io/library/nginx'],
    ['example/app:1', 'docker.io/example/app'],
    ['ghcr.io/example/app:1.0', 'ghcr.io/example/app'],
    ['registry.internal:5000/team/app', 'registry.internal:5000/team/app'],
    ['registry.internal:5000/team/app:2', 'registry.internal:5000/team/app'],
    ['localhost/app', 'localhost/app'],
    ['localhost:5000/app:1', 'localhost:5000/app'],
  ])('%s is %s', (image, repository) => {
    expect(imageRepository(image)).toBe(repository);
  });
});

test('an entry covers itself and what lies under it at a / boundary, nothing else', () => {
  expect(isUnder('ghcr.io/example/app', 'ghcr.io/example')).toBe(true);
  expect(isUnder('ghcr.io/example', 'ghcr.io/example')).toBe(true);
  expect(isUnder('ghcr.io/examples/app', 'ghcr.io/example')).toBe(false);
  expect(isUnder('ghcr.io.evil.example/app', 'ghcr.io')).toBe(false);
});

test('entries are registry hosts with an optional path, never a tag, a digest or a bare name', () => {
  for (const good of [
    'ghcr.io',
    'ghcr.io/example',
    'registry.internal:5000',
    'registry.internal:5000/team',
    'localhost',
    'docker.io/library',
  ]) {
    expect(registryEntryProblem(good)).toBeUndefined();
  }
  expect(registryEntryProblem('library')).toMatch(/registry host/);
  expect(registryEntryProblem('ghcr.io/example/app:1.0')).toMatch(/without tag or digest/);
  expect(registryEntryProblem(`ghcr.io/example/app@sha256:${'a'.repeat(64)}`)).toMatch(/without tag or digest/);
  expect(registryEntryProblem('ghcr.io/example/')).toMatch(/no trailing slash/);
  expect(registryEntryProblem('GHCR.io')).toBeDefined();
  expect(registryList(' ghcr.io/example, ,docker.io/library ')).toEqual(['ghcr.io/example', 'docker.io/library']);
});

describe("the review's allowedRegistries", () => {
  const web = deployment((s) => {
    container(s).image = `quay.io/team/web@sha256:${'b'.repeat(64)}`;
    container(s, 'setup').image = `quay.io/team/setup@sha256:${'c'.repeat(64)}`;
  });
  const findings = (allowedRegistries?: string[]) =>
    review(inHardenedNamespace(web), {
      today: '2026-01-01',
      packs: ['workload-hardening'],
      ...(allowedRegistries ? { allowedRegistries } : {}),
    })
      .findings.filter((f) => f.ruleId === 'image-registry-allowed')
      .map((f) => [f.value, f.message]);

  test('refuses an image from a registry the list does not cover, naming the image and the list', () => {
    expect(findings(['ghcr.io/example', 'docker.io/library'])).toEqual([
      [
        `quay.io/team/web@sha256:${'b'.repeat(64)}`,
        expect.stringContaining('from "quay.io/team/web", which the allowed registries (ghcr.io/example, docker.io/library) do not cover'),
      ],
      [`quay.io/team/setup@sha256:${'c'.repeat(64)}`, expect.stringContaining('init container "setup"')],
    ]);
    expect(findings(['quay.io/team'])).toEqual([]);
    expect(findings()).toEqual([]);
  });

  test('a wrong entry stops the review, naming it and why', () => {
    expect(() => findings(['quay.io/team/web:1.0'])).toThrow(
      /'allowedRegistries\[0\]' "quay.io\/team\/web:1.0" is not a registry entry: .*without tag or digest/,
    );
  });
});
