import { inflateSync } from 'node:zlib';

// The compressed V2 encoding every HdrHistogram port writes (hdr-histogram-js included): a cookie,
// the deflated length, then the deflated payload: a 40-byte header and ZigZag LEB128 counts where
// a negative number is a run of empty buckets.
const V2_COMPRESSED_COOKIE = 0x1c849304;
const V2_COOKIE = 0x1c849303;
const HEADER_BYTES = 40;

/**
 * Percentiles of compressed base64 HdrHistograms, read without building a histogram object:
 * a chart of a one-hour soak needs three percentiles of 3,600 of them, and building each with
 * hdr-histogram-js costs ten times more. The values are exactly what hdr-histogram-js's
 * `getValueAtPercentile` returns (the tests compare them); windows of several seconds are merged
 * by adding their counts, never by averaging percentiles.
 */
export class PercentileReader {
  private counts: Float64Array = new Float64Array(4096);
  /** Indexes with a count, in the order first seen: ascending while one histogram was added. */
  private touched: Int32Array = new Int32Array(1024);
  private touchedCount = 0;
  private added = 0;
  private total = 0;
  private layout: { unitMagnitude: number; subBucketHalfCountMagnitude: number; key: string } | undefined;

  /** Adds the counts of one encoded histogram; throws on anything that is not a V2 encoding or whose resolution differs from the ones added before. */
  add(encoded: string): void {
    if (!encoded) return;
    const outer = Buffer.from(encoded, 'base64');
    if (outer.length < 8 || ((outer.readInt32BE(0) & ~0xf0) >>> 0) !== V2_COMPRESSED_COOKIE) throw new Error('not a compressed V2 HdrHistogram');
    const payload = inflateSync(outer.subarray(8, 8 + outer.readInt32BE(4)));
    if (payload.length < HEADER_BYTES || ((payload.readInt32BE(0) & ~0xf0) >>> 0) !== V2_COOKIE) throw new Error('not a V2 HdrHistogram payload');
    const payloadLength = payload.readInt32BE(4);
    const digits = payload.readInt32BE(12);
    const lowest = Number(payload.readBigInt64BE(16));
    this.setLayout(digits, lowest);
    const end = Math.min(payload.length, HEADER_BYTES + payloadLength);
    let index = 0;
    let at = HEADER_BYTES;
    let counts = this.counts;
    let total = this.total;
    while (at < end) {
      // ZigZag LEB128 of up to 9 bytes; arithmetic rather than bit operations keeps counts above 2^31 exact.
      let byte = payload[at++]!;
      let value = byte & 0x7f;
      if (byte & 0x80) {
        let scale = 128;
        for (let i = 1; byte & 0x80 && i < 9; i++) {
          byte = payload[at++]!;
          value += (byte & 0x7f) * scale;
          scale *= 128;
        }
      }
      if (value % 2 === 1) {
        // A run of empty buckets.
        index += (value + 1) / 2;
        continue;
      }
      const count = value / 2;
      if (count > 0) {
        if (index >= counts.length) counts = this.grow(index + 1);
        if (counts[index] === 0) this.touch(index);
        counts[index]! += count;
        total += count;
      }
      index++;
    }
    this.total = total;
    this.added++;
  }

  /** Values recorded so far. */
  get count(): number {
    return this.total;
  }

  /** The values at the given percentiles (ascending order expected), in the histogram's unit; zeros when empty. */
  percentiles(percentiles: readonly number[]): number[] {
    const out = percentiles.map(() => 0);
    if (this.total === 0 || !this.layout) return out;
    const targets = percentiles.map((p) => {
      const fp = (Math.min(p, 100) / 100) * this.total;
      return Math.max(Math.ceil(fp - ulp(fp)), 1);
    });
    const indexes = this.touched.subarray(0, this.touchedCount);
    if (this.added > 1) indexes.sort();
    let cumulative = 0;
    let next = 0;
    for (let k = 0; k < indexes.length && next < targets.length; k++) {
      const i = indexes[k]!;
      cumulative += this.counts[i]!;
      while (next < targets.length && cumulative >= targets[next]!) {
        out[next] = this.highestEquivalentValue(this.valueFromIndex(i));
        next++;
      }
    }
    return out;
  }

  /** Forgets every count, keeping the buffer for the next window. */
  reset(): void {
    for (let k = 0; k < this.touchedCount; k++) this.counts[this.touched[k]!] = 0;
    this.touchedCount = 0;
    this.added = 0;
    this.total = 0;
  }

  private setLayout(digits: number, lowest: number): void {
    const key = `${digits}/${lowest}`;
    if (this.layout) {
      if (this.layout.key !== key) throw new Error(`histograms of different resolutions (${this.layout.key} and ${key}) cannot be merged`);
      return;
    }
    const largestSingleUnit = 2 * Math.floor(Math.pow(10, digits));
    const subBucketCountMagnitude = Math.ceil(Math.log2(largestSingleUnit));
    this.layout = {
      key,
      unitMagnitude: Math.floor(Math.log2(Math.max(lowest, 1))),
      subBucketHalfCountMagnitude: (subBucketCountMagnitude > 1 ? subBucketCountMagnitude : 1) - 1,
    };
  }

  private touch(index: number): void {
    if (this.touchedCount === this.touched.length) {
      const bigger = new Int32Array(this.touched.length * 2);
      bigger.set(this.touched);
      this.touched = bigger;
    }
    this.touched[this.touchedCount++] = index;
  }

  private grow(size: number): Float64Array {
    const bigger = new Float64Array(Math.max(size, this.counts.length * 2));
    bigger.set(this.counts);
    this.counts = bigger;
    return bigger;
  }

  // The next four follow hdr-histogram-js's JsHistogram, so that results agree to the unit.
  private valueFromIndex(index: number): number {
    const { unitMagnitude, subBucketHalfCountMagnitude } = this.layout!;
    const half = Math.pow(2, subBucketHalfCountMagnitude);
    let bucket = Math.floor(index / half) - 1;
    let sub = (index % half) + half;
    if (bucket < 0) {
      sub -= half;
      bucket = 0;
    }
    return sub * Math.pow(2, bucket + unitMagnitude);
  }

  private highestEquivalentValue(value: number): number {
    const { unitMagnitude, subBucketHalfCountMagnitude } = this.layout!;
    const bucket = Math.max(Math.floor(Math.log2(value)) - subBucketHalfCountMagnitude - unitMagnitude, 0);
    const sub = Math.floor(value / Math.pow(2, bucket + unitMagnitude));
    const lowestEquivalent = sub * Math.pow(2, bucket + unitMagnitude);
    const size = Math.pow(2, unitMagnitude + (sub >= Math.pow(2, subBucketHalfCountMagnitude + 1) ? bucket + 1 : bucket));
    return lowestEquivalent + size - 1;
  }
}

/** The gap between a positive double and the next one, as hdr-histogram-js computes it. */
function ulp(x: number): number {
  return Math.pow(2, Math.floor(Math.log2(x)) - 52);
}
