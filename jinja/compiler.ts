// Compiles a template's syntax tree into JavaScript closures, making the
// same decisions as Jinja2's code generator (compiler.py): frames and
// their symbols decide where each name lives; macros, loop filters and
// recursive loops are separate functions that see outer variables by
// closure (late binding, as Python closures do); `set` at the top level
// exports names to the context. Running the closures is rendering.

import { addKeywords, binaryOp, callValue, compareValues, getItem, isIterable, PyDict, PyException, pyIter, PyIterator, PyList, PySlice, PyTuple, str, toArray, truthy, typeError, typeName, unaryOp, unpack, type Kwargs, type PyValue } from '../python/index.ts';
import { TemplateAssertionError, templateRuntimeError } from './errors.ts';
import * as n from './nodes.ts';
import { BlockReference, TemplateReference } from './runtime/blocks.ts';
import { Context, type BlockFn } from './runtime/context.ts';
import { asConst, freshCopy, nonFiniteName, optimize, type FoldEnv } from './optimizer.ts';
import { countIteration, countOutput } from './runtime/budget.ts';
import { LoopContext, type LoopRender } from './runtime/loop.ts';
import { Macro } from './runtime/macro.ts';
import { Markup, escape } from './runtime/markup.ts';
import { Namespace, type TemplateModule } from './runtime/objects.ts';
import { MISSING, Undefined, type Missing, type UndefinedFactory } from './runtime/undefined.ts';
import { findUndeclared, Symbols } from './symbols.ts';
import type { CompileEnv, LoadedTemplate } from './compile-env.ts';

// ---- runtime state --------------------------------------------------------------------

/** One invocation of a compiled function (the root, a macro, a loop filter). */
export class Activation {
  readonly vars = new Map<string, PyValue | Missing>();
  /** The template named by {% extends %} (Jinja2's parent_template local). */
  parentTemplate: LoadedTemplate | null = null;
  /** The macro of the innermost call block (Jinja2's `caller` local). */
  caller: PyValue = null;
  /** Output captured for {% filter %} and {% set %} blocks, innermost last. */
  readonly buffers: string[][] = [];
  constructor(
    readonly parent: Activation | null,
    readonly ctx: Context,
  ) {}
}

const NORMAL = 0;
const BREAK = 1;
const CONTINUE = 2;
type Signal = typeof NORMAL | typeof BREAK | typeof CONTINUE;

type Stmt = (a: Activation, out: string[]) => Signal;
type Expr = (a: Activation) => PyValue;
type Store = (a: Activation, value: PyValue) => void;

/** A compiled function's identity: names of a level below `base` live in enclosing functions. */
interface FnInfo {
  base: number;
  parent: FnInfo | null;
}

class Frame {
  toplevel = false;
  rootlevel = false;
  loopFrame = false;
  blockFrame = false;
  softFrame = false;
  requireOutputCheck = false;
  /** Whether `break`/`continue` have a loop to act on in this function. */
  inLoop = false;
  symbols: Symbols;

  constructor(
    readonly parent: Frame | null,
    public fn: FnInfo,
    level?: number,
  ) {
    this.symbols = new Symbols(parent ? parent.symbols : null, level);
    if (parent) {
      this.requireOutputCheck = parent.requireOutputCheck;
      this.inLoop = parent.inLoop;
    }
  }

  inner(): Frame {
    return new Frame(this, this.fn);
  }

  /**
   * A copy of the frame. Jinja2 copies the symbols too; by the time code is
   * generated they are only read, so the copy shares them.
   */
  copy(): Frame {
    return Object.assign(Object.create(Frame.prototype) as Frame, this);
  }

  soft(): Frame {
    const rv = this.copy();
    rv.rootlevel = false;
    rv.softFrame = true;
    return rv;
  }
}

class CompilerExit extends Error {}

const REF_LEVEL = /^l_(\d+)_/;

function refLevel(ref: string): number {
  return Number(REF_LEVEL.exec(ref)![1]);
}

function lookup(a: Activation, ref: string, hops: number): PyValue | Missing {
  let x = a;
  for (let i = 0; i < hops; i++) x = x.parent!;
  const v = x.vars.get(ref);
  return v === undefined ? MISSING : v;
}

/** The node types whose visitors Jinja2 decorates with @optimizeconst. */
const FOLDED = new Set<string>([
  'Concat', 'Compare', 'Getattr', 'Getitem', 'Filter', 'Test', 'CondExpr', 'Call',
  'Add', 'Sub', 'Mul', 'Div', 'FloorDiv', 'Mod', 'Pow', 'And', 'Or', 'Not', 'Neg', 'Pos',
]);

/** Context.call(): StopIteration from the callee becomes an Undefined. */
function contextCall(undefined: UndefinedFactory, f: PyValue, args: PyValue[], kwargs: Kwargs): PyValue {
  try {
    return callValue(f, args, kwargs);
  } catch (e) {
    if (e instanceof PyException && e.pyType === 'StopIteration') {
      return undefined('value was undefined because a callable raised a StopIteration exception');
    }
    throw e;
  }
}

export interface CompiledTemplate {
  root: (ctx: Context, out: string[]) => void;
  blocks: Map<string, BlockFn>;
}

export class CodeGenerator {
  private assignStack: Set<string>[] = [];
  private readonly blockNodes = new Map<string, n.Block>();
  private hasKnownExtends = false;
  private extendsSoFar = 0;
  private autoescape = false;
  private volatile = false;
  /** Macro parameters not assigned yet while compiling their defaults. */
  private readonly paramDefBlock: Set<string>[] = [];
  /** The context compile-time folding hands to filters (Jinja2 folds no context filter). */
  private readonly foldContext: Context;

  constructor(
    private readonly env: CompileEnv,
    private readonly name: string | null,
  ) {
    this.foldContext = new Context(new Map(), name, new Map());
  }

