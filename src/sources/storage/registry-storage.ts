/** Sizes of the filesystem holding the registry's blobs, in bytes, as df reports them. */
export interface VolumeFigures {
  sizeBytes: number;
  /** Blocks in use (size minus free), as df's Used column. */
  usedBytes: number;
  /** Free blocks an unprivileged writer such as the registry may still use, as df's Available column. */
  availableBytes: number;
}

/** What the registry stores its blobs on; volume figures only for filesystem storage. */
export interface RegistryStorage {
  /** The distribution storage driver: filesystem, s3, azure, gcs, swift, oss, inmemory. */
  driver: string;
  /** The filesystem root directory measured; empty for object storage. */
  directory: string;
  volume?: VolumeFigures;
}

/** Measures the registry's storage: through the registry pod (Kubernetes) or a local mount (docker compose). */
export interface RegistryStorageProbe {
  measure(signal: AbortSignal): Promise<RegistryStorage>;
}
