import CFB from 'cfb';
import { READ_LIMITS } from '../model.js';
import { formatNumber } from './number-format.js';

/**
 * Word 97–2003 automatic numbering, restored. word-extractor gives the text of
 * a .doc but not the "一、" or "（一）" Word generates from its list tables, so
 * this reads what [MS-DOC] keeps for that: the piece table (where each
 * character is), the paragraph properties (PAPX: list id and level, table
 * flag, style), the style sheet (numbering and headings set on styles), and
 * the list definitions (PlfLst/PlfLfo: start, number format, level text).
 * Any structure that does not parse gives undefined: the caller keeps the
 * text without labels and says so.
 */

export interface DocParagraph {
  /** Numbered, but its list definition is missing or broken: the label could not be made. */
  unresolved?: boolean;
  /** Text as stored (field instructions removed), for lining up with word-extractor's lines. */
  text: string;
  label?: string;
  level?: number;
  inTable: boolean;
}

interface Lvl {
  start: number;
  fmt: string;
  text: string;
  legal: boolean;
  /** Like w:lvlRestart: 0 = never; n = restart after level n (1-based) or a higher one. */
  restart?: number;
}

interface Props {
  istd: number;
  ilfo?: number;
  ilvl?: number;
  inTable?: boolean;
  outLvl?: number;
}

interface Style {
  base: number;
  sti: number;
  props: Props;
}

const MAX_PARAGRAPHS = READ_LIMITS.maxBlocks;
const MAX_CHARS = READ_LIMITS.maxTextChars;

/** [MS-DOC] nfc codes → the w:numFmt names formatNumber knows. */
const NFC: Record<number, string> = {
  0: 'decimal', 1: 'upperRoman', 2: 'lowerRoman', 3: 'upperLetter', 4: 'lowerLetter', 10: 'ideographDigital', 11: 'japaneseCounting',
  14: 'decimalFullWidth', 16: 'japaneseLegal', 17: 'japaneseDigitalTenThousand', 18: 'decimalEnclosedCircle', 19: 'decimalFullWidth2',
  22: 'decimalZero', 23: 'bullet', 26: 'decimalEnclosedFullstop', 27: 'decimalEnclosedParen', 28: 'decimalEnclosedCircleChinese',
  29: 'ideographEnclosedCircle', 30: 'ideographTraditional', 31: 'ideographZodiac', 32: 'ideographZodiacTraditional', 33: 'taiwaneseCounting',
  34: 'ideographLegalTraditional', 35: 'taiwaneseCountingThousand', 36: 'taiwaneseDigital', 37: 'chineseCounting', 38: 'chineseLegalSimplified',
  39: 'chineseCountingThousand', 255: 'none',
};

