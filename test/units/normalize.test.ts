import { describe, expect, it } from 'vitest';
import { isGenericUnitName, sameKey, unitKey, withoutPlaces } from '../../src/units/normalize.js';

const same = (a: string, b: string) => sameKey(unitKey(a), unitKey(b));

describe('unitKey: the ways one office is written compare equal', () => {
  it.each([
    ['县发改局', '县发展和改革局'],
    ['县发改局', '县发展改革局'],
    ['发改局', '发展改革部门'],
    ['县住建局', '县住房和城乡建设局'],
    ['县住建局', '县住房城乡建设局'],
    ['县人社局', '县人力资源和社会保障局'],
    ['县人力社保局', '县人社局'],
    ['市场监管局', '市场监督管理局'],
    ['县卫健局', '县卫生健康局'],
    ['县府办', '县人民政府办公室'],
    ['县政府办', '县府办'],
    ['区金融办', '区金融工作办公室'],
    ['县政务公开领导小组', '县政务公开工作领导小组'],
    ['区委编办', '区机构编制委员会办公室'],
    ['县发改局', '县发改局 '],
    ['ＩＴ中心', 'IT中心'],
    ['縣財政局', '县财政局'],
  ])('%s = %s', (a, b) => expect(same(a, b)).toBe(true));

  it.each([
    ['县财政局', '市财政局'],
    ['县发改局', '区发改局'],
    ['县卫健局', '县卫计局'],
    ['县财政局', '县税务局'],
    ['市场监管局', '市监管局'],
  ])('%s ≠ %s', (a, b) => expect(same(a, b)).toBe(false));

  it('keeps 市场 from being read as the level 市', () => {
    expect(unitKey('市场监督管理局').level).toBe('');
    expect(unitKey('市市场监督管理局').level).toBe('市');
  });
});

describe('withoutPlaces', () => {
  it('peels place names off the front, keeping the level', () => {
    expect(withoutPlaces('庆元县发展和改革局')).toEqual(['县发展和改革局']);
    expect(withoutPlaces('绵阳市游仙区财政局')).toEqual(['市游仙区财政局', '区财政局']);
    expect(withoutPlaces('县财政局')).toEqual([]);
  });
});

describe('isGenericUnitName', () => {
  it.each(['各有关单位', '各乡镇', '区政府各部门', '市级有关部门', '市场监管等部门', '被审计单位', '各政务公开单位'])('%s is a class of units', (n) =>
    expect(isGenericUnitName(n)).toBe(true),
  );
  it.each(['县发改局', '县府办', '供电局', '市营商局'])('%s is one unit', (n) => expect(isGenericUnitName(n)).toBe(false));
});