  private fail(msg: string, lineno: number): never {
    throw new TemplateAssertionError(msg, lineno, this.name);
  }

  private hops(frame: Frame, ref: string): number {
    const level = refLevel(ref);
    let fn: FnInfo | null = frame.fn;
    let h = 0;
    while (fn && fn.base > level) {
      fn = fn.parent;
      h++;
    }
    return h;
  }

  private position(lineno: number): string {
    return this.name === null ? `line ${lineno}` : `line ${lineno} in '${this.name}'`;
  }

  // ---- frames ---------------------------------------------------------------------------

  /** enter_frame: initialise the frame's names (resolve, alias, missing). */
  private enterFrame(frame: Frame): (a: Activation) => void {
    const inits: ((a: Activation) => void)[] = [];
    const undefs: string[] = [];
    for (const [target, load] of frame.symbols.loads) {
      if (load.kind === 'resolve') {
        const name = load.name;
        inits.push((a) => a.vars.set(target, a.ctx.resolveOrMissing(name)));
      } else if (load.kind === 'alias') {
        const src = load.ref;
        const h = this.hops(frame, src);
        inits.push((a) => a.vars.set(target, lookup(a, src, h)));
      } else if (load.kind === 'undefined') undefs.push(target);
    }
    if (!inits.length && !undefs.length) return () => {};
    return (a) => {
      for (const f of inits) f(a);
      for (const t of undefs) a.vars.set(t, MISSING);
    };
  }

  /** leave_frame without a Python scope: every name of the frame becomes missing. */
  private leaveFrame(frame: Frame): (a: Activation) => void {
    const targets = [...frame.symbols.loads.keys()];
    return (a) => {
      for (const t of targets) a.vars.set(t, MISSING);
    };
  }

  private localContext(frame: Frame): (a: Activation) => Map<string, PyValue | Missing> {
    const entries = [...frame.symbols.dumpStores()].map(([name, ref]) => [name, ref, this.hops(frame, ref)] as const);
    return (a) => {
      const m = new Map<string, PyValue | Missing>();
      for (const [name, ref, h] of entries) m.set(name, lookup(a, ref, h));
      return m;
    };
  }

  // ---- template -------------------------------------------------------------------------

  compileTemplate(node: n.Template): CompiledTemplate {
    const haveExtends = n.findAll(node, 'Extends').length > 0;
    for (const block of n.findAll(node, 'Block')) {
      if (this.blockNodes.has(block.name)) this.fail(`block '${block.name}' defined twice`, block.lineno);
      this.blockNodes.set(block.name, block);
    }
    const frame = new Frame(null, { base: 0, parent: null });
    let selfRef: string | null = null;
    if (findUndeclared(node.body, ['self']).has('self')) selfRef = frame.symbols.declareParameter('self');
    frame.symbols.analyzeNode(node);
    frame.toplevel = frame.rootlevel = true;
    frame.requireOutputCheck = haveExtends && !this.hasKnownExtends;
    const enter = this.enterFrame(frame);
    const body = this.blockvisit(node.body, frame);
    const blocks = new Map<string, BlockFn>();
    const root = (ctx: Context, out: string[]) => {
      const a = new Activation(null, ctx);
      if (selfRef) a.vars.set(selfRef, templateReference(ctx, this.env));
      enter(a);
      body(a, out);
      if (haveExtends && a.parentTemplate) a.parentTemplate.rootRender(ctx, out);
    };
    for (const [name, block] of this.blockNodes) blocks.set(name, this.compileBlockFunction(name, block));
    return { root, blocks };
  }

  private compileBlockFunction(name: string, block: n.Block): BlockFn {
    const frame = new Frame(null, { base: 0, parent: null });
    frame.blockFrame = true;
    const undeclared = findUndeclared(block.body, ['self', 'super']);
    const selfRef = undeclared.has('self') ? frame.symbols.declareParameter('self') : null;
    const superRef = undeclared.has('super') ? frame.symbols.declareParameter('super') : null;
    frame.symbols.analyzeNode(block);
    const enter = this.enterFrame(frame);
    const body = this.blockvisit(block.body, frame);
    const fn: BlockFn = (ctx, out) => {
      const a = new Activation(null, ctx);
      if (selfRef) a.vars.set(selfRef, templateReference(ctx, this.env));
      if (superRef) a.vars.set(superRef, superBlock(ctx, name, fn, this.env));
      enter(a);
      body(a, out);
    };
    return fn;
  }

  private blockvisit(nodes: readonly n.Stmt[], frame: Frame): Stmt {
    const fns: Stmt[] = [];
    try {
      for (const node of nodes) fns.push(this.stmt(node, frame));
    } catch (e) {
      if (!(e instanceof CompilerExit)) throw e;
    }
    if (fns.length === 1) return fns[0]!;
    return (a, out) => {
      for (const f of fns) {
        const s = f(a, out);
        if (s !== NORMAL) return s;
      }
      return NORMAL;
    };
  }

  // ---- statements -----------------------------------------------------------------------

