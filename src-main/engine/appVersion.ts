// Slipway's own version, from package.json (bundled at build time).
import { version } from '../../package.json';

export const APP_VERSION: string = version;
