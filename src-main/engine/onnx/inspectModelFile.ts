// inspectOnnxFile for paths a user named: a file that is not a usable ONNX model becomes a UserError with the
// inspector's own words (optionally showing the file under another name, e.g. an import's original name).
import type { ModelInspection } from '../../../src-shared/contract';
import { UserError } from '../userError';
import { inspectOnnxFile, OnnxFormatError } from './inspectOnnxFile';

export function inspectModelFile(path: string, shownAs?: string): ModelInspection {
  try {
    return inspectOnnxFile(path);
  } catch (error) {
    if (error instanceof OnnxFormatError) {
      const message = shownAs ? error.message.replaceAll(path, shownAs) : error.message;
      throw new UserError(error.code === 'not-found' ? 'not-found' : 'bad-input', message);
    }
    throw error;
  }
}