export function docParagraphs(bytes: Uint8Array): DocParagraph[] | undefined {
  try {
    return read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch {
    // A structure out of bounds: the text is still read, without labels.
    return undefined;
  }
}

function read(buf: Buffer): DocParagraph[] | undefined {
  const cfb = CFB.read(buf, { type: 'buffer' });
  const stream = (name: string) => {
    const e = CFB.find(cfb, name);
    return e?.content ? Buffer.from(e.content as Uint8Array) : undefined;
  };
  const wd = stream('WordDocument');
  if (!wd || wd.readUInt16LE(0) !== 0xa5ec) return undefined;
  const flags = wd.readUInt16LE(0x0a);
  if (flags & 0x0100) return undefined; // encrypted
  const table = stream(flags & 0x0200 ? '1Table' : '0Table');
  if (!table) return undefined;

  // FIB: FibBase (32 bytes), fibRgW, fibRgLw (ccpText is its 4th long), fibRgFcLcb pairs.
  const csw = wd.readUInt16LE(32);
  const lwAt = 34 + csw * 2 + 2;
  const cslw = wd.readUInt16LE(34 + csw * 2);
  const ccpText = wd.readInt32LE(lwAt + 3 * 4);
  const fcLcbAt = lwAt + cslw * 4 + 2;
  const cbRgFcLcb = wd.readUInt16LE(lwAt + cslw * 4);
  const pair = (i: number): [number, number] => (i < cbRgFcLcb ? [wd.readUInt32LE(fcLcbAt + i * 8), wd.readUInt32LE(fcLcbAt + i * 8 + 4)] : [0, 0]);
  const slice = ([fc, lcb]: [number, number]) => (lcb > 0 && fc + lcb <= table.length ? table.subarray(fc, fc + lcb) : undefined);

  const pieces = readPieces(slice(pair(33)));
  if (!pieces.length) return undefined;
  const papx = new PapxReader(wd, slice(pair(13)));
  const styles = readStyles(slice(pair(1)));
  // The LVLs follow PlfLst in the table stream, outside its declared length.
  const [fcLst, lcbLst] = pair(73);
  const lists = readLists(lcbLst > 0 && fcLst < table.length ? table.subarray(fcLst) : undefined, slice(pair(74)));

  const paras: Array<{ text: string; props: Props }> = [];
  let text = '';
  let fieldDepth: boolean[] = [];
  // Declared lengths are not trusted: characters are read only from inside the stream, at most the text limit.
  let budget = Math.min(ccpText, MAX_CHARS);
  for (const p of pieces) {
    for (let k = 0; k < p.cpEnd - p.cpStart; k++) {
      if (p.cpStart + k >= ccpText) break;
      if (--budget < 0) return undefined;
      const fc = p.fc + k * (p.compressed ? 1 : 2);
      if (fc + 2 > wd.length) return undefined;
      const code = p.compressed ? wd[fc]! : wd.readUInt16LE(fc);
      if (code === 0x13) fieldDepth.push(true);
      else if (code === 0x14 && fieldDepth.length) fieldDepth[fieldDepth.length - 1] = false;
      else if (code === 0x15) fieldDepth.pop();
      else if (code === 0x0d || code === 0x07) {
        paras.push({ text, props: papx.at(fc) });
        text = '';
        if (paras.length > MAX_PARAGRAPHS) return undefined;
      } else if (!fieldDepth.includes(true) && code >= 0x20) text += String.fromCharCode(code);
      else if (code === 0x0b || code === 0x09) text += code === 0x09 ? '\t' : '\n';
    }
  }
  fieldDepth = [];

  const counters = new Map<string, Array<number | undefined>>();
  const restarted = new Set<string>();
  return paras.map(({ text, props }) => {
    const chain = styleChain(styles, props.istd);
    const ilfo = props.ilfo ?? chain.find((s) => s.props.ilfo !== undefined)?.props.ilfo;
    const inTable = !!props.inTable;
    let level = props.outLvl ?? headingOf(chain);
    if (level !== undefined && (level < 0 || level > 8)) level = undefined;
    if (!ilfo || ilfo < 1) return { text, inTable, ...(level !== undefined ? { level } : {}) };
    if (ilfo > lists.lfos.length) return { text, inTable, unresolved: true };
    const ilvl = clamp(props.ilvl ?? chain.find((s) => s.props.ilvl !== undefined)?.props.ilvl ?? 0);
    const lfo = lists.lfos[ilfo - 1]!;
    const lst = lists.lsts.get(lfo.lsid);
    if (!lst) return { text, inTable, unresolved: true };
    const lvls = lst.map((l, i) => lfo.levels.get(i)?.lvl ?? l);
    const lvl = lvls[ilvl];
    if (!lvl) return { text, inTable, unresolved: true };
    // Lists with the same definition count on from each other. Word restarts a list with an
    // override on the same list, but LibreOffice (and, we expect, WPS) write a restarted or
    // continued list as a copy of the definition; counting on is the safer error for a ledger:
    // a "三、" where the page says "一、" keeps tasks apart, a repeated "一、" merges sections.
    const key = lists.signature.get(lfo.lsid) ?? String(lfo.lsid);
    let counts = counters.get(key);
    if (!counts) counters.set(key, (counts = []));
    const override = lfo.levels.get(ilvl)?.start;
    if (override !== undefined && !restarted.has(`${ilfo}:${ilvl}`)) {
      restarted.add(`${ilfo}:${ilvl}`);
      counts[ilvl] = override;
    } else {
      counts[ilvl] = counts[ilvl] === undefined ? lvl.start : counts[ilvl]! + 1;
    }
    for (let k = ilvl + 1; k < 9; k++) {
      const restart = lvls[k]?.restart ?? k;
      if (restart !== 0 && ilvl <= restart - 1) counts[k] = undefined;
    }
    const label = render(lvl, lvls, counts);
    return { text, inTable, level: ilvl, ...(label ? { label } : {}) };
  });
}

function render(lvl: Lvl, lvls: Array<Lvl | undefined>, counts: Array<number | undefined>): string | undefined {
  if (lvl.fmt === 'bullet') return lvl.text.replace(/[\uE000-\uF8FF]/g, '•').trim() || '•';
  let out = '';
  for (const ch of lvl.text) {
    const c = ch.charCodeAt(0);
    if (c < 9) {
      const fmt = lvl.legal ? 'decimal' : (lvls[c]?.fmt ?? 'decimal');
      out += formatNumber(counts[c] ?? lvls[c]?.start ?? 1, fmt === 'bullet' ? 'decimal' : fmt);
    } else out += ch;
  }
  return out.trim() ? out : undefined;
}

interface Piece {
  cpStart: number;
  cpEnd: number;
  fc: number;
  compressed: boolean;
}

/** The piece table in the Clx: which bytes of WordDocument hold each run of characters. */
function readPieces(clx: Buffer | undefined): Piece[] {
  if (!clx) return [];
  let pos = 0;
  while (pos < clx.length && clx[pos] === 0x01) pos += 3 + clx.readUInt16LE(pos + 1);
  if (clx[pos] !== 0x02) return [];
  const lcb = clx.readUInt32LE(pos + 1);
  const plc = clx.subarray(pos + 5, pos + 5 + lcb);
  const n = (lcb - 4) / 12;
  if (!Number.isInteger(n) || n < 1) return [];
  const out: Piece[] = [];
  for (let i = 0; i < n; i++) {
    const raw = plc.readUInt32LE((n + 1) * 4 + i * 8 + 2);
    const compressed = (raw & 0x40000000) !== 0;
    const fc = compressed ? (raw & 0x3fffffff) / 2 : raw;
    out.push({ cpStart: plc.readUInt32LE(i * 4), cpEnd: plc.readUInt32LE((i + 1) * 4), fc, compressed });
  }
  return out;
}

/** Paragraph properties by the file position of the paragraph mark, through PlcBtePapx and its 512-byte FKP pages. */
class PapxReader {
  private readonly fcs: number[] = [];
  private readonly pns: number[] = [];
  private readonly pages = new Map<number, { rgfc: number[]; props: Props[] }>();

  constructor(
    private readonly wd: Buffer,
    plc: Buffer | undefined,
  ) {
    if (!plc) return;
    const n = (plc.length - 4) / 8;
    for (let i = 0; i <= n; i++) this.fcs.push(plc.readUInt32LE(i * 4));
    for (let i = 0; i < n; i++) this.pns.push(plc.readUInt32LE((n + 1) * 4 + i * 4));
  }

  at(fc: number): Props {
    // The last page whose first position is at or before fc (binary search: thousands of pages in a long file).
    let lo = 0;
    let hi = this.pns.length - 1;
    if (hi < 0) return { istd: 0 };
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.fcs[mid]! <= fc) lo = mid;
      else hi = mid - 1;
    }
    const i = lo;
    const page = this.page(this.pns[i]!);
    for (let j = 0; j < page.props.length; j++) if (page.rgfc[j]! <= fc && fc < page.rgfc[j + 1]!) return page.props[j]!;
    return { istd: 0 };
  }

  private page(pn: number) {
    let p = this.pages.get(pn);
    if (p) return p;
    const fkp = this.wd.subarray(pn * 512, pn * 512 + 512);
    const crun = fkp[511]!;
    const rgfc = Array.from({ length: crun + 1 }, (_, j) => fkp.readUInt32LE(j * 4));
    const props: Props[] = [];
    for (let j = 0; j < crun; j++) {
      const at = fkp[(crun + 1) * 4 + j * 13]! * 2;
      if (at === 0) {
        props.push({ istd: 0 });
        continue;
      }
      const cb = fkp[at]!;
      const body = cb !== 0 ? fkp.subarray(at + 1, at + 1 + 2 * cb - 1) : fkp.subarray(at + 2, at + 2 + 2 * fkp[at + 1]!);
      props.push(readGrpprl(body.subarray(2), body.readUInt16LE(0)));
    }
    p = { rgfc, props };
    this.pages.set(pn, p);
    return p;
  }
}

