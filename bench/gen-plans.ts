/**
 * Synthetic work plans for benchmarks: varied numbering styles, annotations,
 * time limits and OCR-style breaks, deterministic from a seed.
 */

function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

const PLACES = ['青山', '白河', '临江', '东岭', '南湖', '西山', '北川', '长宁'];
const LEVELS = [
  { p: '市', units: ['市发改委', '市财政局', '市教育局', '市住建局', '市卫生健康委', '市政务服务局', '市司法局', '市大数据中心'] },
  { p: '县', units: ['县发改局', '县财政局', '县教育局', '县住建局', '县卫生健康局', '县府办', '县司法局', '县农业农村局'] },
];
const VERBS = ['推进', '深化', '加强', '完善', '规范', '优化'];
const TOPICS = ['政务公开', '信息发布', '政策解读', '营商环境', '数据共享', '基层治理', '民生实事', '财政预决算'];
const LIMITS = ['6月底前', '年底前', '9月30日前', '第三季度末', '11月底前', '每季度', '每月', '上半年', ''];
const CN = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

export function generatePlan(seed: number, items = 20): string {
  const r = rng(seed);
  const pick = <T>(a: T[]) => a[Math.floor(r() * a.length)]!;
  const place = pick(PLACES);
  const lvl = pick(LEVELS);
  const year = 2020 + Math.floor(r() * 6);
  const out = [`${place}${lvl.p}${year}年${pick(TOPICS)}工作要点`, '', `${place}${lvl.p}人民政府办公室`, `${year}年3月${1 + Math.floor(r() * 28)}日`, ''];
  let n = 0;
  for (let s = 0; n < items; s++) {
    out.push(`${CN[s % 10]}、${pick(VERBS)}${pick(TOPICS)}工作`, '');
    const per = 2 + Math.floor(r() * 4);
    for (let i = 1; i <= per && n < items; i++, n++) {
      const u1 = pick(lvl.units);
      const u2 = pick(lvl.units);
      const limit = pick(LIMITS);
      const body = `${pick(VERBS)}${pick(TOPICS)}机制建设，${limit}完成${pick(TOPICS)}专项检查，及时向社会公开有关信息。`;
      const style = r();
      const marker = style < 0.5 ? `（${CN[(i - 1) % 10]}）` : `${i}.`;
      const ann = r() < 0.5 ? `（${u1}牵头负责）` : `（牵头单位：${u1}；责任单位：${u2}、各乡镇人民政府）`;
      const text = `${marker}${pick(VERBS)}${pick(TOPICS)}。${body}${ann}`;
      // An OCR-style break in the middle of some items.
      if (r() < 0.3) {
        const cut = Math.floor(text.length / 2);
        out.push(text.slice(0, cut), '', text.slice(cut), '');
      } else out.push(text, '');
    }
  }
  return out.join('\n');
}
