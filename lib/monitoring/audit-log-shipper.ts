import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { ApiObject, Duration, JsonPatch, Size } from 'cdk8s';
import { Construct } from 'constructs';
import * as YAML from 'yaml';
import { HardeningError } from '../core/hardening-error';
import { cidrContains, formatCidr, InvalidCidrError, parseCidr } from '../core/cidr';
import { enclosingNamespaceScope } from '../core/namespace-scope';
import { requireDns1123Label, requireLabelKey } from '../core/names';
import { HardenedNamespace, PodSecurityLevel } from '../namespace/hardened-namespace';
import { AUDIT_LOG_DIR } from '../policy/cis-benchmark';
import { SYSTEM_NAMESPACE } from '../policy/control-plane';
import { EnvValue, PodField } from '../workload/env-value';
import { HardenedDaemonSet } from '../workload/hardened-daemon-set';
import { HealthCheck } from '../workload/health-check';
import { PodVolume } from '../workload/pod-volume';
import { isPinnedByDigest } from '../workload/image';
import { digestProblem } from '../policy/image-digest';
import { Cpu } from '../workload/container-resources';

/** Where the shipper sends the audit events: an OTLP/HTTP logs endpoint, over TLS. */
export interface AuditLogSink {
  /**
   * The OTLP/HTTP logs endpoint, `https://` only (audit events name users, addresses and
   * objects), its path ending in `/v1/logs`: Loki 3's `https://<loki>/otlp/v1/logs`, or an
   * OpenTelemetry Collector gateway's `https://<gateway>/v1/logs`, which can forward to stores
   * that want an API key (Elastic, Splunk) or write to S3. Events go as OTLP JSON.
   */
  readonly logsEndpoint: string;

  /**
   * The address blocks of the endpoint's host: the shipper's NetworkPolicy lets it reach these,
   * on the endpoint's port, and nothing else (NetworkPolicies cannot name hosts).
   */
  readonly cidrs: string[];

  /**
   * Secret in the shipper's namespace holding, under `ca.crt`, the CA that signs the endpoint's
   * certificate.
   *
   * @default - the CAs the image trusts
   */
  readonly caSecret?: string;

  /**
   * Secret (type kubernetes.io/tls) in the shipper's namespace with the shipper's client
   * certificate, for an endpoint that authenticates its clients by mutual TLS.
   *
   * @default - no client certificate
   */
  readonly clientCertificateSecret?: string;

  /**
   * HTTP headers sent with every request, such as `X-Scope-OrgID` for a Loki tenant. Not for
   * credentials: they would stand in the ConfigMap in plain text.
   *
   * @default - none
   */
  readonly headers?: { [name: string]: string };
}

/** Props of `AuditLogShipper`. */
export interface AuditLogShipperProps {
  /**
   * The OpenTelemetry Collector image, pinned by digest: one that has the filelog receiver,
   * the file_storage and health_check extensions and the otlphttp exporter, such as the
   * `opentelemetry-collector-k8s` or `-contrib` distribution (0.165 or newer).
   */
  readonly image: string;

  /** Where the audit events go. */
  readonly sink: AuditLogSink;

  /**
   * The namespace created for the shipper: it enforces Pod Security `privileged`, because the
   * shipper mounts the node's audit log folder (audit and warn stay `restricted`).
   *
   * @default 'audit-log-shipping'
   */
  readonly namespace?: string;

  /**
   * The audit log file on the control-plane nodes: `audit.log.path` of ControlPlaneHardening.
   *
   * @default '/var/log/kubernetes/audit/audit.log'
   */
  readonly auditLogPath?: string;

  /**
   * The label (and `NoSchedule` taint) of the control-plane nodes, where the API server writes its
   * log. Nodes with this label, whatever its value (kubeadm's is empty, RKE2's and k3s' `true`), run
   * the shipper. Managed clusters (EKS, GKE, AKS) have no control-plane nodes: use the provider's
   * audit log export instead.
   *
   * @default 'node-role.kubernetes.io/control-plane'
   */
  readonly controlPlaneNodeLabel?: string;

