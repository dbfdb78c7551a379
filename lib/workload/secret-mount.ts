/** A Secret mounted as read-only files: one file per key under `path`. */
export interface SecretMount {
  /** Name of the Secret, for example the `name` of a SealedSecret or ExternalSecret. */
  readonly secretName: string;
  /** Absolute directory the keys appear in, for example `/var/run/secrets/db`. */
  readonly path: string;
}

/** One key of a Secret given to the container as an environment variable. */
export interface SecretEnvVariable {
  /** The variable's name. */
  readonly name: string;
  /** Name of the Secret. */
  readonly secretName: string;
  /** The key in the Secret. */
  readonly key: string;
}
