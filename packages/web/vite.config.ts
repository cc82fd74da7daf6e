import { defineConfig } from "vite";

/** A small, dependency-free app: plain TypeScript and CSS, built for modest phones. */
export default defineConfig({
  root: import.meta.dirname,
  base: "./",
  build: { outDir: "dist", emptyOutDir: true, target: "es2020", reportCompressedSize: false },
  logLevel: "warn",
});
