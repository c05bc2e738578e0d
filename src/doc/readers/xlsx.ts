import { PlanError } from '../../plan/errors.js';
import type { DocModel } from '../model.js';

/** .xlsx → model. (Placeholder until the Excel reader lands.) */
export async function readXlsx(_bytes: Uint8Array, file: string): Promise<DocModel> {
  throw new PlanError('unsupported', `暂不能直接读取 Excel 文件 ${file}，请另存为 .txt 后再导入`, file);
}
