/**
 * An invented county plan in two versions (nothing from the bundled seeds),
 * as a user would send it: the revision moves one deadline, drops one task
 * and adds one on a topic no other plan mentions.
 */

export const PLAN_NAME = '青禾县2025年数字政府建设工作要点.txt';

export const PLAN_V1 = `青禾县人民政府办公室关于印发2025年青禾县数字政府建设工作要点的通知
青政办发〔2025〕8号

一、夯实数字基础设施
（一）推进政务云扩容。6月底前完成县级政务云资源扩容。（县数据局牵头，县财政局配合）
（二）推进IPv6规模部署。7月底前完成政府门户网站IPv6改造。（县委网信办牵头）
二、提升政务服务效能
（一）推广“一网通办”。9月底前实现高频事项全程网办。（县行政审批局牵头）
（二）加强政务数据统计，按季度通报数据共享情况。
`;

export const PLAN_V2 = `青禾县人民政府办公室关于印发2025年青禾县数字政府建设工作要点的通知
青政办发〔2025〕8号

一、夯实数字基础设施
（一）推进政务云扩容。7月底前完成县级政务云资源扩容。（县数据局牵头，县财政局配合）
二、提升政务服务效能
（一）推广“一网通办”。9月底前实现高频事项全程网办。（县行政审批局牵头）
（二）加强政务数据统计，按季度通报数据共享情况。
（三）建设智慧农机调度平台。7月底前上线农机作业调度功能。（县农业农村局牵头）
`;

/** Reminders are planned as if it were this morning (deadlines 6月底 and 7月底 fall in the horizon). */
export const NOW = new Date('2025-06-02T09:00:00+08:00');

/** Bytes that are not a plan: a zip header and noise. */
export const GARBLED = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00, 0x00, 0x00, 0x21, 0x00, 0xa1, 0xb2]);
