/**
 * Proof against the real tool: the configuration AuditLogShipper writes is read by the
 * OpenTelemetry Collector itself (test/peers/otelcol: the Collector with exactly the components
 * the configuration names, at pinned releases), with `otelcol validate`, and then run: on an
 * audit log in a temporary folder, sending to an HTTPS endpoint of this test that asks for the
 * shipper's client certificate. Every event arrives once and unchanged, across a rotation of
 * the log, a restart of the collector and an outage of the endpoint.
 *
 * The pod's paths are mapped to temporary folders exactly as its volume mounts map them (the
 * node's audit folder, the ConfigMap, the buffer, the two Secrets); nothing else in the
 * configuration is changed but the endpoint, which points at this test.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { Chart, Size, Testing } from 'cdk8s';
import { AuditLogShipper, AuditLogShipperProps } from '../../lib';
import { localTlsKeys } from '../secrets/support';
import { removeTempDirs, tempDir, withInstalledTool } from '../support';

const ROOT = path.resolve(__dirname, '../..');
const OTELCOL = path.join(ROOT, '.tools/bin/otelcol');
const IMAGE = `ghcr.io/example/otelcol-k8s:0.165.0@sha256:${'a'.repeat(64)}`;
const TENANT = 'team$a${env:HOME}';

afterAll(removeTempDirs);

/** The shipper's configuration and DaemonSet, for an endpoint at `endpoint`. */
function shipper(
  endpoint: string,
  props: Partial<AuditLogShipperProps> = {},
  headers: Record<string, string> = { 'X-Scope-OrgID': TENANT },
): { config: string; daemonSet: any } {
  const chart = new Chart(Testing.app(), 'platform');
  const shipper = new AuditLogShipper(chart, 'audit', {
    ...props,
    image: IMAGE,
    sink: {
      logsEndpoint: endpoint,
      cidrs: ['127.0.0.1/32'],
      caSecret: 'sink-ca',
      clientCertificateSecret: 'sink-client',
      // TENANT: what the collector would expand if it were not escaped.
      headers,
    },
  });
  const daemonSet = Testing.synth(chart).find((o) => o.kind === 'DaemonSet');
  return { config: shipper.config, daemonSet };
}

interface LocalPod {
  readonly configFile: string;
  /** The node's audit folder. */
  readonly auditDir: string;
  /** The folder of the client certificate's Secret. */
  readonly clientDir: string;
}

/**
 * The pod on this machine: a folder per volume mount of the shipper's container (the secrets'
 * files written into theirs), and the configuration with each mount path replaced by its folder.
 */
function localPod(config: string, daemonSet: any): LocalPod {
  const root = tempDir('shipper-pod-');
  const pod = daemonSet.spec.template.spec;
  const container = pod.containers[0];
  const folders = new Map<string, string>();
  let auditDir = '';
  let clientDir = '';
  for (const mount of container.volumeMounts) {
    const volume = pod.volumes.find((v: any) => v.name === mount.name);
    const folder = path.join(root, mount.name);
    fs.mkdirSync(folder);
    folders.set(mount.mountPath, folder);
    if (volume.hostPath) auditDir = folder;
    if (volume.secret?.secretName === 'sink-ca') fs.writeFileSync(path.join(folder, 'ca.crt'), localTlsKeys('sink').certificatePem);
    if (volume.secret?.secretName === 'sink-client') {
      clientDir = folder;
      fs.writeFileSync(path.join(folder, 'tls.crt'), localTlsKeys('shipper').certificatePem);
      fs.writeFileSync(path.join(folder, 'tls.key'), localTlsKeys('shipper').privateKeyPem);
    }
  }
  expect(auditDir).not.toBe('');
  // Longest first: /etc/otelcol/sink-ca before /etc/otelcol.
  let local = config;
  for (const [mountPath, folder] of [...folders].sort((a, b) => b[0].length - a[0].length)) local = local.split(mountPath).join(folder);
  const configFolder = folders.get(path.posix.dirname(/--config=(\S+)/.exec(container.args.join(' '))![1]))!;
  const configFile = path.join(configFolder, 'config.yaml');
  fs.writeFileSync(configFile, local);
  return { configFile, auditDir, clientDir };
}

