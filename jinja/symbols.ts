// Jinja2's identifier tracking (idtracking.py): which names a scope
// ("frame") defines, and how each is initialised when the scope is entered
// — from the context (resolve), from an outer scope (alias), as a
// parameter, or as not yet assigned (undefined). Jinja2 compiles templates
// with these decisions, so reproducing them reproduces its scoping.

import { children, type Node } from './nodes.ts';

export type Load =
  | { kind: 'param' }
  | { kind: 'resolve'; name: string }
  | { kind: 'alias'; ref: string }
  | { kind: 'undefined' };

export class Symbols {
  readonly level: number;
  refs = new Map<string, string>();
  loads = new Map<string, Load>();
  stores = new Set<string>();

  constructor(
    readonly parent: Symbols | null = null,
    level?: number,
  ) {
    this.level = level ?? (parent === null ? 0 : parent.level + 1);
  }

  analyzeNode(node: Node, forBranch: 'body' | 'else' | 'test' = 'body'): void {
    new RootVisitor(this).visit(node, forBranch);
  }

  private defineRef(name: string, load?: Load): string {
    const ident = `l_${this.level}_${name}`;
    this.refs.set(name, ident);
    if (load) this.loads.set(ident, load);
    return ident;
  }

  findLoad(target: string): Load | undefined {
    const l = this.loads.get(target);
    if (l) return l;
    return this.parent?.findLoad(target);
  }

  findRef(name: string): string | undefined {
    return this.refs.get(name) ?? this.parent?.findRef(name);
  }

  ref(name: string): string {
    const rv = this.findRef(name);
    if (rv === undefined) {
      throw new Error(`Tried to resolve a name to a reference that was unknown to the frame (${name})`);
    }
    return rv;
  }

  copy(): Symbols {
    const rv = new Symbols(this.parent, this.level);
    rv.refs = new Map(this.refs);
    rv.loads = new Map(this.loads);
    rv.stores = new Set(this.stores);
    return rv;
  }

  store(name: string): void {
    this.stores.add(name);
    if (!this.refs.has(name)) {
      const outer = this.parent?.findRef(name);
      if (outer !== undefined) {
        this.defineRef(name, { kind: 'alias', ref: outer });
        return;
      }
      this.defineRef(name, { kind: 'undefined' });
    }
  }

  declareParameter(name: string): string {
    this.stores.add(name);
    return this.defineRef(name, { kind: 'param' });
  }

  load(name: string): void {
    if (this.findRef(name) === undefined) this.defineRef(name, { kind: 'resolve', name });
  }

  /** After an if/elif/else: names stored in only some branches load from outside. */
  branchUpdate(branches: Symbols[]): void {
    const stores = new Map<string, number>();
    for (const b of branches) {
      for (const target of b.stores) {
        if (this.stores.has(target)) continue;
        stores.set(target, (stores.get(target) ?? 0) + 1);
      }
    }
    for (const b of branches) {
      for (const [k, v] of b.refs) this.refs.set(k, v);
      for (const [k, v] of b.loads) this.loads.set(k, v);
      for (const s of b.stores) this.stores.add(s);
    }
    for (const [name, count] of stores) {
      if (count === branches.length) continue;
      const target = this.findRef(name)!;
      const outer = this.parent?.findRef(name);
      if (outer !== undefined) {
        this.loads.set(target, { kind: 'alias', ref: outer });
        continue;
      }
      this.loads.set(target, { kind: 'resolve', name });
    }
  }

  /** name → ref of every name stored in this scope or an outer one (inner wins). */
  dumpStores(): Map<string, string> {
    const rv = new Map<string, string>();
    for (let node: Symbols | null = this; node; node = node.parent) {
      for (const name of [...node.stores].sort()) {
        if (!rv.has(name)) rv.set(name, this.findRef(name)!);
      }
    }
    return rv;
  }

  /** The refs loaded as parameters. */
  dumpParamTargets(): Set<string> {
    const rv = new Set<string>();
    for (let node: Symbols | null = this; node; node = node.parent) {
      for (const [target, load] of this.loads) if (load.kind === 'param') rv.add(target);
    }
    return rv;
  }
}

/** Visits the node whose scope the symbols describe (Jinja2's RootVisitor). */
class RootVisitor {
  private readonly sym: FrameSymbolVisitor;
  constructor(symbols: Symbols) {
    this.sym = new FrameSymbolVisitor(symbols);
  }