/** The paragraph sprms we need: list (sprmPIlfo), level (sprmPIlvl), in-table (sprmPFInTable), outline level (sprmPOutLvl). */
function readGrpprl(g: Buffer, istd: number): Props {
  const props: Props = { istd };
  let pos = 0;
  while (pos + 2 <= g.length) {
    const sprm = g.readUInt16LE(pos);
    pos += 2;
    const spra = sprm >>> 13;
    let size: number;
    if (spra === 0 || spra === 1) size = 1;
    else if (spra === 2 || spra === 4 || spra === 5) size = 2;
    else if (spra === 3) size = 4;
    else if (spra === 7) size = 3;
    else if (sprm === 0xd608 || sprm === 0xd606) size = 2 + g.readUInt16LE(pos) - 1;
    else if (sprm === 0xc615 && g[pos] === 255) return props; // sprmPChgTabs' rare long form: stop, keep what was read
    else size = 1 + g[pos]!;
    if (pos + size > g.length) break;
    if (sprm === 0x460b) props.ilfo = g.readInt16LE(pos);
    else if (sprm === 0x260a) props.ilvl = g[pos];
    else if (sprm === 0x2416) props.inTable = g[pos] !== 0;
    else if (sprm === 0x2640) props.outLvl = g[pos];
    pos += size;
  }
  return props;
}

