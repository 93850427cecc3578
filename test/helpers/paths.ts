// Paths of the project's shipped resources, as tests use them.
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const RESOURCES = `${ROOT}resources`;
export const model = (file: string) => `${RESOURCES}/models/${file}`;
export const data = (file: string) => `${RESOURCES}/data/${file}`;