  visit(node: Node, forBranch: 'body' | 'else' | 'test'): void {
    switch (node.type) {
      case 'Template':
      case 'Block':
      case 'Macro':
      case 'FilterBlock':
      case 'Scope':
      case 'If':
      case 'ScopedEvalContextModifier':
        for (const c of children(node)) this.sym.visit(c);
        return;
      case 'AssignBlock':
        for (const c of node.body) this.sym.visit(c);
        return;
      case 'CallBlock':
        for (const c of children(node, undefined, ['call'])) this.sym.visit(c);
        return;
      case 'For': {
        let branch = node.body;
        if (forBranch === 'body') this.sym.visit(node.target, true);
        else if (forBranch === 'else') branch = node.else_;
        else {
          this.sym.visit(node.target, true);
          if (node.test) this.sym.visit(node.test);
          return;
        }
        for (const item of branch) this.sym.visit(item);
        return;
      }
      case 'With':
        for (const t of node.targets) this.sym.visit(t);
        for (const c of node.body) this.sym.visit(c);
        return;
      default:
        throw new Error(`Cannot find symbols for '${node.type}'`);
    }
  }
}

/** Records loads and stores in one scope, stopping at nested scopes (FrameSymbolVisitor). */
class FrameSymbolVisitor {
  constructor(public symbols: Symbols) {}

  visit(node: Node, storeAsParam = false): void {
    switch (node.type) {
      case 'Name':
        if (storeAsParam || node.ctx === 'param') this.symbols.declareParameter(node.name);
        else if (node.ctx === 'store') this.symbols.store(node.name);
        else this.symbols.load(node.name);
        return;
      case 'NSRef':
        this.symbols.load(node.name);
        return;
      case 'If': {
        this.visit(node.test, storeAsParam);
        const original = this.symbols;
        const inner = (nodes: readonly Node[]): Symbols => {
          const rv = original.copy();
          this.symbols = rv;
          for (const sub of nodes) this.visit(sub, storeAsParam);
          this.symbols = original;
          return rv;
        };
        const body = inner(node.body);
        const elif = inner(node.elif_);
        const else_ = inner(node.else_);
        this.symbols.branchUpdate([body, elif, else_]);
        return;
      }
      case 'Macro':
        this.symbols.store(node.name);
        return;
      case 'Import':
        this.generic(node, storeAsParam);
        this.symbols.store(node.target);
        return;
      case 'FromImport':
        this.generic(node, storeAsParam);
        for (const name of node.names) this.symbols.store(Array.isArray(name) ? name[1] : name);
        return;
      case 'Assign':
        this.visit(node.node, storeAsParam);
        this.visit(node.target, storeAsParam);
        return;
      case 'For':
        this.visit(node.iter, storeAsParam);
        return;
      case 'CallBlock':
        this.visit(node.call, storeAsParam);
        return;
      case 'FilterBlock':
        this.visit(node.filter, storeAsParam);
        return;
      case 'With':
        for (const v of node.values) this.visit(v);
        return;
      case 'AssignBlock':
        this.visit(node.target, storeAsParam);
        return;
      case 'Scope':
      case 'Block':
        return;
      default:
        this.generic(node, storeAsParam);
    }
  }

  private generic(node: Node, storeAsParam: boolean): void {
    for (const c of children(node)) this.visit(c, storeAsParam);
  }
}

/**
 * The names among `names` that are read before being declared in `nodes`
 * (Jinja2's find_undeclared): it looks into nested scopes too, but not
 * into blocks.
 */
export function findUndeclared(nodes: readonly Node[], names: readonly string[]): Set<string> {
  const wanted = new Set(names);
  const undeclared = new Set<string>();
  const visit = (node: Node): boolean => {
    if (node.type === 'Name') {
      if (node.ctx === 'load' && wanted.has(node.name)) {
        undeclared.add(node.name);
        if (undeclared.size === wanted.size && [...wanted].every((w) => undeclared.has(w))) return true;
      } else wanted.delete(node.name);
      return false;
    }
    if (node.type === 'Block') return false;
    for (const c of children(node)) if (visit(c)) return true;
    return false;
  };
  for (const node of nodes) if (visit(node)) break;
  return undeclared;
}
