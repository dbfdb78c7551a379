import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { IConstruct } from 'constructs';
import { NOT_REGULAR_FILE, openNewFile, pathExists, readRegularFile } from '../core/files';
import { HardeningError } from '../core/hardening-error';
import { whyNotGitIgnored } from './git-ignored';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Where a secret value comes from at synth time: an environment variable or a file that git
 * ignores. There is deliberately no way to give the value itself: a literal in code ends up
 * in Git, in reviews and in build logs.
 *
 * The reference is resolved when the construct that uses it is created; the value is used
 * there (sealed, or checked) and never stored on the construct.
 */
export class SecretValue {
  /**
   * The value of an environment variable, exactly as set (UTF-8). Synth fails, naming the
   * construct and the variable, when it is unset or empty.
   *
   * @param name the variable, for example `DB_PASSWORD`
   */
  public static fromEnv(name: string): SecretValue {
    return new SecretValue('env', name);
  }

  /**
   * The bytes of a file, exactly as stored (a trailing newline is kept: write the file with
   * `printf '%s'`, not `echo`). The file must be ignored by git (`git check-ignore` says so,
   * and it is not tracked) or lie outside the project and every git work tree; synth fails
   * otherwise. A relative path is resolved from the current directory (the project root
   * under `cdk8s synth`).
   *
   * @param file for example `secrets/db-password`
   */
  public static fromFile(file: string): SecretValue {
    return new SecretValue('file', file);
  }

  /**
   * Like `fromFile`, but when the file does not exist yet it is created with a random value
   * (`bytes` random bytes, base64url; mode 0600) on first synth. For secrets whose value
   * nobody needs to know, only to share through the sealed secret: a database password
   * that both the database and its clients read from the same Secret. The file must be
   * ignored by git, as with `fromFile`; keep it (or its value) to keep the same secret.
   *
   * @param file for example `secrets/db-password`
   * @param bytes random bytes before encoding (default 32)
   */
  public static generatedInFile(file: string, bytes?: number): SecretValue {
    return new SecretValue('generated', file, bytes ?? 32);
  }

  private constructor(
    private readonly source: 'env' | 'file' | 'generated',
    private readonly reference: string,
    private readonly bytes = 0,
  ) {}

  /**
   * Where the value comes from, for messages: `environment variable DB_PASSWORD` or `file
   * secrets/db`. The reference itself is shown only when it plausibly is one (see `shown`).
   */
  public describe(): string {
    const what = this.source === 'env' ? 'environment variable' : `${this.source === 'generated' ? 'generated ' : ''}file`;
    return `${what} ${this.shown()}`;
  }

  /**
   * The reference as errors may print it. Someone may pass the secret itself by mistake
   * (`fromEnv(password)`), so it is printed only when it demonstrably names something: a
   * variable that is set, a file that exists, or a path with a '/' whose folder exists. Any
   * other reference is described by its length only.
   */
  private shown(): string {
    const reference = this.reference;
    const plausible =
      !/[\u0000-\u001f\u007f]/.test(reference) &&
      reference.length <= 1024 &&
      (this.source === 'env'
        ? process.env[reference] !== undefined
        : pathExists(path.resolve(reference)) || (reference.includes('/') && pathExists(path.dirname(path.resolve(reference)))));
    return plausible ? reference : `(${reference.length} characters, not shown in case they are the secret itself)`;
  }

  /**
   * Reads the value. Internal: constructs call it once and do not keep the result.
   *
   * @internal
   * @param scope the construct the value is for, named in errors
   * @param field the prop that holds this reference, named in errors
   */
  public _resolve(scope: IConstruct, field: string): Buffer {
    if (this.source === 'generated') this.generateIfMissing(scope, field);
    return this.source === 'env' ? this.fromEnvironment(scope, field) : this.fromFileSystem(scope, field);
  }

  private generateIfMissing(scope: IConstruct, field: string): void {
    const file = path.resolve(this.reference);
    if (pathExists(file)) return;
    if (!Number.isInteger(this.bytes) || this.bytes < 16 || this.bytes > 1024) {
      throw new HardeningError(
        scope,
        `'${field}': a generated secret needs 16 to 1024 random bytes (got ${this.bytes}). Use the default, 32.`,
      );
    }
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // Created empty (never through a link), asked about, then filled through the same descriptor.
    const fd = openNewFile(file, 0o600);
    try {
      const problem = whyNotGitIgnored(file, process.cwd(), scope);
      if (problem !== undefined) {
        fs.rmSync(file, { force: true });
        throw new HardeningError(
          scope,
          `'${field}': ${problem}, so no value was generated there. Put generated secrets under an ignored folder (this project ignores secrets/).`,
        );
      }
      fs.writeFileSync(fd, randomBytes(this.bytes).toString('base64url'));
    } finally {
      fs.closeSync(fd);
    }
  }

  private fromEnvironment(scope: IConstruct, field: string): Buffer {
    const name = this.reference;
    const example = "SecretValue.fromEnv('DB_PASSWORD')";
    if (!ENV_NAME.test(name)) {
      throw new HardeningError(
        scope,
        `'${field}': SecretValue.fromEnv was given ${name.length} characters that are not an environment variable name (not shown in case they are the secret itself). ` +
          `Pass the variable's name, letters, digits and '_', as in ${example}; if you passed the secret itself, rotate it.`,
      );
    }
    const value = process.env[name];
    if (value === undefined) {
      throw new HardeningError(
        scope,
        `'${field}': the environment variable that SecretValue.fromEnv names is not set (its ${name.length}-character name is not shown in case it is the secret itself). ` +
          `Set it before synth (for example from your CI's secret store), and check that the call names the variable, as in ${example}.`,
      );
    }
    if (value === '') {
      throw new HardeningError(
        scope,
        `'${field}': the environment variable ${name} is set but empty. Set it to the secret value before synth.`,
      );
    }
    return Buffer.from(value, 'utf8');
  }

  private fromFileSystem(scope: IConstruct, field: string): Buffer {
    const file = path.resolve(this.reference);
    let content: Buffer;
    try {
      content = readRegularFile(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      if (code === NOT_REGULAR_FILE) {
        throw new HardeningError(
          scope,
          `'${field}': the file ${this.shown()} is not a regular file (a FIFO or device would hang synth). Point it at a regular file holding the secret.`,
        );
      }
      throw new HardeningError(
        scope,
        `'${field}': cannot read the file ${this.shown()} (${code}). Create it outside Git's reach, for example under secrets/ (ignored), with printf '%s' "$VALUE" > secrets/<name>.`,
      );
    }
    const problem = whyNotGitIgnored(file, process.cwd(), scope);
    if (problem !== undefined) {
      throw new HardeningError(
        scope,
        `'${field}': ${problem}. A file holding a secret must be ignored by git: move it under an ignored folder (this project ignores secrets/) or outside the project.`,
      );
    }
    if (content.length === 0) {
      throw new HardeningError(scope, `'${field}': the file ${this.shown()} is empty. Write the secret value into it before synth.`);
    }
    return content;
  }
}