  private stmt(node: n.Stmt, frame: Frame): Stmt {
    switch (node.type) {
      case 'Output':
        return this.output(node, frame);
      case 'For':
        return this.forLoop(node, frame);
      case 'If':
        return this.ifStmt(node, frame);
      case 'Macro':
        return this.macro(node, frame);
      case 'CallBlock':
        return this.callBlock(node, frame);
      case 'FilterBlock':
        return this.filterBlock(node, frame);
      case 'With':
        return this.withStmt(node, frame);
      case 'Assign':
        return this.assign(node, frame);
      case 'AssignBlock':
        return this.assignBlock(node, frame);
      case 'ExprStmt': {
        const e = this.expr(node.node, frame);
        return (a) => (e(a), NORMAL);
      }
      case 'Break':
      case 'Continue': {
        if (!frame.inLoop) {
          throw new PyException('SyntaxError', `'${node.type.toLowerCase()}' ${node.type === 'Break' ? 'outside loop' : 'not properly in loop'}`);
        }
        const signal = node.type === 'Break' ? BREAK : CONTINUE;
        return () => signal;
      }
      case 'Include':
        return this.include(node, frame);
      case 'Import':
        return this.importStmt(node, frame);
      case 'FromImport':
        return this.fromImport(node, frame);
      case 'Extends':
        return this.extendsStmt(node, frame);
      case 'Block':
        return this.blockStmt(node, frame);
      case 'Scope': {
        const scopeFrame = frame.inner();
        scopeFrame.symbols.analyzeNode(node);
        const enter = this.enterFrame(scopeFrame);
        const body = this.blockvisit(node.body, scopeFrame);
        const leave = this.leaveFrame(scopeFrame);
        return (a, out) => {
          enter(a);
          const s = body(a, out);
          leave(a);
          return s;
        };
      }
      case 'ScopedEvalContextModifier':
        return this.evalContextModifier(node, frame);
    }
  }

  private output(node: n.Output, frame: Frame): Stmt {
    if (frame.requireOutputCheck && this.hasKnownExtends) return () => NORMAL;
    const autoescape = this.autoescape;
    const parts: (string | Expr)[] = [];
    for (const child of node.nodes) {
      if (child.type === 'TemplateData') {
        const last = parts[parts.length - 1];
        if (typeof last === 'string') parts[parts.length - 1] = last + child.data;
        else parts.push(child.data);
      } else {
        // Jinja2 evaluates constant output at compile time when it can
        let text: string | null = null;
        try {
          const v = asConst(child, this.fold);
          text = autoescape ? escape(v).text : str(v);
        } catch {
          text = null;
        }
        if (text !== null) {
          const last = parts[parts.length - 1];
          if (typeof last === 'string') parts[parts.length - 1] = last + text;
          else parts.push(text);
          continue;
        }
        const e = this.expr(child, frame);
        parts.push(autoescape ? (a) => escape(e(a)).text : (a) => str(e(a)));
      }
    }
    const check = frame.requireOutputCheck;
    const emit: Stmt = (a, out) => {
      for (const p of parts) {
        const text = typeof p === 'string' ? p : (p(a) as string);
        countOutput(text.length);
        out.push(text);
      }
      return NORMAL;
    };
    if (!check) return emit;
    return (a, out) => (a.parentTemplate === null ? emit(a, out) : NORMAL);
  }

  private ifStmt(node: n.If, frame: Frame): Stmt {
    const ifFrame = frame.soft();
    const branches: [Expr, Stmt][] = [[this.expr(node.test, ifFrame), this.blockvisit(node.body, ifFrame)]];
    for (const elif of node.elif_) branches.push([this.expr(elif.test, ifFrame), this.blockvisit(elif.body, ifFrame)]);
    const else_ = node.else_.length ? this.blockvisit(node.else_, ifFrame) : null;
    return (a, out) => {
      for (const [test, body] of branches) if (truthy(test(a))) return body(a, out);
      return else_ ? else_(a, out) : NORMAL;
    };
  }

  private forLoop(node: n.For, frame: Frame): Stmt {
    const loopFrame = frame.inner();
    loopFrame.loopFrame = true;
    const testFrame = frame.inner();
    const elseFrame = frame.inner();
    const extended =
      node.recursive ||
      findUndeclared(n.children(node, ['body']), ['loop']).has('loop') ||
      n.findAll(node, 'Block').some((b) => b.scoped);
    let loopRef: string | null = null;
    if (extended) loopRef = loopFrame.symbols.declareParameter('loop');
    loopFrame.symbols.analyzeNode(node, 'body');
    if (node.else_.length) elseFrame.symbols.analyzeNode(node, 'else');

    // `for x in y if cond`: a generator function with its own frame
    let filter: ((a: Activation, iterable: PyValue) => PyValue) | null = null;
    if (node.test) {
      testFrame.symbols.analyzeNode(node, 'test');
      const fn: FnInfo = { base: testFrame.symbols.level, parent: frame.fn };
      testFrame.fn = fn;
      testFrame.inLoop = false;
      const targetFrame = loopFrame.copy();
      targetFrame.fn = fn;
      const enter = this.enterFrame(testFrame);
      const store = this.storeTarget(node.target, targetFrame);
      const reload = this.expr(node.target, targetFrame, true);
      const cond = this.expr(node.test, testFrame);
      filter = (outer, iterable) => {
        const a = new Activation(outer, outer.ctx);
        enter(a);
        const it = pyIter(iterable);
        return new PyIterator(
          (function* () {
            for (let r = it.next(); !r.done; r = it.next()) {
              store(a, r.value);
              if (truthy(cond(a))) yield reload(a);
            }
          })(),
          'generator',
        );
      };
    }

    if (node.recursive) {
      const fn: FnInfo = { base: loopFrame.symbols.level, parent: frame.fn };
      loopFrame.fn = fn;
      elseFrame.fn = fn;
    }
    loopFrame.inLoop = true;
    elseFrame.inLoop = node.recursive ? false : frame.inLoop;

    for (const name of n.findAll(node, 'Name')) {
      if (name.ctx === 'store' && name.name === 'loop') {
        this.fail("Can't assign to special loop variable in for-loop target", name.lineno);
      }
    }

    const store = this.storeTarget(node.target, loopFrame);
    const enterLoop = this.enterFrame(loopFrame);
    const body = this.blockvisit(node.body, loopFrame);
    const leaveLoop = node.recursive && !node.else_.length ? () => {} : this.leaveFrame(loopFrame);
    const hasElse = node.else_.length > 0;
    const enterElse = hasElse ? this.enterFrame(elseFrame) : null;
    const elseBody = hasElse ? this.blockvisit(node.else_, elseFrame) : null;
    const leaveElse = hasElse ? this.leaveFrame(elseFrame) : null;
    const undef = this.env.undefined;

    // the loop proper, over an iterable already computed
    const run = (a: Activation, out: string[], iterable: PyValue, render: LoopRender | null, depth: number): void => {
      if (loopRef) a.vars.set(loopRef, MISSING);
      let indicator = hasElse;
      const source = filter ? filter(a, iterable) : iterable;
      if (extended) {
        const lc = new LoopContext(source, undef, render, depth);
        for (;;) {
          const item = lc.advance();
          if (item === MISSING) break;
          countIteration();
          store(a, item);
          a.vars.set(loopRef!, lc);
          enterLoop(a);
          const s = body(a, out);
          if (s === BREAK) break;
          if (s === NORMAL) indicator = false;
        }
      } else {
        const it = pyIter(source);
        for (let r = it.next(); !r.done; r = it.next()) {
          countIteration();
          store(a, r.value);
          enterLoop(a);
          const s = body(a, out);
          if (s === BREAK) break;
          if (s === NORMAL) indicator = false;
        }
      }
      leaveLoop(a);
      if (indicator && elseBody) {
        enterElse!(a);
        elseBody(a, out);
        leaveElse!(a);
      }
    };

    if (this.assignStack.length) {
      const top = this.assignStack[this.assignStack.length - 1]!;
      for (const s of loopFrame.symbols.stores) top.delete(s);
    }

    const iterExpr = this.expr(node.iter, frame);
    if (!node.recursive) {
      return (a, out) => {
        run(a, out, iterExpr(a), null, 0);
        return NORMAL;
      };
    }
    return (a, out) => {
      const render: LoopRender = (iterable, self, depth) => {
        const inner = new Activation(a, a.ctx);
        const buffer: string[] = [];
        run(inner, buffer, iterable, self, depth);
        return buffer.join('');
      };
      out.push(str(render(iterExpr(a), render, 0)));
      return NORMAL;
    };
  }

