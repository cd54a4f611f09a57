/**
 * A part of a page in its own chunk: `load()` fetches it (once; again after a failure, as offline), `value`
 * is it once here, `failed` says the last fetch did not come.
 */
export class Lazy<T> {
  value = $state<T | null>(null);
  failed = $state(false);
  #loading: Promise<unknown> | null = null;

  constructor(private readonly fetch: () => Promise<T>) {}

  load(): void {
    this.#loading ??= this.fetch().then(
      (value) => {
        this.value = value;
        this.failed = false;
      },
      () => {
        this.#loading = null;
        this.failed = true;
      },
    );
  }
}
