import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROVIDER_SECRET_NAMES } from "@market40/core/config";
import { afterEach, describe, expect, it } from "vitest";
import { loadSecrets, readSettings } from "./config";

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "m40-secrets-"));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("npm start's secrets", () => {
  it("generates, keeps and lists for printing every provider secret in core's table", () => {
    const dir = tempDir();
    const first = loadSecrets(dir, {});
    const fields = Object.keys(PROVIDER_SECRET_NAMES);
    expect(Object.keys(first.config.secrets).sort()).toEqual([...fields].sort());
    for (const field of fields)
      expect(first.config.secrets[field as keyof typeof first.config.secrets]).toMatch(/^[0-9a-f]{64}$/);
    // Printed once: the admin token and each provider secret, never the payer key.
    expect(first.generated.sort()).toEqual(["adminToken", ...fields].sort());
    expect(statSync(first.file).mode & 0o777).toBe(0o600);

    const second = loadSecrets(dir, {});
    expect(second.generated).toEqual([]);
    expect(second.config.secrets).toEqual(first.config.secrets);
  });

  it("takes a secret from the environment by its name, and then neither stores nor prints it as generated", () => {
    const dir = tempDir();
    const env = { SEPAY_WEBHOOK_SECRET: "from-env", CASSO_SECURE_TOKEN: "token-env" };
    const loaded = loadSecrets(dir, env);
    expect(loaded.config.secrets.sepayWebhookSecret).toBe("from-env");
    expect(loaded.config.secrets.cassoSecureToken).toBe("token-env");
    expect(loaded.generated).not.toContain("sepayWebhookSecret");
    expect(loaded.generated).not.toContain("cassoSecureToken");
    expect(loaded.generated).toContain("sepay");
  });

  it("keeps a data folder made before a secret was added, and adds only the new one", () => {
    const dir = tempDir();
    loadSecrets(dir, {});
    const file = join(dir, "secrets.json");
    const stored = JSON.parse(readFileSync(file, "utf8"));
    delete stored.cassoSecureToken;
    writeFileSync(file, JSON.stringify(stored));
    const again = loadSecrets(dir, {});
    expect(again.generated).toEqual(["cassoSecureToken"]);
    expect(again.config.secrets.generic).toBe(stored.generic);
  });
});

describe("PUBLIC_URL (issue 23: card and socket URLs are configuration, never a request header)", () => {
  it("is an http(s) address, kept without a trailing slash; unset, main.ts uses http://<HOST>:<PORT>", () => {
    expect(readSettings({ PUBLIC_URL: "http://192.168.1.20:3000/" }).publicUrl).toBe(
      "http://192.168.1.20:3000",
    );
    expect(readSettings({ PUBLIC_URL: "https://cho.example.vn/app" }).publicUrl).toBe(
      "https://cho.example.vn/app",
    );
    expect(readSettings({}).publicUrl).toBeUndefined();
    for (const bad of [
      "cho.example.vn",
      "ftp://x.example",
      "https://x.example/?a=1",
      "https://u:p@x.example",
    ])
      expect(() => readSettings({ PUBLIC_URL: bad }), bad).toThrow(/PUBLIC_URL/);
  });
});
