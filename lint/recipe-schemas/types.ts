// Recipe option schemas as data (one file per recipe family), in a shape
// meant to move to recipes/ later: which options a recipe reads, which it
// requires (alone or one of a group), their aliases and deprecations, and
// which options the recipe itself sets when its section is initialised
// (`location`, `port`, `passwd`, …), so that `${part:location}` is not an
// undefined option. Where a recipe may set options nobody can list (code
// run at init, keys read from a file), the schema says so and the linter
// reports "cannot verify" as info, never an error.

export interface OptionSpec {
  doc?: string;
  /** The option is deprecated; the text says what to use instead. */
  deprecated?: string;
}

export interface RecipeSpec {
  /** `egg:entry` names (an entry `default` may be written without `:default`). */
  names: string[];
  doc?: string;
  /** The options the recipe reads. */
  options: Record<string, OptionSpec>;
  /** Options that must be set. */
  required?: string[];
  /** Groups of which at least one option must be set. */
  oneOf?: string[][];
  /** Old spellings the recipe still accepts: alias → option. */
  aliases?: Record<string, string>;
  /** Option name prefixes the recipe reads (`config-`, `sla-`, …). */
  optionPrefixes?: string[];
  /** Every option is data the recipe reads (directories of mkdirectory, parameters of publish). */
  anyOptions?: boolean;
  /** It renders a template, which may read any option of the section (`${:port}` in the template file). */
  templateReadsOptions?: boolean;
  /** Options the recipe sets when its section is initialised. */
  generated?: string[];
  /** Prefixes of options it sets (`connection-` for request). */
  generatedPrefixes?: string[];
  /** It may set options no list can give; the text says why. */
  generatesUnknown?: string;
  /** It may set options no list can give when this option is present (slapos.recipe.build `init`). */
  generatesUnknownWith?: { option: string; why: string };
  /** Options naming other sections that the recipe reads at initialisation (which makes buildout evaluate them). */
  sectionOptions?: { option: string; syntax: 'jinja2-context' | 'section-list' }[];
  /** Download options: the URL and its checksum. */
  download?: { url: string; md5sum: string };
}

/** What a schema answers, whatever its data. */
export interface RecipeSchema {
  spec: RecipeSpec;
  /** true: the recipe sets it; false: it does not; a string: it may (why). */
  generates(option: string, read: OptionReader): true | false | string;
  /** Does the recipe read this option (directly, through an alias or a prefix)? */
  knows(option: string): boolean;
  /** Sections (and options) named by the section's options, read at initialisation. */
  sectionReferences(read: OptionReader): SectionUse[];
}

export type OptionReader = (option: string) => { value: string | undefined; raw: string | undefined; entry: import('../../profile/entry.ts').Entry | undefined };

export interface SectionUse {
  section: string;
  option?: string;
  /** The option of this section that names it, and the offsets of the name in its raw value. */
  from: string;
  start?: number;
  end?: number;
  /** The jinja2 context type (`key`, `section`, …) when it comes from `context`. */
  kind?: string;
  /** The template variable it defines. */
  variable?: string;
}
