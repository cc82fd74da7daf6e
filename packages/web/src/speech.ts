import { receivedSentence } from "./vietnameseNumbers";

/**
 * The payment speaker's voice: a chime made on the spot (Web Audio, no sound file) and, where the phone has a
 * Vietnamese voice, the amount read aloud ("Đã nhận ba mươi lăm nghìn đồng"). Muting is remembered on the phone.
 */
const MUTE_KEY = "m40.muted";

export const isMuted = () => localStorage.getItem(MUTE_KEY) === "1";
export const setMuted = (muted: boolean) =>
  muted ? localStorage.setItem(MUTE_KEY, "1") : localStorage.removeItem(MUTE_KEY);

let audio: AudioContext | undefined;

/** Browsers play sound only after a tap: call this from one (any tap on the vendor's page does). */
export function unlockAudio(): void {
  try {
    audio ??= new AudioContext();
    if (audio.state === "suspended") void audio.resume();
  } catch {
    // no Web Audio: the voice and the screen still tell
  }
}

/** Two rising notes, loud and short enough to cut through a market. */
function chime(): void {
  try {
    audio ??= new AudioContext();
    const start = audio.currentTime + 0.02;
    [880, 1320].forEach((freq, i) => {
      const osc = audio!.createOscillator();
      const gain = audio!.createGain();
      const at = start + i * 0.16;
      osc.type = "sine";
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.6, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.3);
      osc.connect(gain).connect(audio!.destination);
      osc.start(at);
      osc.stop(at + 0.32);
    });
  } catch {
    // no Web Audio
  }
}

const vietnameseVoice = () =>
  window.speechSynthesis?.getVoices().find((v) => v.lang.toLowerCase().replace("_", "-").startsWith("vi"));

/** Speaks in Vietnamese if a Vietnamese voice exists (another language's voice would garble the amount). */
function say(text: string): void {
  const synth = window.speechSynthesis;
  if (!synth) return;
  const speak = () => {
    const voice = vietnameseVoice();
    if (!voice) return;
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = "vi-VN";
    try {
      utterance.voice = voice;
    } catch {
      // the lang alone picks it
    }
    synth.speak(utterance);
  };
  // Chrome lists its voices only after they load.
  if (synth.getVoices().length > 0) speak();
  else synth.addEventListener("voiceschanged", speak, { once: true });
}

/** Chime, then the amount spoken; nothing when muted. */
export function announce(amount: number): void {
  if (isMuted()) return;
  chime();
  setTimeout(() => say(receivedSentence(amount)), 350);
}
