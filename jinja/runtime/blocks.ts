// Template inheritance objects: `self` (TemplateReference, whose items
// are the blocks) and a block reference, callable to render the block,
// with `.super` for the parent block.

import { asStr, PyException, PyObject, strRepr, type Kwargs, type PyValue } from '../../python/index.ts';
import type { BlockFn, Context } from './context.ts';
import { MISSING, type UndefinedFactory } from './undefined.ts';

export class BlockReference extends PyObject {
  constructor(
    readonly name: string,
    private readonly ctx: Context,
    private readonly stack: BlockFn[],
    private readonly depth: number,
    private readonly undefined: UndefinedFactory,
  ) {
    super();
  }
  get typeName(): string {
    return 'BlockReference';
  }
  override get typeModule(): string {
    return 'jinja2.runtime';
  }
  override pyGetAttr(name: string): PyValue | undefined {
    if (name === 'super') {
      if (this.depth + 1 >= this.stack.length) {
        return this.undefined(`there is no parent block called '${this.name}'.`, MISSING, 'super');
      }
      return new BlockReference(this.name, this.ctx, this.stack, this.depth + 1, this.undefined);
    }
    return undefined;
  }
  override pyCall(_args: PyValue[], _kwargs: Kwargs): PyValue {
    const out: string[] = [];
    this.stack[this.depth]!(this.ctx, out);
    return out.join('');
  }
}

export class TemplateReference extends PyObject {
  constructor(
    private readonly ctx: Context,
    private readonly undefined: UndefinedFactory,
  ) {
    super();
  }
  get typeName(): string {
    return 'TemplateReference';
  }
  override get typeModule(): string {
    return 'jinja2.runtime';
  }
  override pyGetItem(key: PyValue): PyValue | undefined {
    const name = asStr(key);
    const blocks = name === undefined ? undefined : this.ctx.blocks.get(name);
    if (!blocks) throw new PyException('KeyError', strRepr(String(name ?? key)));
    return new BlockReference(name!, this.ctx, blocks, 0, this.undefined);
  }
  override pyRepr(): string {
    return `<TemplateReference ${this.ctx.name === null ? 'None' : strRepr(this.ctx.name)}>`;
  }
}
