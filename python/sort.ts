// list.sort() and sorted(): stable, `<` only, keys computed once, and for
// lists shorter than 64 the very comparisons CPython's timsort makes
// (count_run, then binary insertion), so that sorting mixed types fails
// with the same message. Longer lists use a stable merge sort.

import { pyCompare } from './compare.ts';
import { callValue } from './call.ts';
import type { PyValue } from './value.ts';

const lt = (a: PyValue, b: PyValue) => pyCompare('<', a, b);

interface Item {
  key: PyValue;
  value: PyValue;
}

function binaryInsertion(a: Item[], lo: number, hi: number, start: number): void {
  if (lo === start) start++;
  for (; start < hi; start++) {
    const pivot = a[start]!;
    let l = lo;
    let r = start;
    do {
      const p = l + ((r - l) >> 1);
      if (lt(pivot.key, a[p]!.key)) r = p;
      else l = p + 1;
    } while (l < r);
    for (let k = start; k > l; k--) a[k] = a[k - 1]!;
    a[l] = pivot;
  }
}

/** count_run(): the length of the run at lo; a strictly descending run is reversed. */
function countRun(a: Item[], lo: number, hi: number): number {
  if (lo + 1 === hi) return 1;
  let n = 2;
  if (lt(a[lo + 1]!.key, a[lo]!.key)) {
    for (let i = lo + 2; i < hi && lt(a[i]!.key, a[i - 1]!.key); i++) n++;
    a.splice(lo, n, ...a.slice(lo, lo + n).reverse());
  } else {
    for (let i = lo + 2; i < hi && !lt(a[i]!.key, a[i - 1]!.key); i++) n++;
  }
  return n;
}

function mergeSort(a: Item[]): Item[] {
  if (a.length <= 32) {
    const copy = a.slice();
    const n = countRun(copy, 0, copy.length);
    binaryInsertion(copy, 0, copy.length, n);
    return copy;
  }
  const mid = a.length >> 1;
  const left = mergeSort(a.slice(0, mid));
  const right = mergeSort(a.slice(mid));
  const out: Item[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length && j < right.length) {
    // take from the right only when strictly smaller: keeps the sort stable
    if (lt(right[j]!.key, left[i]!.key)) out.push(right[j++]!);
    else out.push(left[i++]!);
  }
  while (i < left.length) out.push(left[i++]!);
  while (j < right.length) out.push(right[j++]!);
  return out;
}

/** Sorts in place like list.sort(key=key, reverse=reverse). */
export function pySort(items: PyValue[], key: PyValue = null, reverse = false): void {
  const work: Item[] = items.map((value) => ({ value, key: key === null ? value : callValue(key, [value]) }));
  // reverse=True keeps equal elements in their original order: CPython
  // reverses, sorts stably, and reverses back
  if (reverse) work.reverse();
  let sorted: Item[];
  if (work.length < 64) {
    sorted = work;
    if (work.length > 1) {
      const n = countRun(work, 0, work.length);
      if (n < work.length) binaryInsertion(work, 0, work.length, n);
    }
  } else sorted = mergeSort(work);
  if (reverse) sorted.reverse();
  for (let i = 0; i < sorted.length; i++) items[i] = sorted[i]!.value;
}