  /** Defines a macro or call block body: the function and what Macro() needs. */
  private macroBody(node: n.Macro | n.CallBlock, frame: Frame): { make: (a: Activation) => Macro; args: string[] } {
    const names = node.args.map((a) => a.name);
    const dup = names.find((x, i) => names.indexOf(x) !== i);
    if (dup !== undefined) {
      // the Python function Jinja2 generates does not compile
      throw new PyException('SyntaxError', `duplicate argument 'l_${frame.symbols.level + 1}_${dup}' in function definition`);
    }
    const mframe = frame.inner();
    mframe.fn = { base: mframe.symbols.level, parent: frame.fn };
    mframe.inLoop = false;
    mframe.symbols.analyzeNode(node);
    let explicitCaller: number | null = null;
    const skipSpecial = new Set<string>();
    const params: string[] = [];
    node.args.forEach((arg, idx) => {
      if (arg.name === 'caller') explicitCaller = idx;
      if (arg.name === 'kwargs' || arg.name === 'varargs') skipSpecial.add(arg.name);
      params.push(mframe.symbols.ref(arg.name));
    });
    const undeclared = findUndeclared(node.body, ['caller', 'kwargs', 'varargs']);
    let accessesCaller = false;
    let accessesKwargs = false;
    let accessesVarargs = false;
    if (undeclared.has('caller')) {
      if (explicitCaller !== null) {
        // defaults[explicit_caller - len(args)] must exist (a negative index)
        if (node.args.length - explicitCaller > node.defaults.length) {
          this.fail(
            'When defining macros or call blocks the special "caller" argument must be omitted or be given a default.',
            node.lineno,
          );
        }
      } else params.push(mframe.symbols.declareParameter('caller'));
      accessesCaller = true;
    }
    if (undeclared.has('kwargs') && !skipSpecial.has('kwargs')) {
      params.push(mframe.symbols.declareParameter('kwargs'));
      accessesKwargs = true;
    }
    if (undeclared.has('varargs') && !skipSpecial.has('varargs')) {
      params.push(mframe.symbols.declareParameter('varargs'));
      accessesVarargs = true;
    }
    mframe.requireOutputCheck = false;
    mframe.symbols.analyzeNode(node);
    const enter = this.enterFrame(mframe);
    this.paramDefBlock.push(mframe.symbols.dumpParamTargets());
    const defaults: (Expr | null)[] = node.args.map((arg, idx) => {
      const d = node.defaults[idx - node.args.length + node.defaults.length];
      const e = idx - node.args.length + node.defaults.length >= 0 && d ? this.expr(d, mframe) : null;
      this.paramDefBlock[this.paramDefBlock.length - 1]!.delete(mframe.symbols.ref(arg.name));
      return e;
    });
    this.paramDefBlock.pop();
    const argNames = node.args.map((a) => a.name);
    const argRefs = argNames.map((name) => mframe.symbols.ref(name));
    const body = this.blockvisit(node.body, mframe);
    const undef = this.env.undefined;
    const name = node.type === 'Macro' ? node.name : null;
    const make = (outer: Activation): Macro => {
      const func = (values: (PyValue | Missing)[]): PyValue => {
        const a = new Activation(outer, outer.ctx);
        params.forEach((p, i) => a.vars.set(p, values[i] === undefined ? MISSING : values[i]!));
        enter(a);
        argRefs.forEach((ref, idx) => {
          if (a.vars.get(ref) === MISSING) {
            const d = defaults[idx];
            a.vars.set(ref, d ? d(a) : undef(`parameter '${argNames[idx]}' was not provided`, MISSING, argNames[idx]!));
          }
        });
        const out: string[] = [];
        body(a, out);
        return out.join('');
      };
      return new Macro(undef, func, name, argNames, accessesKwargs, accessesVarargs, accessesCaller);
    };
    return { make, args: argNames };
  }

