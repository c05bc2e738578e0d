import { PlanError } from '../../plan/errors.js';
import type { DocModel } from '../model.js';

/** .docx → model. (Placeholder until the Word reader lands.) */
export async function readDocx(_bytes: Uint8Array, file: string): Promise<DocModel> {
  throw new PlanError('unsupported', `暂不能直接读取 Word 文件 ${file}，请另存为 .txt 后再导入`, file);
}
