import { PlanError } from '../../plan/errors.js';
import type { DocModel } from '../model.js';

/** .doc (Word 97–2003) → model. (Placeholder until the reader lands.) */
export async function readDoc(_bytes: Uint8Array, file: string): Promise<DocModel> {
  throw new PlanError('unsupported', `暂不能直接读取 Word 97–2003 文件 ${file}，请在 Word 或 WPS 中另存为 .docx 后再导入`, file);
}
