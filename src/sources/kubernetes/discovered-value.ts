/**
 * A value read from the cluster once and kept until forgotten (after the server it is for rejected it). A failed
 * read is not kept: the next caller reads again.
 */
export class DiscoveredValue<Value> {
  private value?: Promise<Value>;

  constructor(
    /** Names the value in errors: "database discovery: ...". */
    private readonly what: string,
    private readonly read: () => Promise<Value>,
  ) {}

  current(): Promise<Value> {
    this.value ??= this.read().catch((error: unknown) => {
      this.value = undefined;
      throw new Error(`${this.what}: ${(error as Error).message}`, { cause: error });
    });
    return this.value;
  }

  /** Whether a value (or a read of one) is held. */
  get held(): boolean {
    return this.value !== undefined;
  }

  forget(): void {
    this.value = undefined;
  }
}
