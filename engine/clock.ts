/**
 * The Director's virtual clock. Virtual time advances at `speed` virtual
 * seconds per real second while not paused. The real time source is passed in,
 * so the engine itself never reads the wall clock.
 */
export interface ClockState {
  /** virtual ms since the Unix epoch at the anchor */
  virtual: number;
  speed: number;
  paused: boolean;
}

export class VirtualClock {
  private anchorReal: number;
  private anchorVirtual: number;
  private _speed: number;
  private _paused: boolean;

  /** @param realNow real ms source (wall clock at the edge, a fake in tests) */
  constructor(private readonly realNow: () => number, state: ClockState) {
    this.anchorReal = realNow();
    this.anchorVirtual = state.virtual;
    this._speed = state.speed;
    this._paused = state.paused;
  }

  /** Virtual ms since the Unix epoch, whole milliseconds. */
  now(): number {
    if (this._paused) return this.anchorVirtual;
    return Math.floor(this.anchorVirtual + (this.realNow() - this.anchorReal) * this._speed);
  }

  get speed(): number {
    return this._speed;
  }

  get paused(): boolean {
    return this._paused;
  }

  state(): ClockState {
    return { virtual: this.now(), speed: this._speed, paused: this._paused };
  }

  setSpeed(speed: number): void {
    this.reanchor();
    this._speed = speed;
  }

  setPaused(paused: boolean): void {
    this.reanchor();
    this._paused = paused;
  }

  /** Jumps virtual time forward by `ms` (the world processes what falls in between). */
  jump(ms: number): void {
    this.reanchor();
    this.anchorVirtual += ms;
  }

  /** Sets virtual time outright (used when a world is restored or re-initialised). */
  set(virtual: number): void {
    this.anchorReal = this.realNow();
    this.anchorVirtual = virtual;
  }

  /** Real ms until virtual time reaches `virtual`; Infinity while paused. */
  realDelayUntil(virtual: number): number {
    if (this._paused || this._speed <= 0) return Infinity;
    return Math.max(0, (virtual - this.now()) / this._speed);
  }

  private reanchor(): void {
    const v = this.now();
    this.anchorReal = this.realNow();
    this.anchorVirtual = v;
  }
}
