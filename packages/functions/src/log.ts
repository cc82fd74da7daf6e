import { Logger } from "@aws-lambda-powertools/logger";
import type { LogLevel } from "@market40/core/config";

/**
 * One structured JSON logger per process, the same shape locally and in Lambda, at the level its runtime's
 * config reader chose. Never pass it a token, a secret, a phone number or a full account number.
 */
export function createLogger(level: LogLevel): Logger {
  return new Logger({ serviceName: "market40", logLevel: level });
}

export type AppLogger = Pick<Logger, "info" | "warn" | "error" | "debug">;

/** A logger that says nothing: benchmarks and tests that build their own app. */
export const silentLogger: AppLogger = { info() {}, warn() {}, error() {}, debug() {} };
