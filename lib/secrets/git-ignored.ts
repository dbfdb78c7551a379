/**
 * Whether a file that holds secret material is safe from `git add`: ignored by git (and not
 * already tracked), or outside every git work tree and outside the project.
 *
 * We ask git itself (`git check-ignore`), so every source of ignore rules counts: nested
 * `.gitignore` files, `.git/info/exclude`, the user's global excludes. A path rule of our own
 * ("must live under secrets/") would drift from what git really does. Git answers for the
 * file's real path (symbolic links resolved), because the content lives there.
 *
 * Fails closed: when git is missing, or the project is not a git work tree, a file inside
 * the project is refused, since nothing can show it will stay out of a future commit.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { IConstruct } from 'constructs';

/**
 * Git's answers, per app (construct tree root) until its synth ends: a file asked about twice
 * in one synth costs one `git` run, and the next synth asks again (after a `git add -f` or a
 * `.gitignore` edit, an old "ignored" must not pass a secret file). Collected with the app.
 */
let verdictsByApp = new WeakMap<IConstruct, Map<string, string | undefined>>();

/**
 * Why `file` might end up in git, as a sentence, or `undefined` when it is safe.
 *
 * @param file an existing file
 * @param projectDir the project the app belongs to (the current directory by default)
 * @param asker the construct that needs the answer: git is asked once per file in its app's synth (every call asks git when absent)
 */
export function whyNotGitIgnored(file: string, projectDir: string = process.cwd(), asker?: IConstruct): string | undefined {
  const real = fs.realpathSync(file);
  const project = realOrResolved(projectDir);
  // A stand-in scope outside any construct tree (writeEncryptionConfiguration's) has no app to remember for.
  const root = asker?.node.root as IConstruct | undefined;
  if (root === undefined) return judge(real, project);
  const verdicts = verdictsByApp.get(root) ?? new Map<string, string | undefined>();
  verdictsByApp.set(root, verdicts);
  const memo = `${real}\0${project}`;
  if (verdicts.has(memo)) return verdicts.get(memo);
  const verdict = judge(real, project);
  verdicts.set(memo, verdict);
  return verdict;
}

/** Ends the app's synth for git's answers: the next synth asks again. @internal */
export function _forgetGitVerdicts(root: IConstruct): void {
  verdictsByApp.delete(root);
}

/** Forgets every answer (tests that stand for a fresh process). @internal */
export function _resetGitVerdicts(): void {
  verdictsByApp = new WeakMap();
}

function judge(real: string, project: string): string | undefined {
  const top = git(path.dirname(real), ['rev-parse', '--show-toplevel']);
  if (top.kind === 'missing') {
    return isInside(real, project)
      ? `'${real}' is inside the project, and git is not installed, so nothing shows it is ignored by git`
      : undefined;
  }
  if (top.kind === 'failed') {
    return isInside(real, project)
      ? `'${real}' is inside the project, which is not a git work tree, so nothing shows it will stay out of a commit`
      : undefined;
  }
  const root = realOrResolved(top.stdout.trim());
  // `check-ignore` consults the index too: a tracked file is "not ignored" even when a rule matches.
  const ignored = git(root, ['check-ignore', '--quiet', '--', real]);
  if (ignored.kind === 'ok') return undefined;
  if (ignored.kind === 'failed' && ignored.status === 1) {
    const tracked = git(root, ['ls-files', '--', real]);
    if (tracked.kind === 'ok' && tracked.stdout.trim() !== '') {
      return `'${real}' is tracked by git in ${root}: its content is already in the history. Rotate the secret, then 'git rm --cached' the file and ignore it`;
    }
    return `'${real}' is not ignored by git in ${root}`;
  }
  return `git cannot tell whether '${real}' is ignored (${ignored.kind === 'failed' ? ignored.stderr.trim() : 'git is missing'})`;
}

type GitResult =
  | { readonly kind: 'ok'; readonly stdout: string }
  | { readonly kind: 'failed'; readonly status: number | null; readonly stderr: string }
  | { readonly kind: 'missing' };

function git(cwd: string, args: readonly string[]): GitResult {
  try {
    const stdout = execFileSync('git', ['-C', cwd, ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' },
    });
    return { kind: 'ok', stdout };
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { status?: number | null; stderr?: string };
    if (e.code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'failed', status: e.status ?? null, stderr: String(e.stderr ?? e.message) };
  }
}

function realOrResolved(dir: string): string {
  try {
    return fs.realpathSync(dir);
  } catch {
    return path.resolve(dir);
  }
}

/** Whether `file` is `dir` or inside it. */
export function isInside(file: string, dir: string): boolean {
  const relative = path.relative(dir, file);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}
