/**
 * The list sizes this gateway has actually returned, per `Type.field`, for the cost estimate of
 * lists that neither a slicing argument (`first`…) nor `@listSize(assumedSize:)` sizes
 * (docs/cost.md). Each response gives one observation per field: the longest list of that
 * field in it. A field's observed size is the MAXIMUM over a sliding retention window (default
 * six 10-minute windows: a long list is remembered for an hour), and is only used once the
 * window holds `minObservations` responses, clamped between `minSize` and `maxSize` (the
 * blanket default; analyze.ts clamps again), so observations can lower a default, never raise it.
 *
 * Why a maximum and not an average: an attacker who first sends queries returning short lists
 * cannot pull the size down while real traffic returned longer ones, and the first response
 * that returns a long list raises it at once (see docs/cost.md, "Poisoning").
 *
 * Memory is bounded: at most `maxFields` fields (schema fields only; more are ignored), each
 * with `windows` small slots.
 */
export interface ObservedListSizesOptions {
  /** Length of one window. Default 10 minutes. */
  windowMs: number;
  /** Windows kept (retention = windows × windowMs). Default 6 (one hour). */
  windows: number;
  /** Responses carrying the field, within the retention, before its size is used. Default 20. */
  minObservations: number;
  /** The smallest size an observed field is estimated at (an empty list still counts). Default 1. */
  minSize: number;
  /**
   * The largest size answered: the estimate's blanket `defaultListSize` (observations only lower
   * it). Also bounds how often the version changes. Default 10.
   */
  maxSize: number;
  /** Fields tracked at most. Default 5,000. */
  maxFields: number;
  /** Clock (tests). Default `Date.now`. */
  now: () => number;
}

export const DEFAULT_OBSERVED_LIST_SIZES: Readonly<Omit<ObservedListSizesOptions, 'now'>> =
  Object.freeze({
    windowMs: 10 * 60_000,
    windows: 6,
    minObservations: 20,
    minSize: 1,
    maxSize: 10,
    maxFields: 5_000,
  });

interface Slot {
  /** Which window (time / windowMs) this slot holds; -1 when empty. */
  window: number;
  max: number;
  count: number;
}

/** What the cost estimate asks (analyze.ts `AnalyzeOptions.observedSizes`). */
export interface ObservedSizes {
  /** The observed size of `typeName.fieldName`, once enough responses carried it. */
  observedSize(typeName: string, fieldName: string): number | undefined;
  /** Changes whenever an answer of `observedSize` may have changed (cache key of estimates). */
  readonly version: string;
}

export class ObservedListSizes implements ObservedSizes {
  private readonly options: ObservedListSizesOptions;
  private readonly fields = new Map<string, Slot[]>();
  private changes = 0;

  constructor(options: Partial<ObservedListSizesOptions> = {}) {
    this.options = { ...DEFAULT_OBSERVED_LIST_SIZES, now: Date.now, ...options };
    if (this.options.windows < 1 || this.options.windowMs <= 0) {
      throw new Error('ObservedListSizes needs at least one window of positive length');
    }
  }

  /** Records one response's longest list of `key` (`Type.field`). */
  record(key: string, length: number): void {
    if (!Number.isSafeInteger(length) || length < 0) return;
    let slots = this.fields.get(key);
    if (!slots) {
      if (this.fields.size >= this.options.maxFields) return;
      slots = Array.from({ length: this.options.windows }, () => ({
        window: -1,
        max: 0,
        count: 0,
      }));
      this.fields.set(key, slots);
    }
    const window = this.window();
    const before = this.read(slots, window);
    const slot = slots[window % this.options.windows]!;
    if (slot.window !== window) {
      slot.window = window;
      slot.max = length;
      slot.count = 1;
    } else {
      slot.max = Math.max(slot.max, length);
      slot.count += 1;
    }
    if (this.read(slots, window) !== before) this.changes += 1;
  }

  observedSize(typeName: string, fieldName: string): number | undefined {
    const slots = this.fields.get(`${typeName}.${fieldName}`);
    return slots ? this.read(slots, this.window()) : undefined;
  }

  /** The current window and a change counter: estimates cached under it stay valid. */
  get version(): string {
    return `${this.window()}:${this.changes}`;
  }

  /** Fields tracked (diagnostics and tests). */
  get size(): number {
    return this.fields.size;
  }

  private window(): number {
    return Math.floor(this.options.now() / this.options.windowMs);
  }

  /** Max over the retained windows, once they hold enough observations; else undefined. */
  private read(slots: readonly Slot[], window: number): number | undefined {
    let count = 0;
    let max = 0;
    for (const slot of slots) {
      if (slot.window < 0 || slot.window <= window - this.options.windows) continue;
      count += slot.count;
      max = Math.max(max, slot.max);
    }
    if (count < this.options.minObservations) return undefined;
    return Math.min(this.options.maxSize, Math.max(this.options.minSize, max));
  }
}
