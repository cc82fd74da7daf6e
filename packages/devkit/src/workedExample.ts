/**
 * The figures of the contract's worked example (a Sunday market in October 2026, the 18th lost to a power cut, three
 * payments of 35,000 ₫ by two payers at one of two stalls). Checked twice on purpose — by the pure engine
 * (`evaluate.test.ts`) and end to end over HTTP (`test/evaluations.test.ts`) — against this one copy.
 */
export const WORKED_EXAMPLE_FIGURES = {
  method: {
    timezone: "Asia/Ho_Chi_Minh",
    definitions: "market40/1",
    thresholds: { uptimePct: 95, qrSharePct: 80, activeSharePct: 50 },
  },
  uptime: {
    scheduledSessions: 4,
    scheduledMinutes: 1440,
    downMinutes: 360,
    uptimePct: 75,
    incidents: 1,
    sessionsWithEvidence: 3,
    activeSessions: 3,
    activeSessionsPct: 75,
  },
  uptake: {
    stalls: 2,
    stallsWithQr: 2,
    qrSharePct: 100,
    activeStalls: 1,
    activeSharePct: 50,
    transactions: 3,
    value: 105000,
    medianTicket: 35000,
    uniquePayers: 2,
  },
  rating: "fail",
} as const;
