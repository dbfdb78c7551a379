import * as crypto from 'node:crypto';
import * as path from 'node:path';
import { IConstruct } from 'constructs';
import { readRegularFile } from '../core/files';
import { HardeningError } from '../core/hardening-error';

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/;

/** A loaded certificate: the RSA public key to seal with and its fingerprint. @internal */
export interface LoadedCertificate {
  readonly publicKey: crypto.KeyObject;
  /** `sha256:<hex>` of the public key (SubjectPublicKeyInfo, DER): what the cache is keyed on. */
  readonly fingerprint: string;
}

/**
 * The Sealed Secrets controller's public certificate, which values are sealed with. It is
 * public: commit it (fetch it once with `kubeseal --fetch-cert > sealing-cert.pem`). Never
 * give the controller's private key here; it is refused.
 *
 * Like `kubeseal --cert`, the first certificate of the PEM is used, it must hold an RSA key,
 * and an expired certificate is refused (the controller renews its key every 30 days by
 * default but keeps the old ones, so an old certificate still works until it expires).
 */
export class SealingCertificate {
  /**
   * A PEM file. A relative path is resolved from the current directory (the project root
   * under `cdk8s synth`).
   */
  public static fromFile(file: string): SealingCertificate {
    return new SealingCertificate(undefined, file);
  }

  /** A PEM string: `-----BEGIN CERTIFICATE----- ...`. */
  public static fromPem(pem: string): SealingCertificate {
    return new SealingCertificate(pem, undefined);
  }

  private loaded?: LoadedCertificate;

  private constructor(
    private readonly pem: string | undefined,
    private readonly file: string | undefined,
  ) {}

  /** Where the certificate comes from, for messages. */
  public describe(): string {
    return this.file !== undefined ? `certificate file ${this.file}` : 'certificate PEM';
  }

  /**
   * Reads and checks the certificate (once). Internal.
   *
   * @internal
   * @param scope the construct named in errors
   * @param now the time to check expiry against
   */
  public _load(scope: IConstruct, now: Date = new Date()): LoadedCertificate {
    if (this.loaded) return this.loaded;
    const pem = this.readPem(scope);
    const fail = (problem: string) => new HardeningError(scope, `'certificate' (${this.describe()}): ${problem}`);
    if (/PRIVATE KEY-----/.test(pem)) {
      throw fail(
        "holds a private key. Sealing needs only the public certificate (kubeseal --fetch-cert); keep the controller's private key out of the project, and rotate it if it was committed.",
      );
    }
    const block = CERTIFICATE_BLOCK.exec(pem);
    if (!block) {
      throw fail('is not a PEM certificate (no -----BEGIN CERTIFICATE----- block). Fetch it with kubeseal --fetch-cert.');
    }
    let certificate: crypto.X509Certificate;
    try {
      certificate = new crypto.X509Certificate(block[0]);
    } catch (error) {
      throw fail(`cannot be parsed (${(error as Error).message}). Fetch it again with kubeseal --fetch-cert.`);
    }
    const publicKey = certificate.publicKey;
    if (publicKey.asymmetricKeyType !== 'rsa') {
      throw fail(`holds a ${publicKey.asymmetricKeyType} key; Sealed Secrets seals with RSA only. Use the controller's certificate.`);
    }
    const notAfter = new Date(certificate.validTo);
    if (!(notAfter.getTime() > now.getTime())) {
      throw fail(
        `expired on ${certificate.validTo}, and kubeseal refuses to seal with it too. Fetch the current certificate with kubeseal --fetch-cert.`,
      );
    }
    const der = publicKey.export({ type: 'spki', format: 'der' });
    this.loaded = { publicKey, fingerprint: 'sha256:' + crypto.createHash('sha256').update(der).digest('hex') };
    return this.loaded;
  }

  private readPem(scope: IConstruct): string {
    if (this.pem !== undefined) return this.pem;
    try {
      return readRegularFile(path.resolve(this.file!)).toString('utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      throw new HardeningError(
        scope,
        `'certificate': cannot read the certificate file '${this.file}' (${code}). Fetch it with kubeseal --fetch-cert > ${this.file} and commit it.`,
      );
    }
  }
}
