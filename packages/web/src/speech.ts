import { receivedSentence } from "@market40/core/vietnameseNumbers";

/**
 * The payment speaker's voice: a chime made on the spot (Web Audio, no sound file) and, where the phone has a
 * Vietnamese voice, the amount read aloud ("Đã nhận ba mươi lăm nghìn đồng"). Muting is remembered on the phone.
 *
 * Phones play sound and speech only after the person has tapped the page (Chrome's autoplay rule; a call before is
 * dropped without a word). So the speaker has three real states: `locked` until the first tap, then `on`, or `off`
 * when muted. Nothing is announced while locked: the page asks for the tap instead (issue 26).
 */
const MUTE_KEY = "m40.muted";
export type SpeakerState = "locked" | "on" | "off";
export type VoiceState = "unknown" | "vietnamese" | "none";

let audio: AudioContext | undefined;
let unlocked = false;
let confirmed = false;
const listeners = new Set<() => void>();
const changed = () => {
  for (const f of listeners) f();
};

export const isMuted = () => localStorage.getItem(MUTE_KEY) === "1";
export function setMuted(muted: boolean): void {
  if (muted) localStorage.setItem(MUTE_KEY, "1");
  else localStorage.removeItem(MUTE_KEY);
  changed();
}

/** What the switch shows: never "on" while the phone would stay silent. */
export const speakerState = (): SpeakerState => (isMuted() ? "off" : unlocked ? "on" : "locked");

/** Called when the speaker's state or the voice's availability changes; returns the unsubscribe. */
export function onSpeakerChange(f: () => void): () => void {
  listeners.add(f);
  return () => listeners.delete(f);
}

function context(): AudioContext | undefined {
  try {
    audio ??= new AudioContext();
  } catch {
    // no Web Audio: the voice and the screen still tell
  }
  return audio;
}

/**
 * Whether the phone already lets this page play: a tap earlier in this page's life, or a browser that allows sound
 * without one (an installed app the person uses a lot). An AudioContext made now is "running" only then.
 */
export function detectUnlocked(): boolean {
  if (!unlocked && (navigator.userActivation?.hasBeenActive || context()?.state === "running")) {
    unlocked = true;
    changed();
  }
  return unlocked;
}

/**
 * Call from a tap (any tap on the vendor's page does): resumes the audio, and speaks once so Chrome counts speech
 * as started by the person too. `confirm` says a short "Loa đã bật" so the vendor hears that it works.
 */
export function unlockAudio(confirm = false): void {
  const ctx = context();
  if (ctx?.state === "suspended") void ctx.resume();
  const first = !unlocked;
  unlocked = true;
  // Said once, the first time a tap finds the speaker on (a muted phone says it when switched on).
  if (confirm && !confirmed && !isMuted()) {
    confirmed = true;
    chime();
    say("Loa đã bật");
  }
  if (first) changed();
}

/** Two rising notes, loud and short enough to cut through a market. */
function chime(): void {
  const ctx = context();
  if (!ctx) return;
  try {
    const start = ctx.currentTime + 0.02;
    [880, 1320].forEach((freq, i) => {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      const at = start + i * 0.16;
      osc.type = "sine";
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.6, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.3);
      osc.connect(gain).connect(ctx.destination);
      osc.start(at);
      osc.stop(at + 0.32);
    });
  } catch {
    // no Web Audio
  }
}

const vietnameseVoice = () =>
  window.speechSynthesis?.getVoices().find((v) => v.lang.toLowerCase().replace("_", "-").startsWith("vi"));

let voices: VoiceState = "unknown";
/** Whether the phone can say the amount; "none" makes the page say so and how to add a voice. */
export const voiceState = (): VoiceState => voices;

/**
 * Watches the phone's voices: Chrome lists them only after they load (`voiceschanged`), and some phones never
 * fire it, so after 3 s an empty or foreign-only list counts as "none".
 */
export function watchVoices(): () => void {
  const synth = window.speechSynthesis;
  const check = (final: boolean) => {
    const list = synth?.getVoices() ?? [];
    const next: VoiceState = vietnameseVoice() ? "vietnamese" : list.length > 0 || final ? "none" : "unknown";
    if (next !== voices) {
      voices = next;
      changed();
    }
  };
  check(!synth);
  const onVoices = () => check(false);
  synth?.addEventListener?.("voiceschanged", onVoices);
  const timer = setTimeout(() => check(true), 3000);
  return () => {
    clearTimeout(timer);
    synth?.removeEventListener?.("voiceschanged", onVoices);
  };
}

/** Speaks in Vietnamese if a Vietnamese voice exists (another language's voice would garble the amount). */
function say(text: string): void {
  const synth = window.speechSynthesis;
  const voice = vietnameseVoice();
  if (!synth || !voice) return;
  const utterance = new SpeechSynthesisUtterance(text);
  utterance.lang = "vi-VN";
  try {
    utterance.voice = voice;
  } catch {
    // the lang alone picks it
  }
  synth.speak(utterance);
}

/**
 * Chime, then the sentence spoken; nothing when muted or before the first tap (it would be dropped silently).
 * Returns whether it was announced.
 */
export function announce(sentence: string): boolean {
  if (speakerState() !== "on") return false;
  chime();
  setTimeout(() => say(sentence), 350);
  return true;
}

/** "Thử loa": what a payment of 10.000 ₫ would sound like. Also a tap, so it unlocks. */
export function testSpeaker(): void {
  unlockAudio();
  if (isMuted()) setMuted(false);
  announce(`Thử loa. ${receivedSentence(10_000)}`);
}
