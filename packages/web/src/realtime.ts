import { post } from "./api";
import type { PaymentMessage, Ticket } from "./shapes";

export type FeedState = "live" | "down";

export interface PaymentFeedHandlers {
  payment(message: PaymentMessage): void;
  /** Each time the socket (re)opens: the moment to fill in what was missed while it was down. */
  connected(): void;
  state(state: FeedState): void;
}

/** The server pings every 30 s: a socket silent for longer than this is dead even if the phone has not noticed. */
const SILENCE_MS = 75_000;
const MAX_BACKOFF_MS = 30_000;

/**
 * A stall's payments as they land (docs/contract.md §14): a ticket, a WebSocket, and on any drop a new ticket and
 * socket after a growing, jittered wait (1 s, 2 s, 4 s … 30 s), at once when the phone says it is back online.
 */
export function paymentFeed(stallId: string, on: PaymentFeedHandlers): { stop(): void } {
  let socket: WebSocket | undefined;
  let attempt = 0;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let silence: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const listenForSilence = () => {
    clearTimeout(silence);
    silence = setTimeout(() => socket?.close(), SILENCE_MS);
  };
  const again = () => {
    if (stopped || retry) return;
    on.state("down");
    const wait = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** attempt) * (0.75 + Math.random() * 0.5);
    attempt++;
    retry = setTimeout(() => {
      retry = undefined;
      void connect();
    }, wait);
  };
  const connect = async () => {
    if (stopped) return;
    let url: string;
    try {
      ({ url } = await post<Ticket>("/api/realtime/tickets", { stallId }));
    } catch {
      return again();
    }
    if (stopped) return;
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      attempt = 0;
      listenForSilence();
      on.state("live");
      on.connected();
    };
    ws.onmessage = (e) => {
      listenForSilence();
      try {
        const message = JSON.parse(String(e.data)) as PaymentMessage | { type: "ping" };
        if (message.type === "payment" && message.stallId === stallId) on.payment(message);
      } catch {
        // not ours to read
      }
    };
    ws.onclose = () => {
      clearTimeout(silence);
      if (socket === ws) socket = undefined;
      again();
    };
  };
  const online = () => {
    if (socket || stopped) return;
    clearTimeout(retry);
    retry = undefined;
    attempt = 0;
    void connect();
  };
  window.addEventListener("online", online);
  void connect();
  return {
    stop() {
      stopped = true;
      clearTimeout(retry);
      clearTimeout(silence);
      window.removeEventListener("online", online);
      socket?.close();
    },
  };
}
