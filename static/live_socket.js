// A WebSocket that stays connected: it reconnects with exponential backoff and jitter, answers the
// server's heartbeat pings, and treats a silent server (no frame for 2.5 heartbeats) as a lost connection.

const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 30_000;

export class LiveSocket {
  #prepare;
  #onMessage;
  #onStatus;
  #socket = null;
  #attempt = 0;
  #retryTimer = 0;
  #watchdog = 0;
  #silenceMs = 0;
  #stopped = false;

  /**
   * `prepare()` resolves to the URL to connect to (it may fetch first; a rejection counts as a failed
   * attempt); `onMessage(message)` gets each parsed frame; `onStatus(status, detail)` gets "connecting",
   * "live" or "lost" (with `{ retryInMs }`).
   */
  constructor({ prepare, onMessage, onStatus }) {
    this.#prepare = prepare;
    this.#onMessage = onMessage;
    this.#onStatus = onStatus;
  }

  start() {
    this.#stopped = false;
    void this.#connect();
  }

  /** Sends a JSON message if connected; returns whether it was sent. */
  send(message) {
    if (this.#socket?.readyState !== WebSocket.OPEN) return false;
    this.#socket.send(JSON.stringify(message));
    return true;
  }

  /** Sets the server's heartbeat period (from the snapshot); 0 disables the watchdog. */
  setHeartbeat(seconds) {
    this.#silenceMs = seconds > 0 ? seconds * 2500 : 0;
    this.#feedWatchdog();
  }

  async #connect() {
    clearTimeout(this.#retryTimer);
    if (this.#stopped) return;
    this.#onStatus("connecting");
    let url;
    try {
      url = await this.#prepare();
    } catch (error) {
      return this.#retry(error);
    }
    const socket = new WebSocket(url);
    this.#socket = socket;
    socket.onopen = () => {
      this.#attempt = 0;
      this.#onStatus("live");
      this.#feedWatchdog();
    };
    socket.onmessage = (event) => {
      this.#feedWatchdog();
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      if (message.type === "ping") socket.send(JSON.stringify({ type: "pong" }));
      this.#onMessage(message);
    };
    socket.onclose = () => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      clearTimeout(this.#watchdog);
      this.#retry();
    };
  }

  #retry(error) {
    if (this.#stopped) return;
    const base = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** this.#attempt++);
    const delay = Math.round(base / 2 + Math.random() * base / 2);
    this.#onStatus("lost", { retryInMs: delay, error });
    this.#retryTimer = setTimeout(() => void this.#connect(), delay);
  }

  #feedWatchdog() {
    clearTimeout(this.#watchdog);
    if (this.#silenceMs > 0 && this.#socket) {
      const socket = this.#socket;
      this.#watchdog = setTimeout(() => socket.close(4000, "No heartbeat from the server"), this.#silenceMs);
    }
  }
}
