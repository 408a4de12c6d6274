// The bridge's Python module is bundled as text (esbuild's text loader, build.mjs).
declare module '*.py' {
  const source: string;
  export default source;
}
