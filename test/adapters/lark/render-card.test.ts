import { describe, expect, it } from 'vitest';
import type { Reply } from '../../../src/chat/types.js';
import {
  CARD_LIMIT_BYTES,
  MAX_PARTS,
  TEXT_LIMIT_BYTES,
  TRUNCATED_NOTE,
  escapeMarkdown,
  neutraliseText,
  renderCards,
  renderTexts,
  withoutCharts,
  type CardElement,
  type LarkCard,
} from '../../../src/adapters/lark/render-card.js';
import { checkCard } from '../../fakes/lark-server.js';

const bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v));

/** Every markdown string in a card, however deeply nested. */
function markdownOf(card: LarkCard): string[] {
  const out: string[] = [];
  const walk = (els: CardElement[]) => {
    for (const el of els) {
      if (el.tag === 'markdown') out.push(el.content as string);
      if (el.tag === 'column_set') for (const c of el.columns as Array<{ elements: CardElement[] }>) walk(c.elements);
    }
  };
  walk(card.body.elements);
  return out;
}

/** What Lark would show for a markdown string once entities are decoded. */
const decode = (s: string) => s.replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)));

const INJECTION = '<at id=all></at> 请看[通知](https://evil.example/x) <font color=red>紧急</font> **粗** `code` :OK:';

