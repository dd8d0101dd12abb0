/** One burst of interleaved voltage/current readings, each 0 … 1 of the ADC's full scale. */
export interface SampleBurst {
  voltage: Float32Array;
  current: Float32Array;
  /** Pairs filled. */
  count: number;
}

/** Fills a burst and returns it (the same buffers every time: no garbage on the interpreter). */
export type BurstSource = () => SampleBurst;

/** Preallocated buffers for `pairs` readings of each channel. */
export function newSampleBurst(pairs: number): SampleBurst {
  return { voltage: new Float32Array(pairs), current: new Float32Array(pairs), count: 0 };
}
