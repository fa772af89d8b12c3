/** @module The opt-in new-message sound (SPEC W2): a chunk of its own, fetched the first time it plays. */
/** A short soft beep (WebAudio); silent where audio is not allowed. */
export function beep(): void {
  try {
    const audio = new AudioContext();
    const tone = audio.createOscillator();
    const gain = audio.createGain();
    tone.frequency.value = 880;
    gain.gain.value = 0.08;
    tone.connect(gain).connect(audio.destination);
    tone.onended = () => void audio.close();
    tone.start();
    tone.stop(audio.currentTime + 0.15);
  } catch {
    /* no audio here */
  }
}