  /**
   * Keys of further taints the control-plane nodes carry, tolerated with any value and effect
   * (RKE2 and k3s with dedicated servers: `CriticalAddonsOnly`, `node-role.kubernetes.io/etcd`).
   * The `NoSchedule` taint of `controlPlaneNodeLabel` is always tolerated.
   *
   * @default - none
   */
  readonly toleratedTaints?: string[];

  /**
   * Rotated audit logs (`audit-<time>.log` beside `audit.log`, as the API server names them) modified
   * within this window are read too, so events written while the shipper was down and then rotated
   * away are still sent. A new pod (its positions are in an emptyDir) sends these files again, and
   * the current one: the sink sees those events twice (each has its `auditID`).
   *
   * @default Duration.hours(1)
   */
  readonly rotatedLogWindow?: Duration;

  /**
   * Room for the read positions and the queue of events the sink has not taken yet (an
   * emptyDir: it survives restarts of the container, not the pod's replacement), requested on the
   * node. Half of it is the queue; when that is full, the shipper stops reading until the sink
   * takes events again (the log stays on the node meanwhile).
   *
   * @default Size.gibibytes(1)
   */
  readonly bufferSize?: Size;
}

/** Where things are inside the shipper's container. */
const CONFIG_DIR = '/etc/otelcol';
const STORAGE_DIR = '/var/lib/otelcol';
const CA_DIR = '/etc/otelcol/sink-ca';
const CLIENT_DIR = '/etc/otelcol/sink-client';
const HEALTH_PORT = 13133;
const CONFIG_FILE = 'config.yaml';
/** Where the audit folder must be: the node's logs, never its configuration, keys or sockets. */
const LOG_ROOT = '/var/log';
/**
 * The folders below LOG_ROOT the audit folder may be in: Kubernetes' own. Others hold every pod's
 * logs (pods, containers), the journal, auditd's log (audit) or the installer's (installer).
 */
const KUBERNETES_LOG_DIR = /^\/var\/log\/(kubernetes\/[-._A-Za-z0-9]+|kube-apiserver[-._A-Za-z0-9]*|apiserver[-._A-Za-z0-9]*)(\/|$)/;
/** Room on the node beside the buffer: the container's own logs (its root filesystem is read-only). */
const EPHEMERAL_HEADROOM_MEBIBYTES = 256;
/** The most control-plane nodes the namespace's quota makes room for (etcd quorums are 3, 5 or 7). */
const MOST_CONTROL_PLANE_NODES = 7;
/** The namespace quota's default ephemeral-storage request and limit, which a larger buffer raises. */
const DEFAULT_EPHEMERAL_QUOTA_MEBIBYTES = { requests: 10 * 1024, limits: 20 * 1024 };
/** The collector's memory: room for a few of the largest events (8 MiB lines, each copied while it is encoded and sent). */
const MEMORY_MEBIBYTES = 512;
/** The Go runtime's soft limit (GOMEMLIMIT): it collects garbage harder before the container's limit is reached. */
const GO_MEMORY_LIMIT_MEBIBYTES = 400;
/** How often the collector reads its client certificate again (a renewed one is used from the next connection). */
const CERTIFICATE_RELOAD_INTERVAL = '1h';
/** The annotation that carries the configuration's hash on the pod template: a new configuration rolls the pods. */
const CONFIG_HASH_ANNOTATION = 'hardened.cdk8s.io/config-sha256';
/** The widest blocks the shipper may reach: a log store's addresses, not the internet. */
const WIDEST_SINK_PREFIX = { v4: 16, v6: 48 };
/** IPv6 blocks that reach IPv4 addresses through a translator (NAT64, 6to4): sized as IPv6, they open the IPv4 internet. */
const TRANSLATED_IPV6 = ['64:ff9b::/96', '64:ff9b:1::/48', '2002::/16'].map(parseCidr);
/** Headers the collector sets itself, for the request's host, body and connection: never from a prop. */
const RESERVED_HEADERS = new Set([
  'host',
  'content-type',
  'content-encoding',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'te',
  'trailer',
  'upgrade',
  'accept-encoding',
  'expect',
  'proxy-connection',
]);
/** Header names that carry credentials, which must not stand in a ConfigMap: these words anywhere in the name... */
const CREDENTIAL_WORD = /auth|token|secret|passw|cookie|session|signature|credential|apikey/i;
/** ...or these as a whole part of it (`X-Api-Key`, not `X-Monkey` or `X-Keycloak-Realm`). */
const CREDENTIAL_PART = new Set(['key', 'pat', 'jwt', 'sid']);
const isCredentialHeader = (name: string) =>
  CREDENTIAL_WORD.test(name) ||
  name
    .toLowerCase()
    .split(/[-_]/)
    .some((part) => CREDENTIAL_PART.has(part));