  private macro(node: n.Macro, frame: Frame): Stmt {
    const { make } = this.macroBody(node, frame);
    const ref = frame.symbols.ref(node.name);
    const toplevel = frame.toplevel;
    const exported = !node.name.startsWith('_');
    const name = node.name;
    return (a) => {
      const m = make(a);
      if (toplevel) {
        if (exported) a.ctx.exportedVars.add(name);
        a.ctx.vars.set(name, m);
      }
      a.vars.set(ref, m);
      return NORMAL;
    };
  }

  private callBlock(node: n.CallBlock, frame: Frame): Stmt {
    const { make } = this.macroBody(node, frame);
    const call = this.call(node.call, frame, true);
    const autoescape = this.autoescape;
    return (a, out) => {
      a.caller = make(a);
      const v = call(a);
      out.push(autoescape ? escape(v).text : str(v));
      return NORMAL;
    };
  }

  /** The text of the innermost capture buffer, as the value a block filter receives. */
  private bufferValue(): Expr {
    const autoescape = this.autoescape;
    return (a) => {
      const text = a.buffers[a.buffers.length - 1]!.join('');
      return autoescape ? new Markup(text) : text;
    };
  }

  private filterBlock(node: n.FilterBlock, frame: Frame): Stmt {
    const filterFrame = frame.inner();
    filterFrame.symbols.analyzeNode(node);
    const enter = this.enterFrame(filterFrame);
    const body = this.blockvisit(node.body, filterFrame);
    const apply = this.filter(node.filter, filterFrame, this.bufferValue());
    const leave = this.leaveFrame(filterFrame);
    const autoescape = this.autoescape;
    return (a, out) => {
      enter(a);
      const buffer: string[] = [];
      a.buffers.push(buffer);
      let v: PyValue;
      try {
        const s = body(a, buffer);
        if (s !== NORMAL) return s;
        v = apply(a);
      } finally {
        a.buffers.pop();
      }
      out.push(autoescape ? escape(v).text : str(v));
      leave(a);
      return NORMAL;
    };
  }

  private withStmt(node: n.With, frame: Frame): Stmt {
    const withFrame = frame.inner();
    withFrame.symbols.analyzeNode(node);
    const enter = this.enterFrame(withFrame);
    const pairs = node.targets.map((t, i) => [this.storeTarget(t, withFrame), this.expr(node.values[i]!, frame)] as const);
    const body = this.blockvisit(node.body, withFrame);
    const leave = this.leaveFrame(withFrame);
    return (a, out) => {
      enter(a);
      for (const [store, value] of pairs) store(a, value(a));
      const s = body(a, out);
      leave(a);
      return s;
    };
  }

  private assign(node: n.Assign, frame: Frame): Stmt {
    this.assignStack.push(new Set());
    let stmt: Stmt;
    if (node.target.type === 'NSRef') {
      const ref = frame.symbols.ref(node.target.name);
      const h = this.hops(frame, ref);
      const attr = node.target.attr;
      const value = this.expr(node.node, frame);
      stmt = (a) => {
        const ns = lookup(a, ref, h);
        if (!(ns instanceof Namespace)) throw templateRuntimeError('cannot assign attribute on non-namespace object');
        ns.pySetItem(attr, value(a));
        return NORMAL;
      };
    } else {
      const store = this.storeTarget(node.target, frame);
      const value = this.expr(node.node, frame);
      stmt = (a) => (store(a, value(a)), NORMAL);
    }
    const publish = this.popAssignTracking(frame);
    if (!publish) return stmt;
    return (a, out) => {
      const s = stmt(a, out);
      publish(a);
      return s;
    };
  }

  private assignBlock(node: n.AssignBlock, frame: Frame): Stmt {
    this.assignStack.push(new Set());
    const blockFrame = frame.inner();
    blockFrame.requireOutputCheck = false;
    blockFrame.symbols.analyzeNode(node);
    const enter = this.enterFrame(blockFrame);
    const body = this.blockvisit(node.body, blockFrame);
    const store = this.storeTarget(node.target, frame);
    const autoescape = this.autoescape;
    const filtered = node.filter ? this.filter(node.filter, blockFrame, this.bufferValue()) : null;
    const publish = this.popAssignTracking(frame);
    const leave = this.leaveFrame(blockFrame);
    return (a) => {
      enter(a);
      const buffer: string[] = [];
      a.buffers.push(buffer);
      let value: PyValue;
      try {
        const s = body(a, buffer);
        if (s !== NORMAL) return s;
        value = filtered ? filtered(a) : buffer.join('');
      } finally {
        a.buffers.pop();
      }
      if (autoescape) value = new Markup(str(value));
      store(a, value);
      publish?.(a);
      leave(a);
      return NORMAL;
    };
  }

  /** pop_assign_tracking: top-level assignments update the context and its exports. */
  private popAssignTracking(frame: Frame): ((a: Activation) => void) | null {
    const vars = this.assignStack.pop()!;
    if ((!frame.blockFrame && !frame.loopFrame && !frame.toplevel) || vars.size === 0) return null;
    if (frame.loopFrame || frame.blockFrame) return null; // _loop_vars / _block_vars: only for context functions
    const entries = [...vars].map((name) => {
      const ref = frame.symbols.ref(name);
      return [name, ref, this.hops(frame, ref)] as const;
    });
    const publicNames = [...vars].filter((x) => !x.startsWith('_'));
    return (a) => {
      for (const [name, ref, h] of entries) a.ctx.vars.set(name, lookup(a, ref, h) as PyValue);
      for (const name of publicNames) a.ctx.exportedVars.add(name);
    };
  }

