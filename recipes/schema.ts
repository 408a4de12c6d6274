// Recipe option schemas, as data: what a recipe reads, requires and
// computes. The linter and the inspector read them; recipes keep theirs
// beside their code.

export interface OptionSpec {
  description: string;
  /** Missing means the recipe fails. */
  required?: boolean;
  /** Other spellings the recipe accepts for this option. */
  aliases?: readonly string[];
  /** Set by the recipe itself (at init or install): readable by other sections. */
  generated?: boolean;
  default?: string;
}

export interface RecipeSchema {
  options: Readonly<Record<string, OptionSpec>>;
  /** Groups of which exactly one must be given (e.g. url | inline). */
  oneOf?: readonly (readonly string[])[];
  /** Option name prefixes the recipe reads (config-*, sla-*, …). */
  prefixes?: readonly string[];
  /** True when any other option is meaningful data for the recipe (mkdirectory, publish). */
  freeOptions?: boolean;
}
