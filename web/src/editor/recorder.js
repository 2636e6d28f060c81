/**
 * Recording narration in the browser: the microphone through MediaRecorder, a level meter
 * and the elapsed time while recording, then the take as a WAV file (mono, 22.05 kHz) for the
 * upload (the server reads WAV without ffmpeg; a browser's WebM would need it). A take is
 * listened to through Web Audio, which the app's CSP allows (a blob: URL in <audio> it would not).
 * @module editor/recorder
 */

/** Sample rate of the WAV sent to the server (speech needs no more; the server makes 32 kbit/s MP3). */
const WAV_RATE = 22050;

/** Whether this browser can record. */
export function canRecord() {
  return !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia && window.MediaRecorder &&
    (window.AudioContext || window.webkitAudioContext));
}

function audioContext() {
  const Context = window.AudioContext || window.webkitAudioContext;
  return new Context();
}

/** One take from the microphone. */
export class Take {
  /**
   * @param {{onLevel?: function(number):void, onTime?: function(number):void}} [callbacks]
   *   onLevel gets 0..1 (the loudness now), onTime the seconds recorded, several times a second.
   */
  constructor(callbacks) {
    this.callbacks = callbacks || {};
    this.chunks = [];
    this.blob = null;
    this.buffer = null;
    this._playing = null;
  }

  /** Ask for the microphone and start recording (rejects when it is refused or missing). */
  async start() {
    this.stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    this.context = audioContext();
    const source = this.context.createMediaStreamSource(this.stream);
    const analyser = this.context.createAnalyser();
    analyser.fftSize = 1024;
    source.connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    this.recorder = new MediaRecorder(this.stream);
    this.recorder.addEventListener("dataavailable", (e) => {
      if (e.data && e.data.size) this.chunks.push(e.data);
    });
    this.stopped = new Promise((resolve) => this.recorder.addEventListener("stop", resolve, { once: true }));
    this.started = performance.now();
    this.recorder.start(250);
    this._timer = setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const s of samples) sum += s * s;
      const rms = Math.sqrt(sum / samples.length);
      // -60 dBFS .. 0 dBFS onto 0..1: speech sits in the upper half.
      const level = Math.max(0, Math.min(1, 1 + (20 * Math.log10(rms + 1e-9)) / 60));
      if (this.callbacks.onLevel) this.callbacks.onLevel(level);
      if (this.callbacks.onTime) this.callbacks.onTime((performance.now() - this.started) / 1000);
    }, 100);
  }

  /** Stop recording; resolves when the take is decoded (its length is then `duration`). */
  async stop() {
    clearInterval(this._timer);
    if (this.recorder && this.recorder.state !== "inactive") this.recorder.stop();
    await this.stopped;
    for (const track of this.stream.getTracks()) track.stop();
    this.blob = new Blob(this.chunks, { type: this.recorder.mimeType || "audio/webm" });
    this.buffer = await this.context.decodeAudioData(await this.blob.arrayBuffer());
    return this;
  }

  /** Seconds of the take. */
  get duration() {
    return this.buffer ? this.buffer.duration : 0;
  }

  /** Play the take (or stop it when it is playing); resolves when it has ended. */
  listen() {
    if (this._playing) {
      this._playing.stop();
      return Promise.resolve();
    }
    const node = this.context.createBufferSource();
    node.buffer = this.buffer;
    node.connect(this.context.destination);
    this._playing = node;
    return new Promise((resolve) => {
      node.onended = () => {
        this._playing = null;
        resolve();
      };
      if (this.context.state === "suspended") this.context.resume();
      node.start();
    });
  }

  /** The take as a WAV file (mono, 16-bit, 22.05 kHz). */
  async wav() {
    const frames = Math.max(1, Math.ceil(this.buffer.duration * WAV_RATE));
    const offline = new OfflineAudioContext(1, frames, WAV_RATE);
    const node = offline.createBufferSource();
    node.buffer = this.buffer;
    node.connect(offline.destination);
    node.start();
    const mono = (await offline.startRendering()).getChannelData(0);
    return new Blob([encodeWav(mono, WAV_RATE)], { type: "audio/wav" });
  }

  /** Let go of the microphone and the audio context. */
  close() {
    clearInterval(this._timer);
    if (this._playing) this._playing.stop();
    if (this.stream) for (const track of this.stream.getTracks()) track.stop();
    if (this.context && this.context.state !== "closed") this.context.close();
  }
}

/**
 * 16-bit PCM WAV of mono samples.
 * @param {Float32Array} samples -1..1
 * @param {number} rate
 * @returns {ArrayBuffer}
 */
export function encodeWav(samples, rate) {
  const buffer = new ArrayBuffer(44 + samples.length * 2);
  const view = new DataView(buffer);
  const text = (offset, s) => {
    for (let i = 0; i < s.length; i++) view.setUint8(offset + i, s.charCodeAt(i));
  };
  text(0, "RIFF");
  view.setUint32(4, 36 + samples.length * 2, true);
  text(8, "WAVE");
  text(12, "fmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, rate, true);
  view.setUint32(28, rate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  text(36, "data");
  view.setUint32(40, samples.length * 2, true);
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i]));
    view.setInt16(44 + i * 2, s < 0 ? s * 0x8000 : s * 0x7fff, true);
  }
  return buffer;
}
