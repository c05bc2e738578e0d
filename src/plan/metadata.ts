import { chineseNumber } from './numbering.js';
import type { PageFields } from './furniture.js';

export interface PlanMeta {
  title: string;
  issuer: string;
  docNumber: string;
  issuedOn: string;
  year: number;
}

// 庆政办发〔2022〕37号, 国办发[2022]8号, 川办函（2022）38号
const DOC_NUMBER = /^[\u4e00-\u9fa5]{1,12}\s*[〔\[【(（]\s*(\d{4})\s*[〕\]】)）]\s*\d{1,4}\s*号$/;
const DATE_ARABIC = /(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日/;
const DATE_CHINESE = /([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,2})月([一二三四五六七八九十]{1,3})日/;
const PLAN_WORDS = /(工作要点|工作安排|重点工作|实施方案|工作方案|行动方案|行动计划|工作计划|任务分工|责任分工|任务清单|工作任务)/;

function isoDate(y: number, m: number, d: number): string {
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

export function readDate(line: string): string | undefined {
  const a = DATE_ARABIC.exec(line);
  if (a) return isoDate(Number(a[1]), Number(a[2]), Number(a[3]));
  const c = DATE_CHINESE.exec(line);
  if (c) return isoDate(chineseNumber(c[1]!)!, chineseNumber(c[2]!)!, chineseNumber(c[3]!)!);
  const dash = /(?:日期|时间)[:：]\s*(\d{4})-(\d{1,2})-(\d{1,2})/.exec(line);
  if (dash) return isoDate(Number(dash[1]), Number(dash[2]), Number(dash[3]));
  return undefined;
}

/**
 * Metadata from the part of the document before the first numbered item (the
 * covering notice), with the whole text as a fallback for the plan year.
 */
export function readMeta(lines: string[], bodyStart: number, file: string, page: PageFields = {}): PlanMeta {
  const head = lines.slice(0, bodyStart < 0 ? Math.min(lines.length, 40) : bodyStart).filter(Boolean);
  const headJoined = head.join('');

  let docNumber = '';
  for (const l of head) if (DOC_NUMBER.test(l.replace(/\s+/g, ''))) { docNumber = l.replace(/\s+/g, ''); break; }

  // 关于印发《X》的通知 -> X; else the last plan-like line before the body.
  let title = '';
  const notice = /(.{0,40}?)关于印发(.+?)的通知/.exec(headJoined);
  let issuer = '';
  if (notice) {
    const quoted = /《(.+?)》/.exec(notice[2]!);
    title = (quoted ? quoted[1]! : notice[2]!).trim();
    issuer = notice[1]!.replace(/文件$/, '').trim();
    // The issuer line above the title may have been joined with the document number or header.
    issuer = issuer.replace(/^.*?号/, '').replace(/^.*文件/, '').trim();
  }
  if (!title) title = [...head].reverse().find((l) => PLAN_WORDS.test(l) && l.length <= 60 && !/[。；]/.test(l)) ?? '';
  if (!title) title = head.find((l) => l.length <= 60 && !/[。；：:]/.test(l)) ?? file;

  // The date line on its own (the notice's signature date), else any date in the head.
  let issuedOn = '';
  for (let i = 0; i < head.length; i++) {
    const l = head[i]!;
    if (/^\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$/.test(l) || DATE_CHINESE.test(l) && l.length <= 14) {
      issuedOn = readDate(l) ?? '';
      if (!issuer && i > 0 && head[i - 1]!.length <= 30 && !/[。；，]/.test(head[i - 1]!)) issuer = head[i - 1]!;
      break;
    }
  }
  if (!issuedOn) for (const l of head) { const d = readDate(l); if (d) { issuedOn = d; break; } }
  if (!issuedOn) {
    // Some plans carry their date at the end ("2018年7月30日印发").
    for (let i = lines.length - 1; i >= Math.max(0, lines.length - 15); i--) {
      const l = lines[i]!;
      if (l.length <= 20) { const d = readDate(l); if (d) { issuedOn = d; break; } }
    }
  }
  if (!issuer) {
    const header = head.find((l) => /(人民政府|办公室|领导小组|委员会)(文件)?$/.test(l) && l.length <= 30);
    issuer = header?.replace(/文件$/, '') ?? '';
  }

  // A crawled page's header fills what the document itself does not say.
  if (!docNumber && page.docNumber && DOC_NUMBER.test(page.docNumber)) docNumber = page.docNumber;
  if (!issuedOn && page.issuedOn) issuedOn = page.issuedOn;
  // The page's own title names the plan a notice issues ("…印发《X》的通知"); it beats a line guessed from the body.
  const issued = page.title ? /印发(.+?)的通知/.exec(page.title)?.[1] : undefined;
  if (issued) title = /《(.+?)》/.exec(issued)?.[1] ?? issued;
  else if ((!title || title === file) && page.title) title = page.title;
  // A signature date glued to the title line on a flattened page.
  title = title.replace(/^\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日(印发)?/, '');
  if (!issuer && page.issuer) issuer = page.issuer;

  const titleYear = /(\d{4})\s*年/.exec(title);
  const numberYear = /[〔\[【(（](\d{4})[〕\]】)）]/.exec(docNumber);
  const year = Number(titleYear?.[1] ?? numberYear?.[1] ?? issuedOn.slice(0, 4)) || firstYear(lines) || new Date().getUTCFullYear();
  return { title: title.replace(/\s+/g, ''), issuer, docNumber, issuedOn, year };
}

function firstYear(lines: string[]): number | undefined {
  for (const l of lines) {
    const m = /(20\d{2})\s*年/.exec(l);
    if (m) return Number(m[1]);
  }
  return undefined;
}
