import * as fs from 'node:fs';
import * as path from 'node:path';
import { HardeningError } from '../core/hardening-error';

/** Errors whose message is complete for the user: printed alone, without a stack trace. */
export interface UserFacingError extends Error {
  readonly userFacing: true;
}

/** cdk8s collects `node.addValidation()` errors, each prefixed with its construct path, into one Error. */
const CDK8S_VALIDATION = /^Validation failed with the following errors:/;

function isUserFacing(error: unknown): error is Error {
  return (
    error instanceof HardeningError ||
    (error instanceof Error && ((error as Partial<UserFacingError>).userFacing === true || CDK8S_VALIDATION.test(error.message)))
  );
}

/**
 * The text printed for an error that ends a synth. Our own errors are complete sentences
 * that name the construct path, field and fix, so they print alone; anything else is a bug
 * or an upstream error, printed with its message and a hint to get the stack.
 */
export function formatError(error: unknown): string {
  if (isUserFacing(error)) return `Error: ${error.message}`;
  if (process.env.CDK8S_HARDENED_DEBUG) return String(error instanceof Error ? error.stack : error);
  const message = error instanceof Error ? error.message : String(error);
  return `Error: ${message}\n(unexpected error: set CDK8S_HARDENED_DEBUG=1 to print its stack trace)`;
}

let installed = false;

/**
 * Makes an app that throws while it builds its constructs or synthesizes exit 1 with one
 * clear line instead of a stack trace from inside the library. Installed once per process;
 * not under jest, which reports thrown errors itself.
 */
export function installErrorPrinter(): void {
  if (installed || process.env.JEST_WORKER_ID) return;
  installed = true;
  const fail = (error: unknown) => {
    process.stderr.write(formatError(error) + '\n');
    process.exit(exitCodeAfterFailure());
  };
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);
}

/**
 * The exit code of a failed app. Under `cdk8s synth`, a non-zero exit makes the cdk8s CLI
 * print its own stack trace after our line. The CLI has a clean failure path too: an app that
 * exits 0 without creating its output folder (`CDK8S_OUTDIR`) gets "ERROR: synthesis failed,
 * app expected to create ..." and the CLI exits 1. So when `cdk8s synth` started this process
 * (directly or through the shell it uses), the folder is removed and the app exits 0: the
 * synth still fails, in two lines. Anywhere else, or when in doubt, 1.
 */
export function exitCodeAfterFailure(env: NodeJS.ProcessEnv = process.env, ancestors: () => string[][] = ancestorCommandLines): number {
  const outdir = env.CDK8S_OUTDIR;
  if (!outdir || !ancestors().some(isCdk8sSynth)) return 1;
  const folder = path.resolve(outdir);
  const cwd = process.cwd();
  // Never remove the working folder or one that holds it, whatever the variable says.
  if (cwd === folder || cwd.startsWith(folder + path.sep)) return 1;
  try {
    fs.rmSync(folder, { recursive: true, force: true });
  } catch {
    return 1;
  }
  return fs.existsSync(folder) ? 1 : 0;
}

/** `node .../cdk8s synth ...` (the CLI's bin is `cdk8s`, from cdk8s-cli). */
export function isCdk8sSynth(args: readonly string[]): boolean {
  const bin = args.findIndex((arg) => /(^|\/)cdk8s$/.test(arg));
  return bin >= 0 && args.slice(bin + 1).includes('synth');
}

/** The command lines of this process's parent and grandparent (Linux /proc; none elsewhere). */
function ancestorCommandLines(): string[][] {
  const lines: string[][] = [];
  let pid = process.ppid;
  for (let depth = 0; depth < 2 && pid > 1; depth++) {
    try {
      lines.push(
        fs
          .readFileSync(`/proc/${pid}/cmdline`, 'utf8')
          .split('\0')
          .filter((arg) => arg !== ''),
      );
      // Field 4 of /proc/<pid>/stat is its parent; the command name (field 2) may hold spaces, so read after its ')'.
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      pid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    } catch {
      break;
    }
  }
  return lines;
}
