/**
 * Okapi BM25 over weighted term bags. Postings are sealed into typed arrays
 * with each entry's saturated term weight precomputed, so answering a
 * question is a few multiply-adds per posting into a caller-owned
 * accumulator: 10,000 tasks stay in the low milliseconds.
 */

export interface Bm25Options {
  k1: number;
  b: number;
}

interface Sealed {
  ids: Int32Array;
  /** tf·(k1+1) / (tf + k1·(1−b+b·len/avg)), per posting. */
  weights: Float32Array;
}

/** Score accumulator shared across fields: sums per passage plus the list of passages touched. */
export class Accumulator {
  readonly sums: Float64Array;
  private readonly seen: Uint32Array;
  private epoch = 1;
  touched: Int32Array;
  count = 0;

  constructor(readonly size: number) {
    this.sums = new Float64Array(size);
    this.seen = new Uint32Array(size);
    this.touched = new Int32Array(size);
  }

  /** Forget the previous question in O(touched), not O(size). */
  reset(): void {
    for (let i = 0; i < this.count; i++) this.sums[this.touched[i]!] = 0;
    this.count = 0;
    this.epoch++;
    if (this.epoch === 0xffffffff) {
      this.seen.fill(0);
      this.epoch = 1;
    }
  }

  add(id: number, v: number): void {
    if (this.seen[id] !== this.epoch) {
      this.seen[id] = this.epoch;
      this.touched[this.count++] = id;
    }
    this.sums[id]! += v;
  }
}

export class Bm25 {
  private building: Map<string, { ids: number[]; tfs: number[] }> | undefined = new Map();
  private sealed = new Map<string, Sealed>();
  private readonly lengths: number[] = [];
  private n = 0;

  constructor(private readonly opts: Bm25Options = { k1: 1.2, b: 0.75 }) {}

  /** Add a passage; ids are 0,1,2,… in order of adding. */
  add(bag: Map<string, number>): number {
    if (!this.building) throw new Error('Bm25.add after seal');
    const id = this.lengths.length;
    let len = 0;
    for (const [term, tf] of bag) {
      len += tf;
      let p = this.building.get(term);
      if (!p) this.building.set(term, (p = { ids: [], tfs: [] }));
      p.ids.push(id);
      p.tfs.push(tf);
    }
    this.lengths.push(len);
    return id;
  }

  /** Call once after the last add. */
  seal(): void {
    if (!this.building) return;
    const { k1, b } = this.opts;
    this.n = this.lengths.length;
    const avg = this.n ? Math.max(this.lengths.reduce((a, x) => a + x, 0) / this.n, 1) : 1;
    for (const [term, p] of this.building) {
      const weights = new Float32Array(p.ids.length);
      for (let i = 0; i < p.ids.length; i++) {
        const tf = p.tfs[i]!;
        weights[i] = (tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * this.lengths[p.ids[i]!]!) / avg));
      }
      this.sealed.set(term, { ids: Int32Array.from(p.ids), weights });
    }
    this.building = undefined;
  }

  get size(): number {
    return this.n;
  }

  df(term: string): number {
    return this.sealed.get(term)?.ids.length ?? 0;
  }

  /** Inverse document frequency; a term no passage contains gets the highest value. */
  idf(term: string): number {
    const df = this.df(term);
    return Math.log(1 + (this.n - df + 0.5) / (df + 0.5));
  }

  /** Add `scale`·BM25 for the query terms into `acc`, skipping passages `allowed` rules out. */
  score(query: Map<string, number>, acc: Accumulator, scale = 1, allowed?: Uint8Array): void {
    for (const [term, qw] of query) {
      const p = this.sealed.get(term);
      if (!p) continue;
      const f = scale * qw * this.idf(term);
      const { ids, weights } = p;
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i]!;
        if (allowed && allowed[id] === 0) continue;
        acc.add(id, f * weights[i]!);
      }
    }
  }

  /**
   * Like score(), but only onto the `count` candidate passages in `ids`
   * (marked 1 in `mask`): looks each candidate up when they are few next to
   * the term's postings, scans the postings otherwise.
   */
  scoreOnto(query: Map<string, number>, acc: Accumulator, scale: number, ids: Int32Array, count: number, mask: Uint8Array): void {
    for (const [term, qw] of query) {
      const p = this.sealed.get(term);
      if (!p) continue;
      const f = scale * qw * this.idf(term);
      if (count * 16 < p.ids.length) {
        for (let i = 0; i < count; i++) {
          const at = find(p.ids, ids[i]!);
          if (at >= 0) acc.add(ids[i]!, f * p.weights[at]!);
        }
      } else {
        for (let i = 0; i < p.ids.length; i++) if (mask[p.ids[i]!] === 1) acc.add(p.ids[i]!, f * p.weights[i]!);
      }
    }
  }

  /** Does passage `id` contain `term`? (Binary search: postings are in id order.) */
  has(term: string, id: number): boolean {
    const p = this.sealed.get(term);
    return p !== undefined && find(p.ids, id) >= 0;
  }
}

function find(ids: Int32Array, id: number): number {
  let lo = 0;
  let hi = ids.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = ids[mid]!;
    if (v === id) return mid;
    if (v < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
