import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
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
 * Whether this process is an app run from the command line, whose errors the error printer
 * should own: started by `cdk8s synth`, or its entry script (`node main.ts`, `tsx main.ts`)
 * is the file that creates the app (the caller of the constructors in `stack`, the app's call stack).
 * A test runner, a server or a tool that imports the library and builds an app from another
 * module keeps its own error handling: the printer is process-wide, so it is not the
 * library's to install there.
 */
export function isCommandLineApp(env: NodeJS.ProcessEnv, entryScript: string | undefined, stack: string): boolean {
  if (env.JEST_WORKER_ID) return false;
  if (startedByCdk8sSynth(env)) return true;
  if (!entryScript) return false;
  // The frame below the constructors (`new HardenedApp`, `new MyApp`) is the code that creates the app.
  const creator = stack.split('\n').find((line) => /^\s+at /.test(line) && !/^\s+at new /.test(line)) ?? '';
  const entry = path.resolve(entryScript);
  return creator.includes(`${entry}:`) || creator.includes(`${pathToFileURL(entry).href}:`);
}

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
 * (however many shells or `npx` layers lie between), the folder is removed and the app exits 0:
 * the synth still fails, in two lines. Anywhere else, or when in doubt, 1.
 */
export function exitCodeAfterFailure(env: NodeJS.ProcessEnv = process.env): number {
  if (!startedByCdk8sSynth(env)) return 1;
  const folder = path.resolve(env.CDK8S_OUTDIR!);
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

/**
 * Whether the cdk8s CLI's synth started this app: it sets both variables for the app command it
 * runs (cdk8s-cli `synthApp`), and nothing else sets the second. Read from the environment, which
 * every child inherits, so it holds under `npx ts-node`, `npm run` or any wrapper.
 */
export function startedByCdk8sSynth(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.CDK8S_OUTDIR) && env.CDK8S_RECORD_CONSTRUCT_METADATA !== undefined;
}
