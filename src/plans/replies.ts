import type { Block, Reply } from '../chat/types.js';
import type { Deadline, PlanDocument, Task } from '../plan/schema.js';
import { isEmptyDiff, planFigures, type PlanDiff } from './diff.js';
import type { LibraryEntryInfo } from './library.js';
import type { ImportResult, RemoveResult, ReplanOutcome } from './registry.js';

/** What /导入 says. Pure: plain strings, the adapters escape. */

export const CLI_IMPORT_HINT = 'npm run -s cli -- import <文件…>';
const MAX_CHANGE_LINES = 8;

const shortPath = (t: Task) => t.path.join('');
const shortTitle = (t: Task) => {
  const chars = [...t.title];
  return chars.length > 24 ? chars.slice(0, 24).join('') + '…' : t.title;
};
const when = (ds: readonly Deadline[]) =>
  ds.length ? ds.map((d) => (d.text && d.text !== d.date ? `${d.text}（${d.date}）` : d.date)).join('、') : '无时限';

export function changeLines(diff: PlanDiff): string[] {
  const lines = [
    ...diff.added.map((t) => `新增：${shortPath(t)} ${shortTitle(t)}`),
    ...diff.removed.map((t) => `删除：${shortPath(t)} ${shortTitle(t)}`),
    ...diff.moved.map((m) => `时限调整：${shortPath(m.task)} ${shortTitle(m.task)}：${when(m.from)} → ${when(m.to)}`),
  ];
  return lines.length > MAX_CHANGE_LINES ? [...lines.slice(0, MAX_CHANGE_LINES), `……另有 ${lines.length - MAX_CHANGE_LINES} 处变化`] : lines;
}

export function replanNote(r: ReplanOutcome, what: string): string {
  switch (r.kind) {
    case 'done': {
      const s = r.summary;
      if (s && s.tenants === 0) return `还没有群绑定单位；绑定后即按${what}发送截止提醒。`;
      const counts = s ? `（新增 ${s.added} 条、调整 ${s.changed} 条、取消 ${s.removed} 条）` : '';
      return `已按${what}重新安排截止提醒${counts}。`;
    }
    case 'failed':
      return `重新安排截止提醒时出错，系统每小时会自动重排一次；问答已按${what}生效。`;
    case 'none':
      return `当前未运行提醒服务（终端模式），以飞书模式启动时会按${what}安排提醒。`;
  }
}

function figuresBlock(doc: PlanDocument): Block {
  const f = planFigures(doc);
  const items = [
    { label: '标题', value: doc.title || '（未识别）' },
    { label: '发文机关', value: doc.issuer || '（未识别）' },
    { label: '文号', value: doc.docNumber || '（未识别）' },
    { label: '年度', value: `${doc.year}年` },
    { label: '任务', value: `${f.tasks} 项` },
    { label: '明确牵头单位', value: `${f.withLeads} 项${f.withLeads < f.tasks ? `（另有 ${f.tasks - f.withLeads} 项文件未写牵头单位）` : ''}` },
    { label: '明确时限', value: `${f.withDeadlines} 项${f.recurring ? `；周期性任务 ${f.recurring} 项` : ''}` },
  ];
  return { kind: 'fields', items };
}

export function importedReply(r: ImportResult, totalDocuments: number): Reply {
  const name = r.document.file;
  const blocks: Block[] = [{ kind: 'text', text: `已导入文件 ${name}。` }, figuresBlock(r.document)];
  if (r.replaced === 'none') {
    blocks.push({ kind: 'text', text: `这是一份新文件；现共载入 ${totalDocuments} 份工作要点。` });
  } else {
    const which = r.sameDocNumber
      ? `文号相同的 ${r.sameDocNumber}（同一份文件的新版本）`
      : r.replaced === 'bundled'
        ? '随程序载入的同名文件'
        : '上次导入的同名文件';
    if (isEmptyDiff(r.diff)) {
      blocks.push({ kind: 'text', text: `已替换${which}；与上一版相比，任务和时限都没有变化。` });
    } else {
      const d = r.diff;
      blocks.push({ kind: 'text', text: `已替换${which}。与上一版相比：新增任务 ${d.added.length} 项，删除 ${d.removed.length} 项，时限调整 ${d.moved.length} 项。` });
      blocks.push({ kind: 'list', items: changeLines(d) });
    }
  }
  if (r.notes.length) {
    blocks.push({ kind: 'text', text: '请核对：' });
    blocks.push({ kind: 'list', items: r.notes });
  }
  blocks.push({ kind: 'note', text: replanNote(r.replan, '新文件') });
  return { title: `已导入：${r.document.title || name}`, tone: r.notes.length ? 'orange' : 'green', blocks };
}

/** /导入 with nothing attached: how to import, and what was imported so far. */
export function howToReply(opts: { imported?: readonly LibraryEntryInfo[]; canReceiveFiles: boolean }): Reply {
  const blocks: Block[] = [];
  if (opts.canReceiveFiles) {
    blocks.push({ kind: 'text', text: `请在与督办的私聊中直接发送工作要点文件（${FORMATS_ZH}），督办会自动导入；在群里可以回复那条文件消息并发送 @督办 /导入。` });
  } else {
    blocks.push({ kind: 'text', text: `这里不能接收文件。请在飞书里与督办私聊，直接发送工作要点文件（${FORMATS_ZH}）。` });
  }
  blocks.push({
    kind: 'list',
    items: [
      '同名文件会替换上一版，回复中列出新增、删除的任务和调整的时限，提醒随之重新安排',
      '按文件内容识别格式；扫描件（图片型 PDF）、OFD、加密文件不能读取，会说明原因',
      `在服务器上也可以用命令行导入：${CLI_IMPORT_HINT}`,
      '删除导入的文件：/导入 删除 <文件名>',
    ],
  });
  const imported = opts.imported ?? [];
  if (imported.length) {
    blocks.push({ kind: 'text', text: `已导入的文件（${imported.length} 份）：` });
    blocks.push({ kind: 'list', items: imported.map((e) => `${e.name}（${e.at.slice(0, 10)}）`) });
  }
  return { title: '导入工作要点', tone: 'blue', blocks };
}

/** What /导入 reads, for replies. */
export const FORMATS_ZH = 'Word .docx/.doc、Excel .xlsx/.xls、带文字的 PDF、网页 .html、文本 .txt/.md';

export function refusedReply(fileName: string, reason: string): Reply {
  return {
    title: '未导入',
    tone: 'orange',
    blocks: [
      { kind: 'text', text: reason },
      { kind: 'note', text: `${fileName} 未导入，已载入的工作要点和提醒都没有变化。` },
    ],
  };
}

export function removedReply(r: RemoveResult): Reply {
  if (!r.removed) {
    return {
      tone: 'orange',
      blocks: [
        { kind: 'text', text: `没有导入过名为“${r.name}”的文件，未作更改。` },
        { kind: 'note', text: '发送 /导入 查看已导入的文件名（随程序载入的文件不能在这里删除）。' },
      ],
    };
  }
  const blocks: Block[] = [{ kind: 'text', text: `已删除导入的文件 ${r.name}${r.document ? `（${r.document.title}，${r.document.tasks.length} 项任务）` : ''}。` }];
  if (r.restored) blocks.push({ kind: 'text', text: `已恢复随程序载入的同名版本（${r.restored.title}，${r.restored.tasks.length} 项任务）。` });
  blocks.push({ kind: 'note', text: replanNote(r.replan, '现有文件') });
  return { title: `已删除：${r.name}`, tone: 'green', blocks };
}