/**
 * Ships the API server's audit log off the control-plane nodes: an OpenTelemetry Collector
 * DaemonSet on those nodes that reads the log file (and its recent rotations) read-only,
 * remembers how far it read, and sends every event, unchanged, to an OTLP/HTTP endpoint over
 * TLS, queueing on disk and retrying while the endpoint is away or answers 429, 502, 503 or 504
 * (any other refusal is final: the collector drops that batch). On the node the API server rotates and prunes the log
 * (`--audit-log-maxage`, `-maxbackup`, `-maxsize`); how long events are kept after that is
 * the sink's retention.
 *
 * It departs from the hardening in three ways, each an exception with its reason: it runs as
 * UID 0 (the log file is root's, mode 0600; with every capability dropped root reads only
 * files root owns), it mounts the node's audit folder (read-only), and so its namespace
 * enforces Pod Security `privileged`. It has no ServiceAccount token, no RBAC, and reaches
 * only DNS and the sink.
 *
 * @see https://opentelemetry.io/docs/collector/
 */
export class AuditLogShipper extends Construct {
  /** The shipper's namespace. */
  public readonly namespace: HardenedNamespace;
  /** The DaemonSet. */
  public readonly daemonSet: HardenedDaemonSet;
  /** The collector's configuration, as written into its ConfigMap. */
  public readonly config: string;

