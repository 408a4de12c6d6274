// The Python value model: public entry points.

export * from './value.ts';
export { PyException, PySyntaxError, isPyException, registerExceptionClass } from './exceptions.ts';
export { repr, str, ascii, strRepr } from './repr.ts';
export { truthy, pyEq, pyIs, pyCompare, sortCompare } from './compare.ts';
export { binaryOp, unaryOp, type BinaryOperator, type UnaryOperator } from './ops.ts';
export { pyIter, iterate, toArray, pyLen, pyContains, isIterable } from './iter.ts';
export { getItem, setItem, delItem, sliceIndices } from './subscript.ts';
export { getAttr, lookupAttr, hasAttr, setAttr, callMethod } from './attributes.ts';
export { callValue, isCallable } from './call.ts';
export { bind, intArg, strArg, type Signature } from './args.ts';
export { keyOf, pyHash } from './hash.ts';
export { percentFormat } from './percent-format.ts';
export { strFormat } from './str-format.ts';
export { formatValue } from './format-spec.ts';
export { floatRepr } from './float-format.ts';
export { pySort } from './sort.ts';
export { builtins, typeOf, pyIterObject } from './builtins.ts';
export { jsonDumps, jsonLoads, jsonModule, jsonQuote, type DumpsOptions } from './json.ts';
export { parseLiteral, evaluatePyBang, PY_BANG_CALLS } from './literal.ts';
export {
  compileExpression,
  evaluateExpression,
  evaluateListDisplayFirst,
  type CompiledExpression,
  type EvaluateOptions,
  type Namespace,
} from './expr/evaluate.ts';
export { parseExpression } from './expr/parser.ts';
export { importModule, knownModules } from './modules/index.ts';
export { NamedTuple } from './modules/named-tuple.ts';
export { urlparse } from './modules/urllib-parse.ts';
export { intType } from './builtins.ts';
export { decodeBytes, encodeStr } from './codecs.ts';
export { strLen } from './codepoints.ts';
export type { Comprehension, Expr } from './expr/ast.ts';
export { normpath, osError } from './modules/os.ts';
export { pformat } from './pprint.ts';
export { PY_WS_CLASS, dedent, isPySpaceCode, pyLstrip, pyRstrip, pyRstripChars, pySplitLines, pySplitWhitespace, pyStrip, removeLeadingBlankLines } from './text.ts';
export { toFloat } from './builtins.ts';
export { EscapeError, decodeEscapes } from './escapes.ts';
export { asRecursionError, attributeError, typeError, valueError } from './exceptions.ts';
export type { CompareOperator } from './expr/ast.ts';
export { addKeywords, compareValues, unpack } from './expr/evaluate.ts';
export { hasLen } from './iter.ts';
export { dictUpdate } from './methods/dict.ts';
export { pyCapitalize, strJoin } from './methods/str.ts';
export { floatToInt, parseIntText } from './numbers.ts';
export { inplaceOp } from './ops.ts';
export { bindPython } from './signature.ts';
export type { BoundArguments, PyParameter } from './signature.ts';
