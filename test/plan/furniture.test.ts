import { describe, expect, it } from 'vitest';
import { splitFlattened, stripFurniture } from '../../src/plan/furniture.js';

describe('flattened pages', () => {
  it('restores paragraphs at the spaces a crawl leaves, not inside labels, numbers or OCR spacing', () => {
    const line = `通知正文。 云溪县人民政府办公室 2021年3月10日 一、总体要求 牵头单位： 县财政局 1. 机动车业务 到20 18年完成。${'说明文字，'.repeat(60)}`;
    const parts = splitFlattened(line);
    expect(parts.slice(0, 5)).toEqual(['通知正文。', '云溪县人民政府办公室', '2021年3月10日', '一、总体要求', '牵头单位： 县财政局']);
    expect(parts.slice(5, 7)).toEqual(['1. 机动车业务', expect.stringMatching(/^到20 18年完成。/)]);
    const ocr = `全 面 推 进 政 务 公 开 ${'工 作 '.repeat(200)}`;
    expect(splitFlattened(ocr)).toEqual([ocr]);
  });

  it('reads a page header for metadata and drops furniture, but keeps a task’s 完成时间', () => {
    const { lines, fields } = stripFurniture(['标题: 关于印发《某方案》的通知', '发布时间: 2021-03-12 10:20', '文号: 云政办〔2021〕12号', '当前位置：首页政务公开', '微信', '完成时间：2021年9月底前', '打印本页']);
    expect(fields).toEqual({ title: '关于印发《某方案》的通知', issuedOn: '2021-03-12', docNumber: '云政办〔2021〕12号' });
    expect(lines.filter(Boolean)).toEqual(['完成时间：2021年9月底前']);
  });
});
