import { cnNumber } from './numbering.js';

/**
 * Counts written in Chinese numerals become digits, so "二十万亩" meets
 * "20万亩" and "一个工作日" meets "1个工作日". Only numerals followed by a
 * measure word or unit are counts; 一网通办, 十四五, 两微一端 stay words.
 */
const COUNT = /[零〇一二两三四五六七八九十百千]+(?=[万亿个家次所处公里亩人名年月日天周项条批件台辆座户村份]|%)/g;

export function digitsForCounts(s: string): string {
  return s.replace(COUNT, (m) => {
    const thousands = m.split('千');
    // cnNumber handles up to 百; 千 is split off here.
    if (thousands.length === 2) {
      const hi = thousands[0] ? cnNumber(thousands[0]) : 1;
      const lo = thousands[1] ? cnNumber(thousands[1]) : 0;
      return hi === undefined || lo === undefined ? m : String(hi * 1000 + lo);
    }
    const n = cnNumber(m);
    return n === undefined ? m : String(n);
  });
}