  constructor(scope: Construct, id: string, props: AuditLogShipperProps) {
    super(scope, id);
    const enclosing = enclosingNamespaceScope(this);
    if (enclosing) {
      throw new HardeningError(
        this,
        `AuditLogShipper creates its own namespace (privileged, default deny) and cannot be placed in namespace '${enclosing.namespaceName}'. Create it in a Chart, outside any HardenedNamespace; 'namespace' names the one it creates.`,
      );
    }
    const namespaceName = requireDns1123Label(this, 'namespace', props.namespace ?? 'audit-log-shipping');
    if (namespaceName === 'default' || SYSTEM_NAMESPACE.test(namespaceName)) {
      // The namespace is created for the shipper alone: its Pod Security level and default deny would land on the system's.
      throw new HardeningError(
        this,
        `'namespace' is '${namespaceName}', a namespace of the cluster's own; the shipper gets a namespace of its own (privileged, default deny). Leave it out for 'audit-log-shipping'.`,
      );
    }
    const twin = this.node.root.node
      .findAll()
      .find((c): c is AuditLogShipper => c instanceof AuditLogShipper && c !== this && c.namespace?.namespaceName === namespaceName);
    if (twin) {
      throw new HardeningError(
        this,
        `${twin.node.path} ships the audit log from namespace '${namespaceName}' already. A second shipper (another sink) needs a 'namespace' of its own.`,
      );
    }
    if (!isPinnedByDigest(String(props.image))) {
      // Said here, where the fix is: the DaemonSet's own check would offer an exception the shipper has no prop for.
      const problem = digestProblem(String(props.image));
      throw new HardeningError(
        this,
        `'image' must be pinned by digest (got '${props.image}'${problem ? `: its ${problem}` : ''}): the shipper runs as root on the control-plane nodes. Pin it as repo@sha256:<digest> (see \`docker buildx imagetools inspect <image>\`).`,
      );
    }
    const logPath = props.auditLogPath ?? `${AUDIT_LOG_DIR}/audit.log`;
    const auditDir = path.posix.dirname(logPath);
    if (
      !path.posix.isAbsolute(logPath) ||
      path.posix.normalize(logPath) !== logPath ||
      logPath.endsWith('/') ||
      !/^[A-Za-z0-9._/-]+$/.test(logPath) ||
      !KUBERNETES_LOG_DIR.test(auditDir)
    ) {
      // The folder is mounted from the node: it must hold the audit log and nothing worth more.
      throw new HardeningError(
        this,
        `'auditLogPath' must be an absolute file path of letters, digits, '.', '_', '-' and '/' in a folder of its own: below ${LOG_ROOT}/kubernetes/ (a subfolder of it), or ${LOG_ROOT}/kube-apiserver* or ${LOG_ROOT}/apiserver* (got '${logPath}'): the shipper mounts that folder of the node, and other folders of ${LOG_ROOT} hold every pod's logs, the journal or auditd's log. For example '${AUDIT_LOG_DIR}/audit.log', ControlPlaneHardening's; on RKE2, k3s or Kubespray, set the API server's --audit-log-path there.`,
      );
    }
    if (typeof props.sink !== 'object' || props.sink === null) {
      throw new HardeningError(this, "'sink' is required: { logsEndpoint: 'https://...', cidrs: ['...'] }.");
    }
    const sink = checkedSink(this, props.sink);
    const toleratedTaints = (props.toleratedTaints ?? []).map((key, i) => requireLabelKey(this, `toleratedTaints[${i}]`, key));
    const bufferSize = checkedBufferSize(this, props.bufferSize ?? Size.gibibytes(1));
    // Requested, not only limited: the scheduler reserves the buffer on nodes that also hold etcd's data.
    const ephemeralMebibytes = bufferSize.toMebibytes() + EPHEMERAL_HEADROOM_MEBIBYTES;
    const rotatedLogWindow = props.rotatedLogWindow ?? Duration.hours(1);
    const nodeLabel = requireLabelKey(
      this,
      'controlPlaneNodeLabel',
      props.controlPlaneNodeLabel ?? 'node-role.kubernetes.io/control-plane',
    );

    this.namespace = new HardenedNamespace(this, 'Namespace', {
      name: namespaceName,
      podSecurity: PodSecurityLevel.PRIVILEGED,
      // One pod per control-plane node, each with the buffer: the quota must not refuse the pods.
      quota: ephemeralQuota(MOST_CONTROL_PLANE_NODES * ephemeralMebibytes),
      exceptions: [
        {
          rule: 'namespace-pod-security',
          reason:
            "The audit log shipper mounts the control-plane node's audit log folder (hostPath, read-only), which Pod Security forbids below privileged; the namespace holds nothing else, and audit and warn stay restricted.",
        },
      ],
    });
    this.config = collectorConfig(logPath, sink, {
      // Half the buffer for the queue: the rest is the store's own room (it grows before it reuses pages) and the positions.
      queueBytes: (bufferSize.toMebibytes() / 2) * 1024 * 1024,
      rotatedLogWindowSeconds: rotatedLogWindow.toSeconds(),
    });
    new ApiObject(this.namespace, 'Config', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'audit-log-shipper', namespace: namespaceName },
      data: { [CONFIG_FILE]: this.config },
    });

    this.daemonSet = new HardenedDaemonSet(this.namespace, 'Shipper', {
      name: 'audit-log-shipper',
      containers: [
        {
          name: 'otelcol',
          image: props.image,
          args: [`--config=${CONFIG_DIR}/${CONFIG_FILE}`],
          // The buffer is an emptyDir on the node's disk, which counts against the pod's ephemeral-storage
          // limit: below the buffer, the kubelet would evict the pod before the queue is full.
          resources: {
            cpu: { request: Cpu.millis(100), limit: Cpu.millis(500) },
            memory: { request: Size.mebibytes(MEMORY_MEBIBYTES), limit: Size.mebibytes(MEMORY_MEBIBYTES) },
            ephemeralStorage: { request: Size.mebibytes(ephemeralMebibytes), limit: Size.mebibytes(ephemeralMebibytes) },
          },
          // The health check's port, which the probes use; nothing may connect to it from outside the node.
          ports: [{ number: HEALTH_PORT, name: 'health' }],
          envVariables: {
            POD_IP: EnvValue.fromPodField(PodField.POD_IP),
            NODE_NAME: EnvValue.fromPodField(PodField.NODE_NAME),
            GOMEMLIMIT: EnvValue.fromValue(`${GO_MEMORY_LIMIT_MEBIBYTES}MiB`),
          },
          volumeMounts: [{ volume: PodVolume.fromConfigMap('audit-log-shipper', { name: 'config' }), path: CONFIG_DIR, readOnly: true }],
          secretMounts: sink.secretMounts,
          writablePaths: [STORAGE_DIR],
          writablePathSizeLimit: bufferSize,
          readiness: HealthCheck.httpGet('/', { port: HEALTH_PORT }),
          // Alive while the health port answers; ready when the pipeline reports healthy.
          liveness: HealthCheck.tcpSocket({ port: HEALTH_PORT }),
          securityContext: { runAsUser: 0, runAsNonRoot: false },
        },
      ],
      exceptions: [
        {
          rule: 'no-root-user',
          reason:
            'The API server writes its audit log as root with mode 0600; only its owner can read it. Every capability is dropped, so root reads only files root owns, and only the audit folder is mounted (read-only).',
        },
        { rule: 'run-as-non-root', reason: 'It runs as UID 0 to read the audit log, which only root may read (see no-root-user).' },
        { rule: 'high-user-group-ids', reason: 'UID 0 is the owner of the audit log (see no-root-user); its group stays 65532.' },
        {
          rule: 'no-host-path',
          reason: 'The audit log is a file on the control-plane node; the shipper mounts only that folder, read-only.',
          accepts: [auditDir],
        },
        {
          rule: 'restricted-volume-types',
          reason: "The one hostPath volume is the node's audit log folder, read-only (see no-host-path).",
          accepts: [`hostPath:${auditDir}`],
        },
      ],
    });
    for (const cidr of sink.cidrs) this.daemonSet.allowEgressTo({ cidr, port: sink.port });

    const daemonSet = ApiObject.of(this.daemonSet.daemonSet);
    const pod = '/spec/template/spec';
    daemonSet.addJsonPatch(
      JsonPatch.add(`${pod}/volumes/-`, { name: 'audit-log', hostPath: { path: auditDir, type: 'Directory' } }),
      JsonPatch.add(`${pod}/containers/0/volumeMounts/-`, { name: 'audit-log', mountPath: auditDir, readOnly: true }),
      // The label whatever its value: kubeadm's is empty, RKE2's and k3s' 'true'.
      JsonPatch.add(`${pod}/affinity`, {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: nodeLabel, operator: 'Exists' }] }],
          },
        },
      }),
      JsonPatch.add(`${pod}/tolerations`, [
        { key: nodeLabel, operator: 'Exists', effect: 'NoSchedule' },
        ...toleratedTaints.map((key) => ({ key, operator: 'Exists' })),
      ]),
      // The collector reads its configuration once: a new one must replace the pods.
      JsonPatch.add('/spec/template/metadata/annotations', {
        [CONFIG_HASH_ANNOTATION]: createHash('sha256').update(this.config).digest('hex'),
      }),
    );
  }
}

