export const PACKAGE: string;
export const EMULATOR_DIR: string;
export const JAR: string;
export function install(options?: { quiet?: boolean }): string;
