import { HardeningError } from '../core/hardening-error';

/** Errors whose message is complete for the user: printed alone, without a stack trace. */
export interface UserFacingError extends Error {
  readonly userFacing: true;
}

/** cdk8s collects `node.addValidation()` errors, each prefixed with its construct path, into one Error. */
const CDK8S_VALIDATION = /^Validation failed with the following errors:/;

function isUserFacing(error: unknown): error is Error {
  return error instanceof HardeningError
    || (error instanceof Error && ((error as Partial<UserFacingError>).userFacing === true || CDK8S_VALIDATION.test(error.message)));
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
    process.exit(1);
  };
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);
}