/** The smallest buffer: room for the read positions and a few of the largest events. */
const SMALLEST_BUFFER_MEBIBYTES = 64;
/** The largest buffer: it is reserved on nodes that also hold etcd's data. */
const LARGEST_BUFFER_MEBIBYTES = 64 * 1024;

function checkedBufferSize(scope: Construct, size: Size): Size {
  let mebibytes: number | undefined;
  try {
    mebibytes = size.toMebibytes();
  } catch {
    mebibytes = undefined; // not a Size, or not a whole number of MiB
  }
  if (
    mebibytes === undefined ||
    !Number.isInteger(mebibytes) ||
    mebibytes < SMALLEST_BUFFER_MEBIBYTES ||
    mebibytes > LARGEST_BUFFER_MEBIBYTES
  ) {
    throw new HardeningError(
      scope,
      `'bufferSize' must be a whole number of MiB from ${SMALLEST_BUFFER_MEBIBYTES} MiB to ${LARGEST_BUFFER_MEBIBYTES / 1024} GiB (a cdk8s Size, e.g. Size.gibibytes(2)): it holds the read positions and the events the sink has not taken yet, on the control-plane node's disk.`,
    );
  }
  return size;
}

interface CheckedSink extends AuditLogSink {
  readonly port: number;
  /** Where the CA certificate is read from. */
  readonly caFile?: string;
  /** Each Secret once (one Secret may hold the CA and the client certificate, as cert-manager writes them). */
  readonly secretMounts: { secretName: string; path: string }[];
}