/** An HTTPS OTLP endpoint that asks for the shipper's certificate and keeps every log record's body. */
class Sink {
  public readonly bodies: string[] = [];
  public refusing = false;
  public requests = 0;
  public readonly tenants = new Set<string>();
  /** Each resource's attributes (key=value, sorted), as sent. */
  public readonly resources = new Set<string>();
  private readonly server: https.Server;

  constructor() {
    this.server = https.createServer(
      {
        key: localTlsKeys('sink').privateKeyPem,
        cert: localTlsKeys('sink').certificatePem,
        ca: [localTlsKeys('shipper').certificatePem],
        requestCert: true,
        rejectUnauthorized: true,
      },
      (request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          this.requests++;
          this.tenants.add(String(request.headers['x-scope-orgid']));
          if (this.refusing) {
            response.writeHead(503).end();
            return;
          }
          const raw = Buffer.concat(chunks);
          const body = request.headers['content-encoding'] === 'gzip' ? zlib.gunzipSync(raw) : raw;
          const otlp = JSON.parse(body.toString('utf8'));
          for (const resource of otlp.resourceLogs ?? []) {
            const attributes = (resource.resource?.attributes ?? []).map((a: any) => `${a.key}=${a.value.stringValue}`);
            this.resources.add(attributes.sort().join(','));
            for (const scope of resource.scopeLogs ?? [])
              for (const record of scope.logRecords ?? []) this.bodies.push(record.body.stringValue);
          }
          response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        });
      },
    );
  }

  public async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `https://127.0.0.1:${(this.server.address() as AddressInfo).port}/otlp/v1/logs`;
  }

  /** Accepts, from the next connection on, only the client certificate `accepted`; drops the connections open now. */
  public acceptOnly(accepted: string): void {
    this.server.setSecureContext({
      key: localTlsKeys('sink').privateKeyPem,
      cert: localTlsKeys('sink').certificatePem,
      ca: [accepted],
    });
    this.server.closeAllConnections();
  }

  public close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** An audit event as the API server writes it: one JSON object per line. */
function auditEvent(n: number, extra = ''): string {
  return JSON.stringify({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    stage: 'ResponseComplete',
    requestURI: `/api/v1/namespaces/shop/secrets?n=${n}`,
    verb: 'list',
    user: { username: 'système:serviceaccount:shop:api', groups: ['system:authenticated'] },
    sourceIPs: ['10.0.0.7'],
    objectRef: { resource: 'secrets', namespace: 'shop', apiVersion: 'v1' },
    responseStatus: { code: 403 },
    ...(extra ? { requestObject: { padding: extra } } : {}),
  });
}