/** The style sheet (STSH): each paragraph style's base, built-in id (sti 1–9 = Heading 1–9) and paragraph sprms. */
function readStyles(stsh: Buffer | undefined): Style[] {
  if (!stsh) return [];
  const cbStshi = stsh.readUInt16LE(0);
  const cstd = stsh.readUInt16LE(2);
  const cbBase = stsh.readUInt16LE(4);
  const out: Style[] = [];
  let pos = 2 + cbStshi;
  for (let i = 0; i < cstd && pos + 2 <= stsh.length; i++) {
    const cb = stsh.readUInt16LE(pos);
    const std = stsh.subarray(pos + 2, pos + 2 + cb);
    pos += 2 + cb;
    if (cb === 0 || std.length < cbBase) {
      out.push({ base: 0xfff, sti: 0xffe, props: { istd: i } });
      continue;
    }
    const sti = std.readUInt16LE(0) & 0x0fff;
    const stk = std.readUInt16LE(2) & 0x000f;
    const base = std.readUInt16LE(2) >>> 4;
    let props: Props = { istd: i };
    if (stk === 1) {
      const cch = std.readUInt16LE(cbBase);
      let at = cbBase + 2 + cch * 2 + 2;
      if (at % 2) at++;
      const cbUpx = std.readUInt16LE(at);
      if (cbUpx >= 2) props = readGrpprl(std.subarray(at + 4, at + 2 + cbUpx), i);
    }
    out.push({ base, sti, props });
  }
  return out;
}

