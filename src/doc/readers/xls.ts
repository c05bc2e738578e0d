import { PlanError } from '../../plan/errors.js';
import type { DocModel } from '../model.js';

/** .xls (Excel 97–2003) → model. (Placeholder until the reader lands.) */
export async function readXls(_bytes: Uint8Array, file: string): Promise<DocModel> {
  throw new PlanError('unsupported', `暂不能直接读取 Excel 97–2003 文件 ${file}，请另存为 .xlsx 或 .txt 后再导入`, file);
}
