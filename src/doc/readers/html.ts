import { PlanError } from '../../plan/errors.js';
import type { DocModel } from '../model.js';

/** .html → model. (Placeholder until the HTML reader lands.) */
export async function readHtml(_bytes: Uint8Array, file: string): Promise<DocModel> {
  throw new PlanError('unsupported', `暂不能直接读取网页文件 ${file}，请另存为 .txt 后再导入`, file);
}