function checkedSink(scope: Construct, sink: AuditLogSink): CheckedSink {
  let url: URL;
  try {
    url = new URL(String(sink.logsEndpoint));
  } catch {
    throw new HardeningError(
      scope,
      `'sink.logsEndpoint' is not a URL (got '${sink.logsEndpoint}'). For example 'https://loki.example.com/otlp/v1/logs'.`,
    );
  }
  if (url.protocol !== 'https:' || url.username || url.password || url.hash || url.search) {
    throw new HardeningError(
      scope,
      `'sink.logsEndpoint' must be an https:// URL without credentials, query or fragment (got '${sink.logsEndpoint}'): audit events name users, addresses and objects, and never travel in clear text.`,
    );
  }
  if (!url.pathname.endsWith('/v1/logs') || /[%;]/.test(url.pathname)) {
    // logs_endpoint is used as given (the collector adds no '/v1/logs'), and a wrong path answers 404,
    // which the collector does not retry: every event sent there would be lost.
    throw new HardeningError(
      scope,
      `'sink.logsEndpoint' must be an OTLP logs path, ending in '/v1/logs', without '%' or ';' (got '${sink.logsEndpoint}'): the collector posts to it as written. For example '${url.origin}/otlp/v1/logs' for Loki 3 or '${url.origin}/v1/logs' for an OpenTelemetry Collector.`,
    );
  }
  if (url.href !== sink.logsEndpoint) {
    // What is written is what was checked: the collector reads 'https:host/path' as a URL without a host.
    throw new HardeningError(scope, `'sink.logsEndpoint' is not written as a URL reads (got '${sink.logsEndpoint}'). Write '${url.href}'.`);
  }
  if (!Array.isArray(sink.cidrs) || sink.cidrs.length === 0) {
    throw new HardeningError(
      scope,
      "'sink.cidrs' is empty: give the address blocks of the endpoint's host, which the shipper's NetworkPolicy opens.",
    );
  }
  // Addresses opened, per family, in units of the widest block: together no wider than one of them.
  const opened = { 4: 0, 6: 0 };
  for (const [index, cidr] of sink.cidrs.entries()) {
    let block;
    try {
      block = parseCidr(String(cidr));
    } catch (error) {
      if (!(error instanceof InvalidCidrError)) throw error;
      throw new HardeningError(
        scope,
        `'sink.cidrs[${index}]' is not a CIDR block (got '${cidr}'): ${error.message}. For example '10.0.48.0/28' or '10.0.48.7/32'.`,
      );
    }
    const translated = TRANSLATED_IPV6.find((t) => cidrContains(t, block!) || cidrContains(block!, t));
    if (translated) {
      throw new HardeningError(
        scope,
        `'sink.cidrs' has '${cidr}', in ${formatCidr(translated)}, which reaches IPv4 addresses through a translator (NAT64, 6to4). Give the endpoint's own addresses.`,
      );
    }
    const widest = block.family === 4 ? WIDEST_SINK_PREFIX.v4 : WIDEST_SINK_PREFIX.v6;
    if (block.prefix < widest) {
      throw new HardeningError(
        scope,
        `'sink.cidrs' has '${cidr}', wider than /${widest}: the shipper reads the audit log and may reach the log store only. Give the blocks of the endpoint's host.`,
      );
    }
    opened[block.family] += 2 ** (widest - block.prefix);
    if (opened[block.family] > 1) {
      throw new HardeningError(
        scope,
        `'sink.cidrs' opens more addresses than one /${widest} together (at '${cidr}'): the shipper reads the audit log and may reach the log store only. Give the blocks of the endpoint's host.`,
      );
    }
  }
  for (const [field, secret] of [
    ['sink.caSecret', sink.caSecret],
    ['sink.clientCertificateSecret', sink.clientCertificateSecret],
  ] as const) {
    if (secret !== undefined) requireDns1123Label(scope, field, secret);
  }
  for (const [name, value] of Object.entries(sink.headers ?? {})) {
    // Visible ASCII, spaces and tabs only: Go's HTTP client refuses other bytes in a header (the
    // collector would retry that request forever), and the collector's YAML refuses control characters.
    if (typeof value !== 'string' || !/^[\t\x20-\x7e]+$/.test(value)) {
      throw new HardeningError(
        scope,
        `'sink.headers['${name}']' must be a non-empty string of visible ASCII characters, spaces and tabs: the collector cannot send other bytes in a header, and an empty one (a tenant left blank) gets a refusal that loses the batch.`,
      );
    }
    if (RESERVED_HEADERS.has(name.toLowerCase())) {
      throw new HardeningError(
        scope,
        `'sink.headers' has '${name}', which the collector sets itself (the request's host, body and connection): another value would reach another host or be refused, and a refusal loses that batch.`,
      );
    }
    if (!/^[A-Za-z0-9-]+$/.test(name) || isCredentialHeader(name)) {
      throw new HardeningError(
        scope,
        `'sink.headers' has '${name}', which is not a header name or carries credentials: headers stand in the ConfigMap in plain text. Authenticate the shipper with clientCertificateSecret (mutual TLS) instead.`,
      );
    }
  }
  const secretMounts = [
    ...(sink.caSecret && sink.caSecret !== sink.clientCertificateSecret ? [{ secretName: sink.caSecret, path: CA_DIR }] : []),
    ...(sink.clientCertificateSecret ? [{ secretName: sink.clientCertificateSecret, path: CLIENT_DIR }] : []),
  ];
  const caDir = secretMounts.find((mount) => mount.secretName === sink.caSecret)?.path;
  return { ...sink, port: url.port ? Number(url.port) : 443, secretMounts, ...(caDir ? { caFile: `${caDir}/ca.crt` } : {}) };
}

