/**
 * The few Espruino globals the firmware uses, typed for the checker. On the board they are built in; in the
 * simulator (device/sim/) each one is a shim injected into the meter's `vm` context.
 * Reference: https://www.espruino.com/Reference
 */
declare function getTime(): number;
declare function setTime(timeS: number): void;
declare function analogRead(pin: unknown): number;
declare const E: {
  getSizeOf?(value: unknown): number;
  kickWatchdog?(): void;
  enableWatchdog?(timeoutS: number, isAutomatic: boolean): void;
  on?(event: string, handler: (...args: unknown[]) => void): void;
};
/** Present on ESP32 builds only: `ESP32.setAtten(pin, attenuation)`. */
declare const ESP32: unknown;
