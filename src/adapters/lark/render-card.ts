import type { Block, Reply, Tone } from '../../chat/types.js';

/**
 * Reply -> Lark card JSON 2.0 and a plain-text fallback. Every string in a
 * Reply is untrusted plain text (user input, document text), so:
 * - in card markdown it is HTML-entity escaped: `<at id=all>`, `[x](url)`,
 *   `<font>`, emphasis and emoji shortcodes cannot take effect;
 * - in plain_text (titles, button labels) and table `text` cells it is inert
 *   by the platform's rules and passed as is;
 * - in text messages `<` becomes full-width `＜` (`<at user_id="all">` is live
 *   there) and square brackets become full-width (text links `[x](url)`).
 * Size: card JSON <= 30 KB, text <= 150 KB. Long replies are split into
 * several messages, at most MAX_PARTS; beyond that the last one ends with
 * TRUNCATED_NOTE.
 * Charts (a `chart` block, or `chart` in the options for the first card) are
 * VChart specs in a `chart` element; `withoutCharts` gives the same card with
 * each chart replaced by its fallback, for when the platform refuses one.
 * An `actions` block with a `note` becomes a form: a text input and the
 * buttons as its submit buttons, so the click's callback carries the text in
 * `action.form_value`.
 */

export type CardElement = Record<string, unknown>;
export interface LarkCard {
  schema: '2.0';
  config: { update_multi: true };
  header?: { title: { tag: 'plain_text'; content: string }; template: Tone };
  body: { elements: CardElement[] };
}

export const CARD_LIMIT_BYTES = 30 * 1024;
export const TEXT_LIMIT_BYTES = 150 * 1024;
/** Headroom under the platform limits for the request's own wrapping. */
export const CARD_BUDGET_BYTES = 28 * 1024;
export const TEXT_BUDGET_BYTES = 140 * 1024;
/** A group's send limit is 5 messages/s shared by all bots: never burst more. */
export const MAX_PARTS = 5;
export const TRUNCATED_NOTE = '（内容较长，已截断…）';

export interface RenderOptions {
  budgetBytes?: number;
  maxParts?: number;
  /**
   * A chart appended to the first card (the weekly summary's status chart);
   * room for it is kept in that card. Left out when it alone exceeds a card.
   */
  chart?: ChartSpec;
}

/** A VChart spec (JSON only), as Lark's card `chart` element takes it. */
export type ChartSpec = Record<string, unknown>;

export function chartElement(spec: ChartSpec): CardElement {
  return { tag: 'chart', aspect_ratio: '16:9', chart_spec: spec };
}

/** What each chart element rendered here stands for when charts are refused (none: nothing). */
const chartFallbacks = new WeakMap<CardElement, CardElement[]>();

export function hasChart(card: LarkCard): boolean {
  return card.body.elements.some((el) => el.tag === 'chart');
}

/** The card with every chart replaced by its block's fallback (or dropped, for an options chart). */
export function withoutCharts(card: LarkCard): LarkCard {
  const elements = card.body.elements.flatMap((el) => (el.tag === 'chart' ? (chartFallbacks.get(el) ?? []) : [el]));
  return { ...card, body: { ...card.body, elements } };
}

const MD_ENTITIES: Record<string, string> = {
  '&': '&#38;',
  '<': '&#60;',
  '>': '&#62;',
  '[': '&#91;',
  ']': '&#93;',
  '*': '&#42;',
  _: '&#95;',
  '~': '&#126;',
  '`': '&#96;',
  '|': '&#124;',
  '\\': '&#92;',
  ':': '&#58;',
  '$': '&#36;',
  '#': '&#35;',
  '+': '&#43;',
  '-': '&#45;',
};
/**
 * Active anywhere: tags (<at>, <font>), links ([x](url); without [ ] a "(url)"
 * is plain text), emphasis, code, tables, escapes, emoji shortcodes and
 * autolinked "scheme://" (the colon), formulas.
 */