  private include(node: n.Include, frame: Frame): Stmt {
    const tmpl = this.expr(node.template, frame);
    let get: (name: PyValue, parent: string | null) => LoadedTemplate;
    const t = node.template;
    if (t.type === 'Const' && typeof t.value === 'string') get = (x, p) => this.env.getTemplate(x, p);
    else if ((t.type === 'Const' && (t.value instanceof PyTuple || t.value instanceof PyList)) || t.type === 'Tuple' || t.type === 'List') {
      get = (x, p) => this.env.selectTemplate(x, p);
    } else get = (x, p) => this.env.getOrSelectTemplate(x, p);
    const locals = node.with_context ? this.localContext(frame) : null;
    const name = this.name;
    const ignoreMissing = node.ignore_missing;
    return (a, out) => {
      let template: LoadedTemplate;
      try {
        template = get(tmpl(a), name);
      } catch (e) {
        if (ignoreMissing && e instanceof PyException && e.isInstance('TemplateNotFound')) return NORMAL;
        throw e;
      }
      if (locals) template.rootRender(template.newContext(a.ctx.getAll(), true, locals(a)), out);
      else out.push(template.defaultModule().body);
      return NORMAL;
    };
  }

  private importCommon(node: n.Import | n.FromImport, frame: Frame): (a: Activation) => TemplateModule {
    const tmpl = this.expr(node.template, frame);
    const name = this.name;
    if (node.with_context) {
      const locals = this.localContext(frame);
      return (a) => this.env.getTemplate(tmpl(a), name).makeModule(a.ctx.getAll(), true, locals(a));
    }
    return (a) => this.env.getTemplate(tmpl(a), name).defaultModule(a.ctx);
  }

  private importStmt(node: n.Import, frame: Frame): Stmt {
    const ref = frame.symbols.ref(node.target);
    const load = this.importCommon(node, frame);
    const toplevel = frame.toplevel;
    const target = node.target;
    return (a) => {
      const m = load(a);
      if (toplevel) a.ctx.vars.set(target, m);
      a.vars.set(ref, m);
      if (toplevel && !target.startsWith('_')) a.ctx.exportedVars.delete(target);
      return NORMAL;
    };
  }

  private fromImport(node: n.FromImport, frame: Frame): Stmt {
    const load = this.importCommon(node, frame);
    const names = node.names.map((x) => (Array.isArray(x) ? x : [x, x]) as [string, string]);
    const refs = names.map(([, alias]) => frame.symbols.ref(alias));
    const toplevel = frame.toplevel;
    const position = this.position(node.lineno);
    const undef = this.env.undefined;
    return (a) => {
      const module = load(a);
      names.forEach(([name, alias], i) => {
        let v = module.pyGetAttr(name);
        if (v === undefined) {
          const tname = module.templateName === null ? 'None' : `'${module.templateName}'`;
          v = undef(`the template ${tname} (imported on ${position}) does not export the requested name '${name}'`, MISSING, name);
        }
        a.vars.set(refs[i]!, v);
        if (toplevel) {
          a.ctx.vars.set(alias, v);
          if (!alias.startsWith('_')) a.ctx.exportedVars.delete(alias);
        }
      });
      return NORMAL;
    };
  }

  private extendsStmt(node: n.Extends, frame: Frame): Stmt {
    if (!frame.toplevel) this.fail('cannot use extend from a non top-level scope', node.lineno);
    const checks: Stmt[] = [];
    if (this.extendsSoFar > 0) {
      if (this.hasKnownExtends) {
        throw new CompilerExit();
      }
      checks.push((a) => {
        if (a.parentTemplate !== null) throw templateRuntimeError('extended multiple times');
        return NORMAL;
      });
    }
    const tmpl = this.expr(node.template, frame);
    const name = this.name;
    if (frame.rootlevel) this.hasKnownExtends = true;
    this.extendsSoFar++;
    return (a, out) => {
      for (const c of checks) c(a, out);
      const parent = this.env.getTemplate(tmpl(a), name);
      a.parentTemplate = parent;
      for (const [bname, block] of parent.blocks) {
        const list = a.ctx.blocks.get(bname);
        if (list) list.push(block);
        else a.ctx.blocks.set(bname, [block]);
      }
      return NORMAL;
    };
  }

  private blockStmt(node: n.Block, frame: Frame): Stmt {
    let guard = false;
    if (frame.toplevel) {
      if (this.hasKnownExtends) return () => NORMAL;
      if (this.extendsSoFar > 0) guard = true;
    }
    const local = node.scoped ? this.localContext(frame) : null;
    const name = node.name;
    const required = node.required;
    return (a, out) => {
      if (guard && a.parentTemplate !== null) return NORMAL;
      const ctx = local ? a.ctx.derived(local(a)) : a.ctx;
      const blocks = a.ctx.blocks.get(name)!;
      if (required && blocks.length <= 1) throw templateRuntimeError(`Required block '${name}' not found`);
      blocks[0]!(ctx, out);
      return NORMAL;
    };
  }

  private evalContextModifier(node: n.ScopedEvalContextModifier, frame: Frame): Stmt {
    const saved = { autoescape: this.autoescape, volatile: this.volatile };
    const setters: Expr[] = [];
    for (const kw of node.options) {
      setters.push(this.expr(kw.value, frame));
      if (kw.value.type === 'Const') this.autoescape = truthy(kw.value.value);
      else this.volatile = true;
    }
    const body = this.blockvisit(node.body, frame);
    this.autoescape = saved.autoescape;
    this.volatile = saved.volatile;
    return (a, out) => {
      for (const s of setters) s(a);
      return body(a, out);
    };
  }

  // ---- assignment targets ----------------------------------------------------------------

