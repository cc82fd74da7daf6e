import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** LibreOffice's command, or undefined when it is not installed (`.ci/run` installs libreoffice-calc-nogui). */
export function soffice(): string | undefined {
  for (const p of ["/usr/bin/soffice", "/usr/bin/libreoffice"]) {
    try {
      execFileSync(p, ["--version"], { stdio: "ignore", timeout: 60_000 });
      return p;
    } catch {}
  }
  return undefined;
}

/**
 * Converts a file with LibreOffice headless (`--convert-to target`, optionally through an input filter) and returns
 * the converted bytes. A private profile per call, so runs do not share LibreOffice's lock.
 */
export function convert(
  bin: string,
  name: string,
  bytes: Uint8Array,
  target: string,
  infilter?: string,
): Buffer {
  const dir = mkdtempSync(join(tmpdir(), "m40-lo-"));
  writeFileSync(join(dir, name), bytes);
  execFileSync(
    bin,
    [
      `-env:UserInstallation=file://${dir}/profile`,
      "--headless",
      ...(infilter ? [`--infilter=${infilter}`] : []),
      "--convert-to",
      target,
      "--outdir",
      join(dir, "out"),
      join(dir, name),
    ],
    { timeout: 120_000, stdio: "ignore" },
  );
  const ext = target.split(":")[0]!;
  return readFileSync(join(dir, "out", `${name.replace(/\.[^.]+$/, "")}.${ext}`));
}
