import type { Block, Reply } from '../../src/chat/types.js';
import type { Ledger, Relative } from '../../src/plan/schema.js';
import { isAmbiguous } from '../../src/search/index.js';
import type { Answer } from '../../src/search/types.js';
import { fewUnits, pathText, shorten, taskById, timeLimitText, unitList } from './format.js';

/**
 * The 谁牵头 reply for a list of answers (best first). Pure, so the wording
 * is tested without a chat around it.
 */

const EXCERPT_CHARS = 80;


function sameUnits(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((u) => b.includes(u));
}

/**
 * Relative limits live on the task; when the answer is one clause with its
 * own lead, keep only those written inside that clause.
 */
function relativeFor(answer: Answer, ledger: Ledger): Relative[] {
  const located = taskById(ledger, answer.taskId);
  if (!located) return [];
  const { task } = located;
  const clause =
    answer.leadSource === 'explicit' && !sameUnits(answer.leads, task.leads)
      ? task.clauses.find((c) => sameUnits(c.leads, answer.leads))
      : undefined;
  return clause ? task.relative.filter((r) => clause.text.includes(r.text)) : task.relative;
}

function leadFields(answer: Answer): Array<{ label: string; value: string }> {
  if (answer.leadSource === 'explicit' && answer.leads.length) return [{ label: '牵头单位', value: unitList(answer.leads) }];
  const fields = [{ label: '牵头单位', value: '文件未明确牵头单位' }];
  if (answer.leadSource === 'implied' && answer.leads.length) {
    fields.push({ label: '可能负责', value: answer.leads.map((u) => `${u}（推断）`).join('、') });
  }
  return fields;
}

function sourceText(answer: Answer): string {
  const where = pathText(answer.path);
  return where ? `《${answer.docTitle}》${where}` : `《${answer.docTitle}》`;
}

function alternativeLine(answer: Answer, ledger: Ledger): string {
  const lead =
    answer.leadSource === 'explicit' && answer.leads.length
      ? `牵头：${fewUnits(answer.leads)}`
      : answer.leadSource === 'implied' && answer.leads.length
        ? `未明确牵头（推断：${fewUnits(answer.leads)}）`
        : '未明确牵头';
  // A clause answer is labelled by its own words; the item heading may be about something else.
  const task = taskById(ledger, answer.taskId)?.task;
  const clauseLevel = task && answer.leadSource === 'explicit' && !sameUnits(answer.leads, task.leads) && answer.excerpt;
  const label = clauseLevel ? shorten(answer.excerpt.replace(/^…/u, ''), 24) : shorten(answer.title, 30);
  return `${sourceText(answer)} ${label}｜${lead}`;
}

/**
 * Up to two runners-up: both when the top is ambiguous, else those from other
 * plans. Each plan names its own lead, so a question that did not narrow by
 * place may mean any of them; the index only returns answers that cover
 * enough of the question, so no score floor of our own is needed.
 */
export function alternatives(answers: readonly Answer[]): Answer[] {
  const [best, ...rest] = answers;
  if (!best) return [];
  if (isAmbiguous([...answers])) return rest.slice(0, 2);
  return rest.filter((a) => a.file !== best.file).slice(0, 2);
}

/**
 * When the answer is a whole item whose clauses name different leads, say
 * which clause each lead owns; the union alone would make them all look
 * responsible for everything.
 */
function clauseBreakdown(answer: Answer, ledger: Ledger): string[] {
  const task = taskById(ledger, answer.taskId)?.task;
  if (!task || task.clauses.length < 2 || !sameUnits(answer.leads, task.leads)) return [];
  const distinct = new Set(task.clauses.map((c) => [...c.leads].sort().join('、')));
  if (distinct.size < 2) return [];
  return task.clauses.map((c) => `${unitList(c.leads)}：${shorten(c.text, 30)}`);
}

export function answerReply(query: string, answers: readonly Answer[], ledger: Ledger): Reply {
  const best = answers[0];
  if (!best) return notFoundReply(query, ledger);
  const fields = [...leadFields(best)];
  if (best.co.length) fields.push({ label: '责任单位', value: unitList(best.co) });
  fields.push({ label: '时限', value: timeLimitText(best.deadlines, best.recurring, relativeFor(best, ledger)) });
  fields.push({ label: '来源', value: sourceText(best) });
  const blocks: Block[] = [{ kind: 'fields', items: fields }];
  const parts = clauseBreakdown(best, ledger);
  if (parts.length) blocks.push({ kind: 'text', text: '分项牵头' }, { kind: 'list', items: parts });
  if (best.excerpt) blocks.push({ kind: 'note', text: `原文：${shorten(best.excerpt, EXCERPT_CHARS)}` });
  const others = alternatives(answers);
  if (others.length) {
    blocks.push({ kind: 'divider' });
    blocks.push({ kind: 'text', text: '其他可能相关的条目' });
    blocks.push({ kind: 'list', items: others.map((a) => alternativeLine(a, ledger)) });
  }
  const tone = best.leadSource === 'explicit' ? 'blue' : 'orange';
  return { title: shorten(best.title, 40), tone, blocks };
}

export function notFoundReply(query: string, ledger: Ledger): Reply {
  if (!ledger.documents.length) {
    return {
      title: '还没有载入工作要点',
      tone: 'grey',
      blocks: [{ kind: 'text', text: '目前没有可查询的文件，请先载入工作要点文件。' }],
    };
  }
  return {
    title: '没有找到相关条目',
    tone: 'grey',
    blocks: [
      { kind: 'text', text: `在已载入的 ${ledger.documents.length} 份文件中没有找到与“${shorten(query, 30)}”相关的事项。可以试试：` },
      {
        kind: 'list',
        items: [
          '换个说法，或只保留事项的关键词（两三个词即可）',
          '用文件中的编号查询，例如 /谁牵头 三（二）1',
          '发送 /文件 查看已载入的文件',
          '发送 /任务 <单位> 查看某个单位的全部任务',
        ],
      },
    ],
  };
}
