import { callbackGuard } from "./callbackGuard";
import type { Deps } from "./context";
import { platformApp } from "./platform";
import { callbackRoutes } from "./routes/callbacks";

/**
 * Provider callbacks alone: what the callbacks Lambda serves, so the money path's cold start does not carry
 * the PDF and font code of the rest of the API.
 */
export function createCallbackApp(deps: Deps) {
  const app = platformApp(deps);
  app.use("/api/callbacks/:provider", callbackGuard);
  app.route("/api", callbackRoutes(deps));
  return app;
}
