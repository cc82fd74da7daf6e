import { ZodError, type z } from "zod";
import { unauthorized, validationError, zodIssues } from "../../errors";

const decoder = new TextDecoder("utf-8", { fatal: true });

/** The body as JSON; malformed UTF-8 or JSON is a 400 naming the problem. */
export function parseJson(body: Uint8Array): unknown {
  let text: string;
  try {
    text = decoder.decode(body);
  } catch {
    throw validationError("The body is not UTF-8");
  }
  try {
    return JSON.parse(text);
  } catch {
    throw validationError("The body is not valid JSON");
  }
}

export function validate<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  try {
    return schema.parse(value);
  } catch (err) {
    if (err instanceof ZodError)
      throw validationError("The notification does not match the provider's format", zodIssues(err));
    throw err;
  }
}

export const badSignature = (why: string) => unauthorized(`Signature check failed: ${why}`);

export const badLocalTime = (path: string) =>
  validationError("The notification does not match the provider's format", [
    { path, message: "Expected a local time YYYY-MM-DD HH:mm:ss" },
  ]);