  private storeTarget(target: n.Expr, frame: Frame): Store {
    if (target.type === 'Name') {
      if (target.ctx === 'store' && (frame.toplevel || frame.loopFrame || frame.blockFrame) && this.assignStack.length) {
        this.assignStack[this.assignStack.length - 1]!.add(target.name);
      }
      const ref = frame.symbols.ref(target.name);
      const h = this.hops(frame, ref);
      if (h === 0) return (a, v) => void a.vars.set(ref, v);
      return (a, v) => {
        let x = a;
        for (let i = 0; i < h; i++) x = x.parent!;
        x.vars.set(ref, v);
      };
    }
    if (target.type === 'Tuple') {
      const stores = target.items.map((t) => this.storeTarget(t, frame));
      const shape = target.items.map(() => ({ kind: 'Name' }));
      return (a, v) => {
        const items = unpack(v, shape);
        stores.forEach((s, i) => s(a, items[i]!));
      };
    }
    throw new Error(`cannot assign to ${target.type}`);
  }

  // ---- expressions ------------------------------------------------------------------------

  private get fold(): FoldEnv {
    return { env: this.env, ctx: this.foldContext, autoescape: this.autoescape };
  }

  /** A constant as Jinja2 writes it into its Python source (see nonFiniteName, freshCopy). */
  private constant(v: PyValue): Expr {
    const bad = nonFiniteName(v);
    if (bad) {
      return () => {
        throw new PyException('NameError', `name '${bad}' is not defined`);
      };
    }
    if (v instanceof PyList || v instanceof PyTuple || v instanceof PyDict) return () => freshCopy(v);
    return () => v;
  }

  /** `asStored`: read a target's names without the undefined check (loop filter yields). */
  private expr(node: n.Expr, frame: Frame, asStored = false): Expr {
    if (FOLDED.has(node.type) && !this.volatile) node = optimize(node, this.fold) as n.Expr;
    switch (node.type) {
      case 'Const':
        return this.constant(node.value);
      case 'TemplateData': {
        const d = node.data;
        return () => d;
      }
      case 'Name':
        return this.name_(node, frame, asStored);
      case 'Tuple': {
        const items = node.items.map((x) => this.expr(x, frame, asStored));
        return (a) => new PyTuple(items.map((f) => f(a)));
      }
      case 'List': {
        const items = node.items.map((x) => this.expr(x, frame));
        return (a) => new PyList(items.map((f) => f(a)));
      }
      case 'Dict': {
        const pairs = node.items.map((p) => [this.expr(p.key, frame), this.expr(p.value, frame)] as const);
        return (a) => {
          const d = new PyDict();
          for (const [k, v] of pairs) {
            const key = k(a);
            d.set(key, v(a));
          }
          return d;
        };
      }
      case 'Add':
      case 'Sub':
      case 'Mul':
      case 'Div':
      case 'FloorDiv':
      case 'Mod':
      case 'Pow': {
        const op = n.BINARY_OPERATORS[node.type]!;
        const l = this.expr(node.left, frame);
        const r = this.expr(node.right, frame);
        return (a) => {
          const lv = l(a);
          return binaryOp(op, lv, r(a));
        };
      }
      case 'And': {
        const l = this.expr(node.left, frame);
        const r = this.expr(node.right, frame);
        return (a) => {
          const lv = l(a);
          return truthy(lv) ? r(a) : lv;
        };
      }
      case 'Or': {
        const l = this.expr(node.left, frame);
        const r = this.expr(node.right, frame);
        return (a) => {
          const lv = l(a);
          return truthy(lv) ? lv : r(a);
        };
      }
      case 'Not': {
        const x = this.expr(node.node, frame);
        return (a) => !truthy(x(a));
      }
      case 'Neg':
      case 'Pos': {
        const x = this.expr(node.node, frame);
        const op = node.type === 'Neg' ? '-' : '+';
        return (a) => unaryOp(op, x(a));
      }
      case 'Concat': {
        const parts = node.nodes.map((x) => this.expr(x, frame));
        const autoescape = this.autoescape;
        return (a) => {
          const values = parts.map((p) => p(a));
          if (autoescape && values.some((v) => v instanceof Markup)) {
            return new Markup(values.map((v) => escape(v).text).join(''));
          }
          return values.map((v) => str(v)).join('');
        };
      }
      case 'Compare': {
        const first = this.expr(node.expr, frame);
        const ops = node.ops.map((o) => [n.COMPARE_OPERATORS[o.op], this.expr(o.expr, frame)] as const);
        return (a) => {
          let left = first(a);
          for (const [op, e] of ops) {
            const right = e(a);
            if (!compareValues(op, left, right)) return false;
            left = right;
          }
          return true;
        };
      }
      case 'Getattr': {
        const obj = this.expr(node.node, frame);
        const attr = node.attr;
        return (a) => this.env.getattr(obj(a), attr);
      }
      case 'Getitem': {
        const obj = this.expr(node.node, frame);
        if (node.arg.type === 'Slice') {
          const s = node.arg;
          const start = s.start ? this.expr(s.start, frame) : null;
          const stop = s.stop ? this.expr(s.stop, frame) : null;
          const step = s.step ? this.expr(s.step, frame) : null;
          return (a) => {
            const o = obj(a);
            return getItem(o, new PySlice(start ? start(a) : null, stop ? stop(a) : null, step ? step(a) : null));
          };
        }
        const arg = this.expr(node.arg, frame);
        return (a) => {
          const o = obj(a);
          return this.env.getitem(o, arg(a));
        };
      }
      case 'Slice': {
        const start = node.start ? this.expr(node.start, frame) : null;
        const stop = node.stop ? this.expr(node.stop, frame) : null;
        const step = node.step ? this.expr(node.step, frame) : null;
        return (a) => new PySlice(start ? start(a) : null, stop ? stop(a) : null, step ? step(a) : null);
      }
      case 'CondExpr': {
        const soft = frame.soft();
        const test = this.expr(node.test, soft);
        const e1 = this.expr(node.expr1, soft);
        const e2 = node.expr2 ? this.expr(node.expr2, soft) : null;
        const hint = `the inline if-expression on ${this.position(node.lineno)} evaluated to false and no else section was defined.`;
        return (a) => (truthy(test(a)) ? e1(a) : e2 ? e2(a) : new Undefined(hint));
      }
      case 'Call':
        return this.call(node, frame, false);
      case 'Filter':
        return this.filter(node, frame, null);
      case 'Test':
        return this.test(node, frame);
      case 'NSRef':
        throw new Error('NSRef outside of an assignment');
    }
  }

