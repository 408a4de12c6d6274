// Recipe option schemas, as data: which options a recipe reads, which it
// requires (alone or one of a group), their aliases and deprecations, and
// which options the recipe itself sets when its section is initialised
// (`location`, `port`, `passwd`, …), so that `${part:location}` is not an
// undefined option. Recipes keep theirs beside their code (RecipeModule
// `schema`); recipes tsbuildout does not implement keep theirs in
// known-schemas.ts. The linter and the inspector read both through
// schema-registry.ts. Where a recipe may set options nobody can list (code
// run at init, keys read from a file), the schema says so, and the linter
// reports "cannot verify" as info, never an error.

export interface OptionSpec {
  doc?: string;
  /** The option is deprecated; the text says what to use instead. */
  deprecated?: string;
  /** The value the recipe uses when the option is not set. */
  default?: string;
}

export interface RecipeSchema {
  doc?: string;
  /** The options the recipe reads. */
  options: Readonly<Record<string, OptionSpec>>;
  /** Options that must be set (the recipe fails without them). */
  required?: readonly string[];
  /** Groups of which at least one option must be set (url | inline). */
  oneOf?: readonly (readonly string[])[];
  /** Old spellings the recipe still accepts: alias → option. */
  aliases?: Readonly<Record<string, string>>;
  /** Option name prefixes the recipe reads (`config-`, `sla-`, …). */
  optionPrefixes?: readonly string[];
  /** Every option is data the recipe reads (directories of mkdirectory, parameters of publish). */
  anyOptions?: boolean;
  /** It renders a template, which may read any option of the section (`${:port}` in the template file). */
  templateReadsOptions?: boolean;
  /** Options the recipe sets when its section is initialised. */
  generated?: readonly string[];
  /** Prefixes of options it sets (`connection-` for request). */
  generatedPrefixes?: readonly string[];
  /** It may set options no list can give; the text says why. */
  generatesUnknown?: string;
  /** It may set options no list can give when this option is present (slapos.recipe.build `init`). */
  generatesUnknownWith?: { readonly option: string; readonly why: string };
  /** Options naming other sections that the recipe reads at initialisation (which makes buildout evaluate them). */
  sectionOptions?: readonly { readonly option: string; readonly syntax: 'jinja2-context' | 'section-list' }[];
  /** Options naming the template file the recipe renders (a path or URL; `inline:` texts are not files). */
  templateFiles?: readonly string[];
  /** Download options: the URL and its checksum. */
  download?: { readonly url: string; readonly md5sum: string };
}

/** A schema and the `egg:entry` names it serves (an entry `default` may be written without `:default`). */
export interface NamedSchema {
  readonly names: readonly string[];
  readonly schema: RecipeSchema;
}

/** Options without documentation of their own, by name (schemas of recipes tsbuildout does not implement). */
export function undocumented(...names: string[]): Record<string, OptionSpec> {
  return Object.fromEntries(names.map((n) => [n, {}]));
}

/** `location`, as recipes that install into a part directory read it. */
export const LOCATION: Readonly<Record<string, OptionSpec>> = {
  location: { doc: 'where the part is installed (default ${buildout:parts-directory}/<part>, written back at init)' },
};

/** `shared`, as recipes that may install into the shared parts read it. */
export const SHARED: Readonly<Record<string, OptionSpec>> = {
  shared: { doc: 'install as a shared part (a path under the shared parts directory)' },
};
