import type { Provider, ProviderAdapter } from "../types";
import { casso } from "./casso";
import { generic } from "./generic";
import { payos } from "./payos";
import { sepay } from "./sepay";

/** Every provider's adapter, by the name in `POST /api/callbacks/{provider}`. */
export const ADAPTERS: Record<Provider, ProviderAdapter> = { generic, payos, sepay, casso };