const MD_ANYWHERE = /[&<>[\]*_~`|\\:$]/g;
/** Active only at the start of a line: headings, list bullets, rules. */
const MD_LINE_START = /(^|\n)([ \t]*)([-+#])/g;

/**
 * Escape untrusted text for a card `markdown` element with HTML entities (the
 * platform's documented way). Dates like 2024-07-31 keep their hyphens.
 */
export function escapeMarkdown(s: string): string {
  return s
    .replace(MD_ANYWHERE, (c) => MD_ENTITIES[c] ?? c)
    .replace(MD_LINE_START, (_m, nl: string, sp: string, c: string) => `${nl}${sp}${MD_ENTITIES[c] ?? c}`);
}

/** Make untrusted text inert inside a Lark `text` message. */
export function neutraliseText(s: string): string {
  return s.replace(/</g, '＜').replace(/\[/g, '［').replace(/\]/g, '］');
}

const enc = new TextEncoder();
const bytes = (s: string) => enc.encode(s).length;
/** Size a value adds to the JSON document. */
const jsonBytes = (v: unknown) => bytes(JSON.stringify(v));

/** JSON-encoded UTF-8 size of a string, without allocating (hot path for long texts). */
function strBytes(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i += 1) {
    const c = s.charCodeAt(i);
    if (c === 0x22 || c === 0x5c || c === 0x08 || c === 0x0c || c === 0x0a || c === 0x0d || c === 0x09) n += 2;
    else if (c < 0x20) n += 6;
    else if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i += 1;
    } else n += 3;
  }
  return n;
}

/**
 * Cut raw text so each piece, once passed through `transform` and placed after
 * `prefix`, stays within maxBytes of JSON. Cuts on raw code points, so an
 * escape entity is never split.
 */
function cutToFit(prefix: string, raw: string, transform: (s: string) => string, maxBytes: number): string[] {
  const whole = prefix + transform(raw);
  if (strBytes(whole) <= maxBytes) return [whole];
  const out: string[] = [];
  let cur = prefix;
  let curBytes = strBytes(prefix);
  for (const ch of raw) {
    const piece = transform(ch);
    const b = strBytes(piece);
    if (curBytes + b > maxBytes && cur.length > 0) {
      out.push(cur);
      cur = '';
      curBytes = 0;
    }
    cur += piece;
    curBytes += b;
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

/** Join lines into as few strings as possible, each within maxBytes of JSON. */
function packLines(lines: string[], maxBytes: number): string[] {
  const out: string[] = [];
  let cur: string | null = null;
  let curBytes = 0;
  for (const line of lines) {
    const b = strBytes(line);
    if (cur !== null && curBytes + 2 + b <= maxBytes) {
      cur += '\n' + line;
      curBytes += 2 + b;
    } else {
      if (cur !== null) out.push(cur);
      cur = line;
      curBytes = b;
    }
  }
  if (cur !== null) out.push(cur);
  return out;
}

interface MdLine {
  prefix: string;
  raw: string;
}

function markdownElements(lines: MdLine[], maxElBytes: number, extra: Record<string, unknown> = {}): CardElement[] {
  const overhead = jsonBytes({ tag: 'markdown', content: '', ...extra });
  const maxContent = Math.max(64, maxElBytes - overhead);
  const escaped = lines.flatMap((l) => cutToFit(l.prefix, l.raw, escapeMarkdown, maxContent));
  return packLines(escaped, maxContent).map((content) => ({ tag: 'markdown', content, ...extra }));
}

function tableElements(columns: string[], rows: string[][], maxElBytes: number): CardElement[] {
  const cols = columns.map((c, i) => ({ name: `c${i}`, display_name: c, data_type: 'text', width: 'auto' }));
  const make = (rs: Array<Record<string, string>>): CardElement => ({
    tag: 'table',
    page_size: Math.max(1, Math.min(10, rs.length)),
    row_height: 'low',
    columns: cols,
    rows: rs,
  });
  const base = jsonBytes(make([]));
  const maxCell = Math.max(64, Math.floor((maxElBytes - base) / Math.max(1, columns.length)) - 16);
  const out: CardElement[] = [];
  let cur: Array<Record<string, string>> = [];
  let curBytes = base;
  for (const row of rows) {
    const rec: Record<string, string> = {};
    columns.forEach((_, i) => {
      // A single oversized cell is cut, not allowed to break the card.
      rec[`c${i}`] = cutToFit('', row[i] ?? '', (s) => s, maxCell)[0] ?? '';
    });
    const b = jsonBytes(rec) + 1;
    if (cur.length > 0 && curBytes + b > maxElBytes) {
      out.push(make(cur));
      cur = [];
      curBytes = base;
    }
    cur.push(rec);
    curBytes += b;
  }
  if (cur.length > 0 || rows.length === 0) out.push(make(cur));
  return out;
}

type ButtonSpec = Extract<Block, { kind: 'actions' }>['buttons'][number];

/** A callback button; `submit` names it as one of its form's submit buttons. */
function button(b: ButtonSpec, submit?: string): CardElement {
  return {
    tag: 'button',
    text: { tag: 'plain_text', content: b.label },
    type: b.style ?? 'default',
    ...(submit ? { name: submit, form_action_type: 'submit' } : {}),
    behaviors: [{ type: 'callback', value: b.value }],
  };
}

/**
 * Names of form parts must be unique within a card, so each form of a reply is
 * numbered. The text box of the first is "note", later ones "note_2", …: the
 * callback's `form_value` holds only the submitting form's fields, so the
 * receiver takes `note` or `note_<n>` (see noteFromForm in card-actions.ts).
 */
export function noteFieldName(form: number): string {
  return form === 1 ? 'note' : `note_${form}`;
}

interface RenderState {
  forms: number;
}

function actionsElements(block: Extract<Block, { kind: 'actions' }>, state: RenderState): CardElement[] {
  if (block.buttons.length === 0) return [];
  if (!block.note) {
    return [{ tag: 'column_set', columns: block.buttons.map((b) => ({ tag: 'column', width: 'auto', elements: [button(b)] })) }];
  }
  state.forms += 1;
  const n = state.forms;
  const input: CardElement = {
    tag: 'input',
    name: noteFieldName(n),
    placeholder: { tag: 'plain_text', content: block.note.placeholder },
    ...(block.note.maxLength ? { max_length: block.note.maxLength } : {}),
    ...(block.note.required ? { required: true } : {}),
  };
  return [
    {
      tag: 'form',
      name: `form_${n}`,
      elements: [
        input,
        {
          tag: 'column_set',
          columns: block.buttons.map((b, i) => ({ tag: 'column', width: 'auto', elements: [button(b, `submit_${n}_${i + 1}`)] })),
        },
      ],
    },
  ];
}

/** One block -> card elements, each small enough to sit in a card on its own. */
function blockElements(block: Block, maxElBytes: number, state: RenderState): CardElement[] {
  switch (block.kind) {
    case 'text':
      return markdownElements(block.text.split('\n').map((raw) => ({ prefix: '', raw })), maxElBytes);
    case 'note':
      return markdownElements(
        block.text.split('\n').map((raw) => ({ prefix: '', raw })),
        maxElBytes,
        { text_size: 'notation' },
      );
    case 'fields':
      return markdownElements(
        block.items.map((f) => ({ prefix: `**${escapeMarkdown(f.label)}**：`, raw: f.value.replace(/\n/g, ' ') })),
        maxElBytes,
      );
    case 'list':
      return markdownElements(
        block.items.map((item) => ({ prefix: '- ', raw: item.replace(/\n/g, ' ') })),
        maxElBytes,
      );
    case 'table':
      return tableElements(block.columns, block.rows, maxElBytes);
    case 'divider':
      return [{ tag: 'hr' }];
    case 'actions':
      return actionsElements(block, state);
    case 'chart': {
      const fallback = blockElements(block.fallback, maxElBytes, state);
      const el = chartElement(block.spec);
      // A chart cannot be split across cards: too big for one, its fallback shows instead.
      if (jsonBytes(el) > maxElBytes) return fallback;
      chartFallbacks.set(el, fallback);
      return [el];
    }
  }
}

function card(reply: Reply, elements: CardElement[], part: number, total: number): LarkCard {
  const c: LarkCard = { schema: '2.0', config: { update_multi: true }, body: { elements } };
  if (reply.title) {
    const title = total > 1 && part > 0 ? `${reply.title}（续 ${part + 1}/${total}）` : reply.title;
    c.header = { title: { tag: 'plain_text', content: title }, template: reply.tone ?? 'blue' };
  }
  return c;
}

/**
 * Greedy packing of sized items into parts within a byte budget per part. An
 * item larger than a part's budget goes alone into a part, except into a part
 * whose budget was cut for something added later (the first card's chart):
 * that part may stay empty instead.
 */
function pack<T>(items: T[], sizeOf: (t: T) => number, budgetOf: (part: number) => number, full: number): T[][] {
  const parts: T[][] = [];
  let cur: T[] = [];
  let used = 0;
  for (const it of items) {
    const b = sizeOf(it);
    const budget = budgetOf(parts.length);
    if (used + b > budget && (cur.length > 0 || budget < full)) {
      parts.push(cur);
      cur = [];
      used = 0;
    }
    cur.push(it);
    used += b;
  }
  if (cur.length > 0 || parts.length === 0) parts.push(cur);
  return parts;
}

/** Reply -> one or more cards, each within the byte budget. */
export function renderCards(reply: Reply, opts: RenderOptions = {}): LarkCard[] {
  const budget = opts.budgetBytes ?? CARD_BUDGET_BYTES;
  const maxParts = opts.maxParts ?? MAX_PARTS;
  // The continuation title is the longest header any part can get.
  const shell = jsonBytes(card({ ...reply, title: reply.title ? `${reply.title}（续 99/99）` : undefined }, [], 1, 2));
  const room = budget - shell;
  const state: RenderState = { forms: 0 };
  const elements = reply.blocks.flatMap((b) => blockElements(b, room, state));
  const sized = elements.map((el) => ({ el, b: jsonBytes(el) + 1 }));
  const chart = opts.chart ? { el: chartElement(opts.chart), b: jsonBytes(chartElement(opts.chart)) + 1 } : undefined;
  const extra = chart && chart.b <= room ? chart : undefined;
  const budgetOf = (part: number) => (part === 0 && extra ? room - extra.b : room);
  let parts = pack(sized, (s) => s.b, budgetOf, room);

  if (parts.length > maxParts) {
    parts = parts.slice(0, maxParts);
    const note: CardElement = { tag: 'markdown', content: escapeMarkdown(TRUNCATED_NOTE), text_size: 'notation' };
    const noteBytes = jsonBytes(note) + 1;
    const last = parts[parts.length - 1]!;
    const lastRoom = budgetOf(parts.length - 1);
    let used = last.reduce((n, s) => n + s.b, 0);
    while (last.length > 0 && used + noteBytes > lastRoom) used -= last.pop()!.b;
    last.push({ el: note, b: noteBytes });
  }
  if (extra) parts[0]!.push(extra);
  return parts.map((p, i) => card(reply, p.map((s) => s.el), i, parts.length));
}

function blockText(block: Block): string[] {
  const n = neutraliseText;
  switch (block.kind) {
    case 'text':
    case 'note':
      return block.text.split('\n').map(n);
    case 'fields':
      return block.items.map((f) => `${n(f.label)}：${n(f.value.replace(/\n/g, ' '))}`);
    case 'list':
      return block.items.map((item) => `• ${n(item.replace(/\n/g, ' '))}`);
    case 'table':
      return [block.columns.map(n).join(' | '), ...block.rows.map((r) => r.map((c) => n(c.replace(/\n/g, ' '))).join(' | '))];
    case 'divider':
      return ['——————'];
    case 'actions':
      // Buttons need a card; the text fallback names nothing it cannot offer.
      return [];
    case 'chart':
      return blockText(block.fallback);
  }
}

/** Reply -> one or more plain texts (the `text` of msg_type "text"), each within budget. */
export function renderTexts(reply: Reply, opts: RenderOptions = {}): string[] {
  const budget = (opts.budgetBytes ?? TEXT_BUDGET_BYTES) - jsonBytes({ text: '' });
  const maxParts = opts.maxParts ?? MAX_PARTS;
  const lines: string[] = [];
  if (reply.title) lines.push(`【${neutraliseText(reply.title)}】`);
  for (const b of reply.blocks) lines.push(...blockText(b));
  const fitted = lines.flatMap((l) => cutToFit('', l, (s) => s, budget));
  let parts = packLines(fitted, budget);
  if (parts.length === 0) parts = [''];
  if (parts.length > maxParts) {
    parts = parts.slice(0, maxParts);
    const lastIdx = parts.length - 1;
    const room = budget - (jsonBytes(TRUNCATED_NOTE) - 2) - 2;
    const kept = cutToFit('', parts[lastIdx]!, (s) => s, room)[0] ?? '';
    parts[lastIdx] = `${kept}\n${TRUNCATED_NOTE}`;
  }
  return parts;
}