function styleChain(styles: Style[], istd: number): Style[] {
  const out: Style[] = [];
  for (let i = istd, guard = 0; i < styles.length && guard < 32; guard++) {
    const s = styles[i]!;
    out.push(s);
    if (s.base === 0xfff || s.base === i) break;
    i = s.base;
  }
  return out;
}

function headingOf(chain: Style[]): number | undefined {
  for (const s of chain) {
    if (s.sti >= 1 && s.sti <= 9) return s.sti - 1;
    if (s.props.outLvl !== undefined && s.props.outLvl <= 8) return s.props.outLvl;
  }
  return undefined;
}

/** PlfLst (list definitions, 1 or 9 levels each) and PlfLfo (the list instances paragraphs point at, with start overrides). */
function readLists(plfLst: Buffer | undefined, plfLfo: Buffer | undefined) {
  const lsts = new Map<number, Lvl[]>();
  const signature = new Map<number, string>();
  const lfos: Array<{ lsid: number; levels: Map<number, { start?: number; lvl?: Lvl }> }> = [];
  if (!plfLst || !plfLfo) return { lsts, lfos, signature };
  const cLst = plfLst.readInt16LE(0);
  let pos = 2 + cLst * 28;
  for (let i = 0; i < cLst; i++) {
    const at = 2 + i * 28;
    const lsid = plfLst.readInt32LE(at);
    const simple = (plfLst[at + 26]! & 0x01) !== 0;
    const lvls: Lvl[] = [];
    for (let l = 0; l < (simple ? 1 : 9); l++) {
      const [lvl, next] = readLvl(plfLst, pos);
      lvls.push(lvl);
      pos = next;
    }
    lsts.set(lsid, lvls);
    signature.set(lsid, JSON.stringify(lvls.map((l) => [l.fmt, l.text, l.start])));
  }
  const lfoMac = plfLfo.readUInt32LE(0);
  if (lfoMac > 10_000) return { lsts, lfos, signature };
  let data = 4 + lfoMac * 16;
  for (let i = 0; i < lfoMac; i++) {
    const lsid = plfLfo.readInt32LE(4 + i * 16);
    const clfolvl = plfLfo[4 + i * 16 + 12]!;
    const levels = new Map<number, { start?: number; lvl?: Lvl }>();
    data += 4; // cp
    for (let k = 0; k < clfolvl; k++) {
      const start = plfLfo.readInt32LE(data);
      const b = plfLfo[data + 4]!;
      data += 8;
      const entry: { start?: number; lvl?: Lvl } = {};
      if (b & 0x10) entry.start = start;
      if (b & 0x20) {
        const [lvl, next] = readLvl(plfLfo, data);
        entry.lvl = lvl;
        entry.start ??= lvl.start;
        data = next;
      }
      levels.set(b & 0x0f, entry);
    }
    lfos.push({ lsid, levels });
  }
  return { lsts, lfos, signature };
}

function readLvl(b: Buffer, at: number): [Lvl, number] {
  const start = b.readInt32LE(at);
  const nfc = b[at + 4]!;
  const flags = b[at + 5]!;
  const cbChpx = b[at + 24]!;
  const cbPapx = b[at + 25]!;
  const restartLim = b[at + 26]!;
  let pos = at + 28 + cbPapx + cbChpx;
  const cch = b.readUInt16LE(pos);
  const text = b.subarray(pos + 2, pos + 2 + cch * 2).toString('utf16le');
  pos += 2 + cch * 2;
  return [{ start, fmt: NFC[nfc] ?? 'decimal', text, legal: (flags & 0x04) !== 0, ...(flags & 0x08 ? { restart: restartLim } : {}) }, pos];
}

const clamp = (l: number) => (l >= 0 && l <= 8 ? l : 0);
