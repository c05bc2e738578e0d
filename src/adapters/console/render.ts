import type { Block, Reply } from '../../chat/types.js';
import { displayWidth, padEnd } from './width.js';

/**
 * Reply -> terminal text. Pure. Strings in a reply come from documents and
 * users, so control characters (ANSI escapes could recolour or clear the
 * operator's terminal) are removed; everything else is printed as written.
 */

// C0 controls except \n, DEL, and C1 controls.
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/gu;

function clean(s: string): string {
  return s.replace(/\r\n?/gu, '\n').replace(/\t/gu, ' ').replace(CONTROL, '');
}

/** One line only: table cells and list items must not break the layout. */
function oneLine(s: string): string {
  return clean(s).replace(/\n+/gu, ' ');
}

const DIVIDER = '─'.repeat(24);

function renderTable(columns: string[], rows: string[][]): string[] {
  const cells = [columns, ...rows].map((r) => columns.map((_, i) => oneLine(r[i] ?? '')));
  const widths = columns.map((_, i) => Math.max(...cells.map((r) => displayWidth(r[i]!))));
  const line = (r: string[]) => r.map((c, i) => padEnd(c, widths[i]!)).join('  ').trimEnd();
  const [head, ...body] = cells;
  return [line(head!), widths.map((w) => '─'.repeat(w)).join('  '), ...body.map(line)];
}

function renderBlock(block: Block, numbering: { next: number }): string[] {
  switch (block.kind) {
    case 'text':
      return clean(block.text).split('\n');
    case 'fields':
      return block.items.map((f) => `${oneLine(f.label)}：${oneLine(f.value)}`);
    case 'list':
      return block.items.map((item) => `• ${oneLine(item)}`);
    case 'table':
      return renderTable(block.columns, block.rows);
    case 'note':
      return clean(block.text)
        .split('\n')
        .map((l) => `※ ${l}`);
    case 'divider':
      return [DIVIDER];
    case 'actions':
      // Numbered: typing "按 2" (or "[2]", with a note after it) presses the second button.
      return [`可选操作：${block.buttons.map((b) => `[${numbering.next++} ${oneLine(b.label)}]`).join(' ')}`];
    case 'chart':
      // A terminal draws no charts; the block says what stands in for it.
      return renderBlock(block.fallback, numbering);
  }
}

export function renderText(reply: Reply): string {
  const lines: string[] = [];
  if (reply.title) lines.push(`【${oneLine(reply.title)}】`);
  const numbering = { next: 1 };
  for (const block of reply.blocks) lines.push(...renderBlock(block, numbering));
  return lines.map((l) => l.trimEnd()).join('\n');
}

/** The reply's buttons in the order renderText numbers them (1 = first). */
export function buttonsOf(reply: Reply): Array<{ label: string; value: Record<string, string> }> {
  const out: Array<{ label: string; value: Record<string, string> }> = [];
  const walk = (b: Block) => {
    if (b.kind === 'actions') out.push(...b.buttons.map((x) => ({ label: x.label, value: x.value })));
    if (b.kind === 'chart') walk(b.fallback);
  };
  reply.blocks.forEach(walk);
  return out;
}

/** "按 2", "按2", "[2]" with an optional note after it: the button number and the note; undefined otherwise. */
export function parsePress(line: string): { n: number; note: string } | undefined {
  const m = /^(?:按\s*(\d{1,3})|\[(\d{1,3})\])(?:\s+([\s\S]*))?$/u.exec(line.trim());
  if (!m) return undefined;
  return { n: Number(m[1] ?? m[2]), note: (m[3] ?? '').trim() };
}
