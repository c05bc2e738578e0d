import { PlanError } from '../../plan/errors.js';
import type { DocModel } from '../model.js';

/** .pdf with a text layer → model. (Placeholder until the PDF reader lands.) */
export async function readPdf(_bytes: Uint8Array, file: string): Promise<DocModel> {
  throw new PlanError('unsupported', `暂不能直接读取 PDF 文件 ${file}，请另存为 .txt 后再导入`, file);
}
