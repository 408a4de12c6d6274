// The shape of a method table: name → implementation taking the receiver.

import type { Kwargs, PyValue } from '../value.ts';

export type Method<T> = (self: T, args: PyValue[], kwargs: Kwargs) => PyValue;

export type MethodTable<T> = ReadonlyMap<string, Method<T>>;

/** Builds a table from an object literal (a Map, so that no name clashes with Object's). */
export function methodTable<T>(methods: Record<string, Method<T>>): MethodTable<T> {
  return new Map(Object.entries(methods));
}