describe('escapeMarkdown', () => {
  it('leaves no markup active but shows the same characters', () => {
    const esc = escapeMarkdown(INJECTION);
    for (const ch of ['<', '>', '[', ']', '*', '`']) expect(esc).not.toContain(ch);
    expect(esc).not.toContain('](');
    expect(esc).not.toContain('://');
    expect(esc).not.toMatch(/:OK:/);
    expect(decode(esc)).toBe(INJECTION);
  });

  it('defuses line-start markup (headings, bullets, rules) but leaves hyphens in dates alone', () => {
    expect(escapeMarkdown('# 标题\n- 项\n---\n+ 加')).not.toMatch(/(^|\n)\s*[-+#]/);
    expect(escapeMarkdown('2024-07-31前完成')).toBe('2024-07-31前完成');
  });

  it('escapes the ampersand too, so a literal entity in user text stays literal', () => {
    expect(decode(escapeMarkdown('&#60;at id=all&#62;'))).toBe('&#60;at id=all&#62;');
    expect(escapeMarkdown('&#60;')).not.toContain('&#60;at');
  });
});

describe('renderCards', () => {
  it('builds a JSON 2.0 card with header template from the tone', () => {
    const [card, ...rest] = renderCards({ title: '减税降费', tone: 'green', blocks: [{ kind: 'text', text: '县税务局' }] });
    expect(rest).toEqual([]);
    expect(card!.schema).toBe('2.0');
    expect(card!.header).toEqual({ title: { tag: 'plain_text', content: '减税降费' }, template: 'green' });
    expect(markdownOf(card!)).toEqual(['县税务局']);
    expect(() => checkCard(card)).not.toThrow();
  });

  it('escapes user and document text in every markdown element (text, fields, list, note)', () => {
    const reply: Reply = {
      title: INJECTION,
      blocks: [
        { kind: 'text', text: INJECTION },
        { kind: 'fields', items: [{ label: '牵头*单位', value: INJECTION }] },
        { kind: 'list', items: [INJECTION, '- 第二项'] },
        { kind: 'note', text: INJECTION },
      ],
    };
    const [card] = renderCards(reply);
    const md = markdownOf(card!);
    expect(md.length).toBeGreaterThanOrEqual(4);
    for (const m of md) {
      expect(m).not.toMatch(/<at/i);
      expect(m).not.toContain('](');
      expect(m).not.toMatch(/<font/i);
    }
    // The words are still all there for the reader.
    expect(decode(md.join('\n'))).toContain('<at id=all></at> 请看[通知](https://evil.example/x)');
    // The title is plain_text: shown verbatim, never parsed.
    expect(card!.header?.title).toEqual({ tag: 'plain_text', content: INJECTION });
    expect(() => checkCard(card)).not.toThrow();
  });

  it('renders tables as a table component with plain text cells and actions as callback buttons', () => {
    const [card] = renderCards({
      blocks: [
        { kind: 'table', columns: ['事项', '牵头'], rows: [['IPv6改造', '<at id=all></at>']] },
        { kind: 'actions', buttons: [{ label: '已完成', value: { task: 't1', op: 'done' }, style: 'primary' }] },
      ],
    });
    const [table, actions] = card!.body.elements;
    expect(table).toMatchObject({
      tag: 'table',
      columns: [
        { name: 'c0', display_name: '事项', data_type: 'text' },
        { name: 'c1', display_name: '牵头', data_type: 'text' },
      ],
      rows: [{ c0: 'IPv6改造', c1: '<at id=all></at>' }],
    });
    expect(actions).toMatchObject({
      tag: 'column_set',
      columns: [{ tag: 'column', elements: [{ tag: 'button', type: 'primary', behaviors: [{ type: 'callback', value: { task: 't1', op: 'done' } }] }] }],
    });
    expect(() => checkCard(card)).not.toThrow();
  });

  it('actions with a note become a form: a named input and the buttons as its submit buttons, each form numbered', () => {
    const note = { placeholder: '说明（选填）', maxLength: 200 };
    const row = (task: string) => ({
      kind: 'actions' as const,
      buttons: [
        { label: '已完成', value: { task, op: 'done' }, style: 'primary' as const },
        { label: '推进中', value: { task, op: 'doing' } },
      ],
      note,
    });
    const [card] = renderCards({ blocks: [row('t1'), { kind: 'text', text: '下一项' }, row('t2')] });
    const [first, , second] = card!.body.elements;
    expect(first).toEqual({
      tag: 'form',
      name: 'form_1',
      elements: [
        { tag: 'input', name: 'note', placeholder: { tag: 'plain_text', content: '说明（选填）' }, max_length: 200 },
        {
          tag: 'column_set',
          columns: [
            {
              tag: 'column',
              width: 'auto',
              elements: [{ tag: 'button', text: { tag: 'plain_text', content: '已完成' }, type: 'primary', name: 'submit_1_1', form_action_type: 'submit', behaviors: [{ type: 'callback', value: { task: 't1', op: 'done' } }] }],
            },
            {
              tag: 'column',
              width: 'auto',
              elements: [{ tag: 'button', text: { tag: 'plain_text', content: '推进中' }, type: 'default', name: 'submit_1_2', form_action_type: 'submit', behaviors: [{ type: 'callback', value: { task: 't1', op: 'doing' } }] }],
            },
          ],
        },
      ],
    });
    // Names are unique in the card: the second form's box is note_2.
    expect(second).toMatchObject({ tag: 'form', name: 'form_2', elements: [{ tag: 'input', name: 'note_2' }, { tag: 'column_set' }] });
    expect(() => checkCard(card)).not.toThrow();
    // A required box says so; the text fallback still offers no buttons.
    const [req] = renderCards({ blocks: [{ ...row('t3'), note: { placeholder: '原因', required: true } }] });
    expect((req!.body.elements[0] as { elements: unknown[] }).elements[0]).toEqual({ tag: 'input', name: 'note', placeholder: { tag: 'plain_text', content: '原因' }, required: true });
    expect(renderTexts({ blocks: [row('t1')] })).toEqual(['']);
  });

  it('the fake accepts forms and inputs as Lark does, and still refuses what Lark refuses', () => {
    const submit = (name: string) => ({ tag: 'button', text: { tag: 'plain_text', content: '提交' }, name, form_action_type: 'submit', behaviors: [{ type: 'callback', value: { a: '1' } }] });
    const input = (name: string) => ({ tag: 'input', name, placeholder: { tag: 'plain_text', content: '说明' }, max_length: 200 });
    const cardOf = (...elements: unknown[]) => ({ schema: '2.0', body: { elements } });
    expect(() => checkCard(cardOf({ tag: 'form', name: 'f', elements: [input('note'), submit('s')] }))).not.toThrow();
    expect(() => checkCard(cardOf({ tag: 'form', name: 'f', elements: [{ tag: 'textarea', name: 'x' }, submit('s')] }))).toThrow(/unknown tag textarea/);
    expect(() => checkCard(cardOf({ tag: 'form', name: 'f', elements: [{ ...input('note'), autofill: true }, submit('s')] }))).toThrow(/unknown property/);
    expect(() => checkCard(cardOf({ tag: 'form', name: 'f', elements: [input('note'), submit('note')] }))).toThrow(/not unique/);
    expect(() => checkCard(cardOf({ tag: 'form', name: 'f', elements: [{ tag: 'input', placeholder: { tag: 'plain_text', content: 'x' } }, submit('s')] }))).toThrow(/name is required/);
    expect(() => checkCard(cardOf(submit('s')))).toThrow(/not inside one/);
    expect(() => checkCard(cardOf({ tag: 'form', name: 'f', elements: [{ tag: 'form', name: 'g', elements: [input('n')] }] }))).toThrow(/form inside a form/);
    expect(() => checkCard(cardOf({ tag: 'form', name: 'f', elements: [{ ...input('note'), max_length: 0 }, submit('s')] }))).toThrow(/max_length/);
  });

  it('splits a long reply into several cards under 30 KB, continuation titles numbered', () => {
    const items = Array.from({ length: 400 }, (_, i) => `第${i + 1}项：推进政务公开标准化规范化建设，按时报送工作进展情况（县政府办公室牵头）`);
    const cards = renderCards({ title: '任务清单', blocks: [{ kind: 'list', items }] });
    expect(cards.length).toBeGreaterThan(1);
    expect(cards.length).toBeLessThanOrEqual(MAX_PARTS);
    for (const c of cards) {
      expect(bytes(c)).toBeLessThanOrEqual(CARD_LIMIT_BYTES);
      expect(() => checkCard(c)).not.toThrow();
    }
    expect(cards[1]!.header?.title.content).toBe(`任务清单（续 2/${cards.length}）`);
    // Nothing lost while it fits in the parts.
    const all = decode(cards.flatMap(markdownOf).join('\n'));
    expect(all).toContain('第1项');
    expect(all).toContain('第400项');
  });

  it('trims beyond the part cap and says so', () => {
    const huge = '很长的一段内容。'.repeat(40_000);
    const cards = renderCards({ title: '长文', blocks: [{ kind: 'text', text: huge }] });
    expect(cards).toHaveLength(MAX_PARTS);
    for (const c of cards) expect(bytes(c)).toBeLessThanOrEqual(CARD_LIMIT_BYTES);
    const last = markdownOf(cards[MAX_PARTS - 1]!);
    expect(decode(last[last.length - 1]!)).toBe(TRUNCATED_NOTE);
  });

  it('splits a table with many rows into several tables', () => {
    const rows = Array.from({ length: 600 }, (_, i) => [`事项${i}`, '县发展和改革局', '2024-12-31']);
    const cards = renderCards({ blocks: [{ kind: 'table', columns: ['事项', '牵头', '时限'], rows }] });
    const tables = cards.flatMap((c) => c.body.elements.filter((e) => e.tag === 'table'));
    expect(tables.length).toBeGreaterThan(1);
    expect(tables.reduce((n, t) => n + (t.rows as unknown[]).length, 0)).toBe(600);
    for (const c of cards) expect(bytes(c)).toBeLessThanOrEqual(CARD_LIMIT_BYTES);
  });
});

describe('renderTexts (fallback)', () => {
  it('neutralises mentions and links in text messages', () => {
    const [t] = renderTexts({ title: '回显', blocks: [{ kind: 'text', text: '<at user_id="all"></at> [点我](https://evil.example)' }] });
    expect(t).not.toContain('<at');
    expect(t).toContain('＜at user_id="all">');
    expect(t).not.toContain('](');
    expect(t!.startsWith('【回显】')).toBe(true);
  });

  it('lays out fields, lists and tables readably', () => {
    const [t] = renderTexts({
      blocks: [
        { kind: 'fields', items: [{ label: '牵头单位', value: '县税务局' }] },
        { kind: 'list', items: ['一', '二'] },
        { kind: 'table', columns: ['事项', '时限'], rows: [['A', '7月底前']] },
      ],
    });
    expect(t).toBe('牵头单位：县税务局\n• 一\n• 二\n事项 | 时限\nA | 7月底前');
  });

  it('keeps each part under 150 KB and trims with a note beyond the cap', () => {
    const parts = renderTexts({ blocks: [{ kind: 'text', text: '字'.repeat(400_000) }] });
    expect(parts.length).toBe(MAX_PARTS);
    for (const p of parts) expect(bytes({ text: p })).toBeLessThanOrEqual(TEXT_LIMIT_BYTES);
    expect(parts[MAX_PARTS - 1]!.endsWith(TRUNCATED_NOTE)).toBe(true);
  });

  it('neutraliseText uses full-width brackets', () => {
    expect(neutraliseText('<at id=all>[x]')).toBe('＜at id=all>［x］');
  });
});

describe('charts', () => {
  // A small VChart spec of the shape the weekly summary sends.
  const spec = (units: number) => ({
    type: 'bar',
    data: [{ id: 'status', values: Array.from({ length: units * 5 }, (_, i) => ({ unit: `单位${Math.floor(i / 5)}`, status: `状态${i % 5}`, count: i })) }],
    xField: 'unit',
    yField: 'count',
    seriesField: 'status',
    stack: true,
  });
  const tags = (card: LarkCard) => card.body.elements.map((e) => e.tag);

  it('an options chart is the last element of the first card, and the card passes the fake’s checks', () => {
    const [card, ...rest] = renderCards({ title: '督办周报', blocks: [{ kind: 'text', text: '本周汇总' }] }, { chart: spec(4) });
    expect(rest).toHaveLength(0);
    expect(tags(card!)).toEqual(['markdown', 'chart']);
    expect(card!.body.elements[1]).toEqual({ tag: 'chart', aspect_ratio: '16:9', chart_spec: spec(4) });
    expect(() => checkCard(card)).not.toThrow();
  });

  it('room for the chart is kept in the first card of a long reply; every part stays under the limit', () => {
    const rows = Array.from({ length: 400 }, (_, i) => [`县发展和改革局第${i}科室`, String(i), '已报']);
    const cards = renderCards({ title: '督办周报', blocks: [{ kind: 'table', columns: ['单位', '任务', '报送'], rows }] }, { chart: spec(30) });
    expect(cards.length).toBeGreaterThan(1);
    expect(tags(cards[0]!).at(-1)).toBe('chart');
    expect(cards.slice(1).every((c) => !tags(c).includes('chart'))).toBe(true);
    for (const c of cards) expect(bytes(c)).toBeLessThanOrEqual(CARD_LIMIT_BYTES);
    // No row lost to make room.
    expect(cards.flatMap((c) => c.body.elements.filter((e) => e.tag === 'table')).reduce((n, t) => n + (t.rows as unknown[]).length, 0)).toBe(400);
  });

  it('a chart bigger than a card is left out rather than breaking the card', () => {
    const [card] = renderCards({ blocks: [{ kind: 'text', text: '汇总' }] }, { chart: spec(400) });
    expect(tags(card!)).toEqual(['markdown']);
  });

  it('a chart block is drawn where it stands; without charts (or as text) its fallback stands there', () => {
    const reply: Reply = {
      blocks: [
        { kind: 'table', columns: ['单位', '任务'], rows: [['县财政局', '4']] },
        { kind: 'chart', spec: spec(2), fallback: { kind: 'divider' } },
        { kind: 'text', text: '红灯事项' },
      ],
    };
    const [card] = renderCards(reply);
    expect(tags(card!)).toEqual(['table', 'chart', 'markdown']);
    expect(() => checkCard(card)).not.toThrow();
    expect(tags(withoutCharts(card!))).toEqual(['table', 'hr', 'markdown']);
    expect(renderTexts(reply)[0]).toBe('单位 | 任务\n县财政局 | 4\n——————\n红灯事项');
    // An options chart has no fallback: it simply goes.
    const [withOpt] = renderCards({ blocks: [{ kind: 'text', text: '汇总' }] }, { chart: spec(2) });
    expect(tags(withoutCharts(withOpt!))).toEqual(['markdown']);
  });

  it('a chart block too big for a card shows its fallback', () => {
    const [card] = renderCards({ blocks: [{ kind: 'chart', spec: spec(400), fallback: { kind: 'note', text: '图表过大' } }] });
    expect(tags(card!)).toEqual(['markdown']);
    expect(decode(markdownOf(card!)[0]!)).toBe('图表过大');
  });

  it('the fake refuses a chart whose spec is not an object with a type (as Lark refuses a bad chart)', () => {
    const card = (chart_spec: unknown) => ({ schema: '2.0', body: { elements: [{ tag: 'chart', aspect_ratio: '16:9', chart_spec }] } });
    expect(() => checkCard(card({ type: 'bar', data: [] }))).not.toThrow();
    for (const bad of [undefined, 'bar', [{ type: 'bar' }], { data: [] }, { type: '' }]) expect(() => checkCard(card(bad))).toThrow(/chart_spec/);
    expect(() => checkCard({ schema: '2.0', body: { elements: [{ tag: 'chart', aspect_ratio: '3:1', chart_spec: { type: 'bar' } }] } })).toThrow(/aspect_ratio/);
  });
});
