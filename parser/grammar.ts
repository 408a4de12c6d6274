// The grammar over line tokens. An option owns the lines that follow it
// while they are indented, blank or column-0 comments (buildout keeps an
// option open across comments); headers, option lines and junk end it.
// An indented line that no option owns is an "orphan": zc.buildout skips
// it, or rejects it, depending on state (see sections.ts).
import { EmbeddedActionsParser, type IToken } from 'chevrotain';
import { Blank, Comment, Header, Indent, Junk, Option, PartDeps, allTokens } from './tokens.ts';

export type GrammarItem =
  | { kind: 'header'; token: IToken }
  | { kind: 'comment'; token: IToken }
  | { kind: 'orphan'; token: IToken }
  | { kind: 'junk'; token: IToken }
  | {
      kind: 'option';
      token: IToken;
      /** Each following line: an indented line, or null for a blank line. */
      lines: { token: IToken | null; line: number }[];
      comments: IToken[];
    };

class ProfileGrammar extends EmbeddedActionsParser {
  constructor() {
    super(allTokens, { recoveryEnabled: false, maxLookahead: 1, skipValidations: true });
    this.performSelfAnalysis();
  }

  public profile = this.RULE('profile', (): GrammarItem[] => {
    const items: GrammarItem[] = [];
    this.MANY(() => {
      this.OR([
        { ALT: () => { items.push(this.SUBRULE(this.optionEntry)); } },
        { ALT: () => { items.push({ kind: 'header', token: this.CONSUME(Header) }); } },
        { ALT: () => { items.push({ kind: 'comment', token: this.CONSUME(Comment) }); } },
        { ALT: () => { items.push({ kind: 'orphan', token: this.CONSUME(Indent) }); } },
        { ALT: () => { items.push({ kind: 'junk', token: this.CONSUME(Junk) }); } },
        { ALT: () => { this.CONSUME(Blank); } },
      ]);
    });
    return items;
  });

  private optionEntry = this.RULE('optionEntry', (): GrammarItem => {
    const token = this.OR([{ ALT: () => this.CONSUME(Option) }, { ALT: () => this.CONSUME(PartDeps) }]);
    const lines: { token: IToken | null; line: number }[] = [];
    const comments: IToken[] = [];
    this.MANY(() => {
      this.OR2([
        { ALT: () => { const t = this.CONSUME(Indent); lines.push({ token: t, line: t.startLine ?? 0 }); } },
        { ALT: () => { const t = this.CONSUME(Blank); lines.push({ token: null, line: t.startLine ?? 0 }); } },
        { ALT: () => { comments.push(this.CONSUME(Comment)); } },
      ]);
    });
    return { kind: 'option', token, lines, comments };
  });
}

let grammar: ProfileGrammar | undefined;

/** The grammar is built once per process (chevrotain's self-analysis). */
export function profileGrammar(): ProfileGrammar {
  grammar ??= new ProfileGrammar();
  return grammar;
}
