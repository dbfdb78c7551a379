import { ChildProcess, spawn, spawnSync } from 'node:child_process';

/**
 * A FIFO at `file`, with a process waiting to write `content` into it and close it. Code
 * that wrongly reads the FIFO gets `content` and an end, so a test fails on what was read
 * instead of blocking the test process forever (a synchronous read cannot be timed out).
 * `close()` ends the writer when nothing read it.
 */
export function fifoWithWriter(
  file: string,
  content = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-the-fifo\n',
): { close(): void } {
  const made = spawnSync('mkfifo', [file], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`mkfifo ${file} failed: ${made.stderr}`);
  const writer: ChildProcess = spawn('sh', ['-c', 'printf %s "$1" > "$2"', 'sh', content, file], { stdio: 'ignore' });
  return {
    close: () => {
      writer.kill();
    },
  };
}
