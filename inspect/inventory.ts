// placeholder, filled below
import type { Inspection } from './model.ts';
export interface Inventory { downloads: unknown[] }
export function inventory(_insp: Inspection): Inventory { return { downloads: [] }; }
export function formatInventory(_inv: Inventory, _cwd: string): string { return ''; }