/**
 * The collector's configuration: the log file, read from its start and remembered in
 * file_storage; each line sent unchanged as one log record's body; the exporter's queue on disk,
 * retried without end, so an absent sink delays events and never drops them (until the buffer
 * is full). No telemetry server: nothing listens but the health check.
 */
/** The namespace quota's ephemeral storage, raised to hold `mebibytes` where the defaults do not. */
function ephemeralQuota(mebibytes: number): Record<string, string> {
  return Object.fromEntries(
    (['requests', 'limits'] as const)
      .filter((kind) => mebibytes > DEFAULT_EPHEMERAL_QUOTA_MEBIBYTES[kind])
      .map((kind) => [`${kind}.ephemeral-storage`, `${mebibytes}Mi`]),
  );
}

/** How the collector queues and which rotated logs it reads. */
interface CollectorLimits {
  readonly queueBytes: number;
  readonly rotatedLogWindowSeconds: number;
}

function collectorConfig(logPath: string, sink: CheckedSink, limits: CollectorLimits): string {
  const extension = path.posix.extname(logPath);
  // The API server (lumberjack) renames a full log to <name>-<time><ext> beside it.
  const rotated = `${logPath.slice(0, logPath.length - extension.length)}-*${extension}`;
  const tls = {
    ...(sink.caFile ? { ca_file: sink.caFile } : {}),
    // Read again hourly: cert-manager renews the Secret in place, and without this the collector keeps the old one until it expires.
    ...(sink.clientCertificateSecret
      ? { cert_file: `${CLIENT_DIR}/tls.crt`, key_file: `${CLIENT_DIR}/tls.key`, reload_interval: CERTIFICATE_RELOAD_INTERVAL }
      : {}),
  };
  const config = {
    extensions: {
      file_storage: { directory: STORAGE_DIR },
      health_check: { endpoint: new Expansion(`\${env:POD_IP}:${HEALTH_PORT}`) },
    },
    receivers: {
      'filelog/audit': {
        include: [logPath, rotated],
        // Rotated files of the window only: older ones were read before, or are beyond saving.
        exclude_older_than: `${limits.rotatedLogWindowSeconds}s`,
        start_at: 'beginning',
        storage: 'file_storage',
        // When the queue is full, wait and read on later: never drop a batch and move past it.
        retry_on_failure: { enabled: true, max_elapsed_time: 0 },
        resource: { 'service.name': 'kube-apiserver-audit', 'k8s.node.name': new Expansion('EXPR(env("NODE_NAME"))') },
        // RequestResponse events of large objects exceed the default 1 MiB line.
        max_log_size: '8MiB',
      },
    },
    exporters: {
      'otlphttp/sink': {
        logs_endpoint: sink.logsEndpoint,
        encoding: 'json',
        ...(Object.keys(tls).length ? { tls } : {}),
        ...(sink.headers && Object.keys(sink.headers).length ? { headers: sink.headers } : {}),
        // Sized in bytes from the buffer; full, it holds the reader back instead of refusing events.
        sending_queue: {
          enabled: true,
          storage: 'file_storage',
          sizer: 'bytes',
          queue_size: limits.queueBytes,
          block_on_overflow: true,
        },
        retry_on_failure: { enabled: true, max_elapsed_time: 0 },
      },
    },
    service: {
      extensions: ['file_storage', 'health_check'],
      pipelines: { logs: { receivers: ['filelog/audit'], exporters: ['otlphttp/sink'] } },
      telemetry: { metrics: { level: 'none' } },
    },
  };
  // The collector expands ${...} in every string it reads (${env:X}, ${file:/path}): '$$' is a '$'.
  // Every string value double-quoted: the collector's YAML reader would take 0b1010 or 1_000 for numbers.
  // Keys too: a header named 2001-12-14 or Yes would be read as a date or a boolean.
  return YAML.stringify(escapeDollars(config), { lineWidth: 0, defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'QUOTE_DOUBLE' });
}

/** A string the collector is meant to expand (written as is); every other string has its '$' doubled. */
class Expansion {
  constructor(public readonly text: string) {}
}

function escapeDollars(value: unknown): unknown {
  if (value instanceof Expansion) return value.text;
  if (typeof value === 'string') return value.replace(/\$/g, '$$$$');
  if (Array.isArray(value)) return value.map(escapeDollars);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, escapeDollars(inner)]));
  }
  return value;
}
