// word-extractor ships no types; only what src/doc/readers/doc.ts uses.
declare module 'word-extractor' {
  interface ExtractedDocument {
    getBody(): string;
    getTextboxes(options?: { includeHeadersAndFooters?: boolean; includeBody?: boolean }): string;
  }
  export default class WordExtractor {
    extract(source: string | Buffer): Promise<ExtractedDocument>;
  }
}
