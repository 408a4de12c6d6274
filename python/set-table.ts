// The hash table behind set and frozenset, laid out as CPython 3.11's
// setobject.c lays it out (open addressing, 9 linear probes, perturbation,
// dummies on deletion, the same resize points), so that iterating or
// printing a set gives CPython's order: {10, 1, 5} prints {1, 10, 5}.
// Membership itself goes through `index` (key → slot) and never needs the
// probe sequence.

import { keyOf, pyHash } from './hash.ts';
import type { PyValue } from './value.ts';

const MIN_SIZE = 8;
const LINEAR_PROBES = 9;

interface Slot {
  hash: bigint;
  key: string;
  value: PyValue;
}
/** A deleted slot: keeps probe chains intact. */
const DUMMY: Slot = { hash: -1n, key: '', value: null };

export class SetTable {
  private slots: (Slot | null)[] = new Array(MIN_SIZE).fill(null);
  private index = new Map<string, number>();
  private fill = 0; // active + dummy slots
  private finger = 0; // where pop() resumes

  get size(): number {
    return this.index.size;
  }
  get mask(): number {
    return this.slots.length - 1;
  }

  has(value: PyValue): boolean {
    return this.index.has(keyOf(value));
  }

  /** Adds a value; false when an equal one is already there. */
  add(value: PyValue): boolean {
    const key = keyOf(value);
    if (this.index.has(key)) return false;
    this.insertNew(key, value, pyHash(value));
    return true;
  }

  /** Adds an entry whose hash is already known (merging another table). */
  private addEntry(slot: Slot): void {
    if (this.index.has(slot.key)) return;
    this.insertNew(slot.key, slot.value, slot.hash);
  }

  private insertNew(key: string, value: PyValue, hash: bigint): void {
    const mask = this.mask;
    const bmask = BigInt(mask);
    let i = Number(hash & bmask);
    let perturb = BigInt.asUintN(64, hash);
    let freeslot = -1;
    for (;;) {
      let probes = i + LINEAR_PROBES <= mask ? LINEAR_PROBES : 0;
      let j = i;
      for (;;) {
        const s = this.slots[j]!;
        if (s === null) {
          if (freeslot >= 0) {
            this.slots[freeslot] = { hash, key, value };
            this.index.set(key, freeslot);
            return;
          }
          this.slots[j] = { hash, key, value };
          this.index.set(key, j);
          this.fill++;
          if (this.fill * 5 >= mask * 3) this.resize(this.size > 50000 ? this.size * 2 : this.size * 4);
          return;
        }
        if (s === DUMMY && freeslot < 0) freeslot = j;
        if (probes-- === 0) break;
        j++;
      }
      perturb >>= 5n;
      i = Number((BigInt(i) * 5n + 1n + perturb) & bmask);
    }
  }

  delete(value: PyValue): boolean {
    const key = keyOf(value);
    const at = this.index.get(key);
    if (at === undefined) return false;
    this.slots[at] = DUMMY;
    this.index.delete(key);
    return true;
  }

  /** set.pop(): the first active slot from where the last pop stopped. */
  pop(): PyValue | undefined {
    if (this.size === 0) return undefined;
    const n = this.slots.length;
    let i = this.finger & this.mask;
    while (this.slots[i] === null || this.slots[i] === DUMMY) i = (i + 1) % n;
    const s = this.slots[i]!;
    this.slots[i] = DUMMY;
    this.index.delete(s.key);
    this.finger = i + 1;
    return s.value;
  }

  clear(): void {
    this.slots = new Array(MIN_SIZE).fill(null);
    this.index.clear();
    this.fill = 0;
    this.finger = 0;
  }

  private resize(minUsed: number): void {
    let size = MIN_SIZE;
    while (size <= minUsed) size <<= 1;
    const old = this.slots;
    this.slots = new Array(size).fill(null);
    this.index.clear();
    this.fill = 0;
    for (const s of old) if (s !== null && s !== DUMMY) this.insertClean(s);
  }

  /** set_insert_clean: the table has no dummies and the key is new. */
  private insertClean(s: Slot): void {
    const mask = this.mask;
    const bmask = BigInt(mask);
    let i = Number(s.hash & bmask);
    let perturb = BigInt.asUintN(64, s.hash);
    for (;;) {
      if (this.slots[i] === null) return this.place(i, s);
      if (i + LINEAR_PROBES <= mask) {
        for (let j = 1; j <= LINEAR_PROBES; j++) if (this.slots[i + j] === null) return this.place(i + j, s);
      }
      perturb >>= 5n;
      i = Number((BigInt(i) * 5n + 1n + perturb) & bmask);
    }
  }

  private place(i: number, s: Slot): void {
    this.slots[i] = s;
    this.index.set(s.key, i);
    this.fill++;
  }

  /** set_merge(): adds every element of another table, as CPython does. */
  merge(other: SetTable): void {
    if (other === this || other.size === 0) return;
    if ((this.fill + other.size) * 5 >= this.mask * 3) this.resize((this.size + other.size) * 2);
    if (this.fill === 0 && this.mask === other.mask && other.fill === other.size) {
      for (let i = 0; i < other.slots.length; i++) {
        const s = other.slots[i]!;
        if (s !== null) this.place(i, s);
      }
      return;
    }
    if (this.fill === 0) {
      for (const s of other.slots) if (s !== null && s !== DUMMY) this.insertClean(s);
      return;
    }
    for (const s of other.slots) if (s !== null && s !== DUMMY) this.addEntry(s);
  }

  /** set_update_internal() for a dict: one resize up front, then adds. */
  reserve(extra: number): void {
    if ((this.fill + extra) * 5 >= this.mask * 3) this.resize((this.size + extra) * 2);
  }

  /** Elements in table order (CPython's iteration order). */
  *values(): IterableIterator<PyValue> {
    for (const s of this.slots) if (s !== null && s !== DUMMY) yield s.value;
  }
}