  private name_(node: n.Name, frame: Frame, asStored: boolean): Expr {
    const ref = frame.symbols.ref(node.name);
    const h = this.hops(frame, ref);
    if (asStored || node.ctx !== 'load') return (a) => lookup(a, ref, h) as PyValue;
    // parameters are read as they are (they cannot be undefined... except after their loop)
    const load = frame.symbols.findLoad(ref);
    const undeclared = this.paramDefBlock.length > 0 && this.paramDefBlock[this.paramDefBlock.length - 1]!.has(ref);
    if (load?.kind === 'param' && !undeclared) return (a) => lookup(a, ref, h) as PyValue;
    const undef = this.env.undefined;
    const name = node.name;
    if (h === 0) {
      return (a) => {
        const v = a.vars.get(ref);
        return v === undefined || v === MISSING ? undef(null, MISSING, name) : v;
      };
    }
    return (a) => {
      const v = lookup(a, ref, h);
      return v === MISSING ? undef(null, MISSING, name) : v;
    };
  }

  /** The arguments of a call, filter or test: positional, *args, keywords, **kwargs. */
  private callArgs(
    node: { args: n.Expr[]; kwargs: n.Keyword[]; dyn_args: n.Expr | null; dyn_kwargs: n.Expr | null },
    frame: Frame,
  ): (a: Activation, fname: string) => [PyValue[], Kwargs] {
    const args = node.args.map((x) => this.expr(x, frame));
    const seen = new Set<string>();
    for (const k of node.kwargs) {
      // the Python code Jinja2 generates does not compile
      if (seen.has(k.key)) throw new PyException('SyntaxError', `keyword argument repeated: ${k.key}`);
      seen.add(k.key);
    }
    const kwargs = node.kwargs.map((k) => [k.key, this.expr(k.value, frame)] as const);
    const dynArgs = node.dyn_args ? this.expr(node.dyn_args, frame) : null;
    const dynKwargs = node.dyn_kwargs ? this.expr(node.dyn_kwargs, frame) : null;
    return (a, fname) => {
      const values = args.map((f) => f(a));
      const kw = new Map<string, PyValue>();
      for (const [k, f] of kwargs) kw.set(k, f(a));
      if (dynArgs) {
        const v = dynArgs(a);
        if (!isIterable(v)) throw typeError(`Value after * must be an iterable, not ${typeName(v)}`);
        values.push(...toArray(v));
      }
      if (dynKwargs) addKeywords(kw, dynKwargs(a), fname);
      return [values, kw];
    };
  }

  private call(node: n.Call, frame: Frame, forwardCaller: boolean): Expr {
    const fn = this.expr(node.node, frame);
    const args = this.callArgs(node, frame);
    return (a) => {
      const f = fn(a);
      // Jinja2 calls context.call(f, ...): Python names that function in argument errors
      const [values, kwargs] = args(a, 'jinja2.runtime.Context.call()');
      if (forwardCaller) {
        if (kwargs.has('caller')) throw typeError(`jinja2.runtime.Context.call() got multiple values for keyword argument 'caller'`);
        kwargs.set('caller', a.caller);
      }
      return contextCall(this.env.undefined, f, values, kwargs);
    };
  }

  private filter(node: n.Filter, frame: Frame, blockValue: Expr | null): Expr {
    const impl = this.env.filters.get(node.name);
    if (!impl && !frame.softFrame) this.fail(`No filter named '${node.name}'.`, node.lineno);
    // a chain in a filter block: the innermost filter gets the block's output
    const value = node.node === null ? blockValue! : node.node.type === 'Filter' ? this.filter(node.node, frame, blockValue) : this.expr(node.node, frame);
    const args = this.callArgs(node, frame);
    const name = node.name;
    const env = this.env;
    const autoescape = this.autoescape;
    return (a) => {
      const v = value(a);
      const [values, kwargs] = args(a, `${impl?.qualname ?? name}()`);
      if (!impl) throw templateRuntimeError(`No filter named '${name}' found.`);
      return impl(env, a.ctx, autoescape, v, values, kwargs);
    };
  }

  private test(node: n.Test, frame: Frame): Expr {
    const impl = this.env.tests.get(node.name);
    if (!impl && !frame.softFrame) this.fail(`No test named '${node.name}'.`, node.lineno);
    const value = this.expr(node.node, frame);
    const args = this.callArgs(node, frame);
    const name = node.name;
    const env = this.env;
    return (a) => {
      const v = value(a);
      const [values, kwargs] = args(a, `${impl?.qualname ?? name}()`);
      if (!impl) throw templateRuntimeError(`No test named '${name}' found.`);
      return impl(env, a.ctx, false, v, values, kwargs);
    };
  }
}

function templateReference(ctx: Context, env: CompileEnv): PyValue {
  return new TemplateReference(ctx, env.undefined);
}

function superBlock(ctx: Context, name: string, current: BlockFn, env: CompileEnv): PyValue {
  const blocks = ctx.blocks.get(name) ?? [];
  const index = blocks.indexOf(current) + 1;
  if (index <= 0 || index >= blocks.length) {
    return env.undefined(`there is no parent block called '${name}'.`, MISSING, 'super');
  }
  return new BlockReference(name, ctx, blocks, index, env.undefined);
}
