import { shanghaiDate } from '../src/calendar/shanghai.js';
import { defineCommand } from '../src/chat/command.js';
import { exportXlsx } from '../src/ledger/export/xlsx.js';
import { liveLedgerRows } from '../src/summary/ledger.js';
import { decideScope } from '../src/summary/scope.js';
import { unitNames } from '../src/summary/units.js';
import { ownUnit, summaryFor } from './weekly.js';

/**
 * /台账: the ledger as an Excel file with each row's current status, latest
 * note and last update, put into the chat (Lark: uploaded as a file; console:
 * saved under DATA_DIR). /台账 <单位> keeps the rows that unit leads. Who may
 * ask for what is the same as /周报.
 */

export const CLI_HINT = 'npm run -s cli -- ledger --format xlsx --out 台账.xlsx';

export default defineCommand({
  name: '台账',
  aliases: ['导出台账', '工作台账', 'ledger'],
  args: [{ name: '单位', description: '只导出该单位牵头的事项；单位成员在本单位群里发送时默认本单位', required: false, rest: true }],
  description: '导出 Excel 任务台账（含状态、最新进展、更新时间）',
  examples: ['/台账', '/台账 县财政局'],
  role: 'member',
  group: '督办',
  intents: [{ pattern: /^(?:请)?(?:导出|下载|发一下|给我)(?:一下|一份)?(?:最新的?)?(?:工作|任务|督办)?台账$/u, priority: 2 }],
  async run(ctx) {
    const scope = decideScope(ctx.plans, '台账', ctx.role, await ownUnit(ctx), ctx.args);
    if (scope.kind === 'refused' || scope.kind === 'unknown-unit') {
      ctx.log.warn({ event: 'bad-input', reason: scope.kind === 'refused' ? `forbidden-${scope.reason}` : 'unknown-unit', command: '台账', role: ctx.role }, 'ledger export refused');
      await ctx.reply(scope.reply);
      return;
    }
    const unit = scope.kind === 'unit' ? scope.unit : undefined;
    const now = ctx.clock.now();
    const summary = await summaryFor(ctx);
    const docs = liveLedgerRows(ctx.plans.ledger, summary, { canonical: unitNames(ctx.plans).canonical, ...(unit ? { unit } : {}) });
    const rows = docs.reduce((n, d) => n + d.rows.length, 0);
    if (rows === 0) {
      ctx.log.info({ event: 'ledger.empty', scope: unit ? 'unit' : 'all' }, 'nothing to export');
      await ctx.reply({
        tone: 'grey',
        blocks: [{ kind: 'text', text: unit ? `已载入的工作要点中没有${unit}牵头的事项，台账为空。` : '还没有载入工作要点，台账为空。' }],
      });
      return;
    }

    const data = await exportXlsx(docs, { created: now });
    const name = `台账${unit ? `-${unit}` : ''}-${shanghaiDate(now)}.xlsx`;
    const what = `${docs.length} 份文件、${rows} 行，含状态、最新进展、更新时间`;
    const notes = ctx.progress ? [] : [{ kind: 'note' as const, text: '未连接进展记录（Redis），状态均按未报送填写。' }];
    if (!ctx.files) {
      ctx.log.warn({ event: 'feature-unavailable', reason: 'no-file-sink', command: '台账' }, 'cannot send files here');
      await ctx.reply({
        tone: 'orange',
        blocks: [
          { kind: 'text', text: `台账已生成（${what}），但当前环境不能发送文件。` },
          { kind: 'note', text: `可在服务器上用命令行导出：${CLI_HINT}` },
        ],
      });
      return;
    }
    let delivered;
    try {
      delivered = await ctx.files.send(ctx.message, { name, data });
    } catch (err) {
      ctx.log.error({ event: 'ledger.send_failed', err: err, bytes: data.length }, 'ledger file not delivered');
      await ctx.reply({ tone: 'red', blocks: [{ kind: 'text', text: '台账文件发送失败，请稍后再试。' }, { kind: 'note', text: `也可在服务器上用命令行导出：${CLI_HINT}` }] });
      return;
    }
    ctx.log.info({ event: 'ledger.sent', scope: unit ? 'unit' : 'all', rows, bytes: data.length, via: delivered.kind }, 'ledger exported');
    const text = delivered.kind === 'saved' ? `台账已保存到 ${delivered.path}（${what}）。` : `已发送台账文件 ${name}（${what}）。`;
    await ctx.reply({ tone: 'green', blocks: [{ kind: 'text', text }, ...notes] });
  },
});