async function until(what: string, condition: () => boolean, seconds = 30): Promise<void> {
  const end = Date.now() + seconds * 1000;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out after ${seconds}s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

withInstalledTool(OTELCOL, 'OpenTelemetry Collector proof', 'scripts/install-peers.sh otelcol', () => {
  describe(`the OpenTelemetry Collector (${path.relative(ROOT, OTELCOL)})`, () => {
    // The health check listens on POD_IP: a loopback address of this process's own, so another run
    // of these tests at the same time (another checkout, CI on the same machine) holds no port it needs.
    const podIp = `127.${(process.pid >> 16) & 255}.${(process.pid >> 8) & 255}.${process.pid & 255 || 1}`;
    const env = (home: string) => ({ PATH: process.env.PATH, HOME: home, POD_IP: podIp, NODE_NAME: 'control-plane-1' });

    /** The collector running on `pod`'s configuration: what it printed so far, and a stop that waits for its exit. */
    function startCollector(pod: LocalPod, extraEnv: Record<string, string> = {}) {
      const child = spawn(OTELCOL, [`--config=file:${pod.configFile}`], { env: { ...env(pod.auditDir), ...extraEnv } });
      let output = '';
      child.stdout!.on('data', (d) => (output += d));
      child.stderr!.on('data', (d) => (output += d));
      return {
        pid: child.pid!,
        output: () => output,
        stop: async () => {
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGTERM');
          await exited;
        },
      };
    }

    test('validates the configuration as written; a misspelt key fails (the check can fail)', () => {
      const { config, daemonSet } = shipper('https://loki.example.com/otlp/v1/logs');
      const pod = localPod(config, daemonSet);
      const validate = (file: string) =>
        spawnSync(OTELCOL, ['validate', `--config=file:${file}`], { encoding: 'utf8', env: env(pod.auditDir) });
      const good = validate(pod.configFile);
      expect(good.stderr).toBe('');
      expect(good.status).toBe(0);
      // Header names and values YAML 1.1 would read as numbers, dates or booleans are written as strings:
      // the collector keeps them as given (print-config shows what it read).
      for (const [name, value] of [
        ['X-Scope-OrgID', '0b1010'],
        ['X-Scope-OrgID', '1_000'],
        ['X-Scope-OrgID', '0x1_0'],
        ['X-Scope-OrgID', 'true'],
        ['X-Scope-OrgID', '~'],
        ['2001-12-14', 'v'],
        ['Yes', 'v'],
        ['0b1010', 'v'],
      ]) {
        const { config: odd, daemonSet: oddDaemonSet } = shipper('https://loki.example.com/otlp/v1/logs', {}, { [name]: value });
        const file = localPod(odd, oddDaemonSet).configFile;
        const run = validate(file);
        expect({ name, value, status: run.status, stderr: run.stderr }).toEqual({ name, value, status: 0, stderr: '' });
        const printed = spawnSync(OTELCOL, ['print-config', '--mode=unredacted', `--config=file:${file}`], {
          encoding: 'utf8',
          env: env(path.dirname(file)),
        });
        const header = /- name: (.*)\n\s+value: (.*)\n/.exec(printed.stdout);
        expect(header?.slice(1).map((text) => text.replace(/^"(.*)"$/, '$1'))).toEqual([name, value]);
      }
      const misspelt = path.join(path.dirname(pod.configFile), 'misspelt.yaml');
      fs.writeFileSync(misspelt, fs.readFileSync(pod.configFile, 'utf8').replace('max_log_size', 'max_log_sise'));
      const bad = validate(misspelt);
      expect(bad.status).not.toBe(0);
      expect(bad.stderr).toContain('max_log_sise');
    });

    describe('shipping an audit log', () => {
      const sink = new Sink();
      let pod: LocalPod;
      let collector: ReturnType<typeof startCollector> | undefined;
      const written: string[] = [];
      const auditLog = () => path.join(pod.auditDir, 'audit.log');
      const append = (...events: string[]) => {
        fs.appendFileSync(auditLog(), events.map((e) => `${e}\n`).join(''));
        written.push(...events);
      };
      const start = () => (collector = startCollector(pod));
      const stop = async () => {
        await collector!.stop();
        collector = undefined;
      };
      const allArrived = (what: string) =>
        until(what, () => sink.bodies.length >= written.length).catch((e) => {
          throw new Error(`${e.message}; the collector said:\n${collector?.output().slice(-3000)}`);
        });

      beforeAll(async () => {
        const endpoint = await sink.listen();
        const { config, daemonSet } = shipper(endpoint);
        pod = localPod(config, daemonSet);
      });
      afterAll(async () => {
        if (collector) await stop();
        await sink.close();
      }, 30_000);

      test('sends what the log held before it started, and what comes after, each event once and unchanged', async () => {
        // One event above the collector's default line limit (1 MiB): RequestResponse events of large objects are.
        append(auditEvent(1), auditEvent(2, 'x'.repeat(2 * 1024 * 1024)), auditEvent(3));
        start();
        await allArrived('the first events');
        append(auditEvent(4), auditEvent(5));
        await allArrived('the appended events');
        expect(sink.bodies).toEqual(written);
        // Headers arrive as given: nothing in them was expanded.
        expect([...sink.tenants]).toEqual([TENANT]);
        // Each record says what it is and which node it was read on.
        expect([...sink.resources]).toEqual(['k8s.node.name=control-plane-1,service.name=kube-apiserver-audit']);
      }, 60_000);

      test('follows the log across a rotation (renamed aside, a new file in its place) without loss', async () => {
        fs.renameSync(auditLog(), path.join(pod.auditDir, 'audit-2026-12-04T09-00-00.000.log'));
        append(auditEvent(6), auditEvent(7));
        await allArrived('the events after the rotation');
        expect(sink.bodies).toEqual(written);
      }, 60_000);

      test('after a restart it goes on where it stopped: nothing sent twice, nothing missed', async () => {
        await stop();
        append(auditEvent(8), auditEvent(9));
        start();
        await allArrived('the events written while it was stopped');
        // Give it the time it would take to send anything twice.
        await new Promise((resolve) => setTimeout(resolve, 2000));
        expect(sink.bodies).toEqual(written);
      }, 60_000);

      test('events written while it was down and then rotated away are sent, once', async () => {
        await stop();
        append(auditEvent(12), auditEvent(13));
        fs.renameSync(auditLog(), path.join(pod.auditDir, 'audit-2026-12-04T10-00-00.000.log'));
        append(auditEvent(14));
        start();
        await allArrived('the events of the file rotated while it was down');
        await new Promise((resolve) => setTimeout(resolve, 2000));
        expect(new Set(sink.bodies)).toEqual(new Set(written));
        expect(sink.bodies).toHaveLength(written.length);
      }, 60_000);

      test('keeps what the endpoint refuses and sends it once the endpoint is back', async () => {
        sink.refusing = true;
        const before = sink.requests;
        const from = written.length;
        append(auditEvent(10), auditEvent(11));
        await until('a refused request', () => sink.requests > before);
        expect(sink.bodies.length).toBe(written.length - 2);
        sink.refusing = false;
        await allArrived('the events refused before');
        // (Two files read at once, as after the rotation above, may arrive in either order.)
        expect(sink.bodies.slice(from)).toEqual(written.slice(from));
        expect(sink.bodies).toHaveLength(written.length);
      }, 90_000);
    });

    interface RunningCollector {
      readonly pid: number;
      readonly output: () => string;
      /** Waits until every event of the log arrived. */
      readonly arrived: () => Promise<void>;
      readonly clientDir: string;
      readonly auditLog: string;
    }

    /**
     * Runs the collector of a shipper with `props` on an audit log of `events`, sending to a new sink
     * (`prepare` sets it up first), then `check`s, and stops both. A timeout says what the collector said.
     */
    async function shipEvents(
      events: readonly string[],
      props: Partial<AuditLogShipperProps>,
      prepare: (sink: Sink) => void,
      check: (sink: Sink, run: RunningCollector) => Promise<void>,
      changeConfig: (config: string) => string = (config) => config,
    ): Promise<void> {
      const sink = new Sink();
      prepare(sink);
      const { config, daemonSet } = shipper(await sink.listen(), props);
      const pod = localPod(config, daemonSet);
      fs.writeFileSync(pod.configFile, changeConfig(fs.readFileSync(pod.configFile, 'utf8')));
      fs.writeFileSync(path.join(pod.auditDir, 'audit.log'), events.map((e) => `${e}\n`).join(''));
      // The Go runtime's memory limit the pod gives it.
      const goMemoryLimit = daemonSet.spec.template.spec.containers[0].env.find((e: any) => e.name === 'GOMEMLIMIT').value;
      const collector = startCollector(pod, { GOMEMLIMIT: goMemoryLimit });
      const arrived = () =>
        until('every event', () => sink.bodies.length >= events.length, 150).catch((e) => {
          throw new Error(`${e.message} (${sink.bodies.length} arrived); the collector said:\n${collector.output().slice(-3000)}`);
        });
      try {
        await check(sink, {
          pid: collector.pid,
          output: collector.output,
          arrived,
          clientDir: pod.clientDir,
          auditLog: path.join(pod.auditDir, 'audit.log'),
        });
      } finally {
        await collector.stop();
        await sink.close();
      }
    }

    test("the largest events (8 MiB lines), several at once, fit in the container's memory limit", async () => {
      const limit = shipper('https://loki.example.com/otlp/v1/logs').daemonSet.spec.template.spec.containers[0].resources.limits.memory;
      expect(limit).toMatch(/^\d+Mi$/);
      // Each line just under the collector's max_log_size, several in one read.
      const events = Array.from({ length: 6 }, (_, n) => auditEvent(2000 + n, 'x'.repeat(8 * 1024 * 1024 - 1024)));
      await shipEvents(
        events,
        {},
        () => undefined,
        async (sink, run) => {
          await run.arrived();
          expect(sink.bodies).toEqual(events);
          // The most memory the process ever held (resident), against the container's limit.
          const peakKibibytes = Number(/^VmHWM:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${run.pid}/status`, 'utf8'))![1]);
          expect(peakKibibytes / 1024).toBeLessThan(Number(limit.replace('Mi', '')));
        },
      );
    }, 150_000);

    test('a renewed client certificate is used without a restart (read again after reload_interval)', async () => {
      const events = [auditEvent(3000), auditEvent(3001)];
      const renewed = localTlsKeys('shipper-renewed');
      await shipEvents(
        [events[0]],
        {},
        () => undefined,
        async (sink, run) => {
          await until('the first event', () => sink.bodies.length === 1, 60);
          // cert-manager writes the renewed pair into the Secret; the kubelet updates the mounted files.
          fs.writeFileSync(path.join(run.clientDir, 'tls.crt'), renewed.certificatePem);
          fs.writeFileSync(path.join(run.clientDir, 'tls.key'), renewed.privateKeyPem);
          sink.acceptOnly(renewed.certificatePem);
          await new Promise((resolve) => setTimeout(resolve, 1500));
          fs.appendFileSync(run.auditLog, `${events[1]}\n`);
          await until('the event sent with the renewed certificate', () => sink.bodies.length === 2, 60).catch((e) => {
            throw new Error(`${e.message}; the collector said:\n${run.output().slice(-3000)}`);
          });
          expect(sink.bodies).toEqual(events);
        },
        // The interval the configuration gives, shortened so the test need not wait an hour.
        (config) => {
          expect(config).toContain('"reload_interval": "1h"');
          return config.replace('"reload_interval": "1h"', '"reload_interval": "1s"');
        },
      );
    }, 120_000);

    test('a full buffer holds the reading back until the endpoint takes events again: nothing is dropped', async () => {
      // The smallest buffer (64 MiB: a 32 MiB queue) and more events than it holds, written during an outage.
      const events = Array.from({ length: 800 }, (_, n) => auditEvent(1000 + n, `${n}`.padEnd(64 * 1024, '.')));
      await shipEvents(
        events,
        { bufferSize: Size.mebibytes(64) },
        (sink) => (sink.refusing = true),
        async (sink, run) => {
          await until('refused requests', () => sink.requests > 2);
          await new Promise((resolve) => setTimeout(resolve, 3000));
          sink.refusing = false;
          await run.arrived();
          expect(new Set(sink.bodies)).toEqual(new Set(events));
          expect(run.output()).not.toMatch(/queue is full|Dropping data/i);
        },
      );
    }, 200_000);
  });
});
