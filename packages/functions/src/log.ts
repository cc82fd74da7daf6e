import { Logger } from "@aws-lambda-powertools/logger";

/**
 * One structured JSON logger for the process, the same shape locally and in Lambda.
 * Never pass it a token, a secret, a phone number or a full account number.
 */
export const logger = new Logger({
  serviceName: "market40",
  logLevel:
    (process.env.LOG_LEVEL as "INFO" | undefined) ?? (process.env.NODE_ENV === "test" ? "SILENT" : "INFO"),
});

export type AppLogger = Pick<Logger, "info" | "warn" | "error" | "debug">;

/** A logger that says nothing: benchmarks and tests that build their own app. */
export const silentLogger: AppLogger = { info() {}, warn() {}, error() {}, debug() {} };
