// ES module entry: the same API as the CommonJS one (index.js).
import cjs from './index.js';

export const {
  start,
  findBinary,
  platformPackage,
  Emulator,
  EmulatorStartError,
  AdminError,
  BINARY_NAME,
  DEFAULT_ACCESS_KEY_ID,
  DEFAULT_ACCESS_KEY_SECRET,
  DEFAULT_REGION,
} = cjs;
export default cjs;
