/**
 * The meter state stored beside each queued record (one line, written once — docs/meter_setup.md
 * §"Power cuts"): what a reboot needs that the record itself does not carry. Comma-separated integers.
 */
export interface Checkpoint {
  importRemainderMj: number;
  exportRemainderMj: number;
  /** Start of the interval the next seal closes (end of the previous seal), Unix seconds; 0 before the first sample. */
  intervalStartS: number;
  intervalImportStartWh: number;
  intervalExportStartWh: number;
  /** Samples since the previous seal. */
  samplesInInterval: number;
  /** Records dropped unacknowledged since the meter was provisioned (ring overflow). */
  droppedRecords: number;
}

const FIELD_COUNT = 7;

export function encodeCheckpoint(checkpoint: Checkpoint): string {
  return [
    checkpoint.importRemainderMj,
    checkpoint.exportRemainderMj,
    checkpoint.intervalStartS,
    checkpoint.intervalImportStartWh,
    checkpoint.intervalExportStartWh,
    checkpoint.samplesInInterval,
    checkpoint.droppedRecords,
  ].join(',');
}

/** Parses a stored checkpoint; undefined if it is not 7 non-negative integers. */
export function decodeCheckpoint(text: string): Checkpoint | undefined {
  const parts = text.split(',');
  if (parts.length !== FIELD_COUNT) return undefined;
  const values: number[] = [];
  for (let i = 0; i < FIELD_COUNT; i++) {
    const value = parseInt(parts[i] as string, 10);
    if (isNaN(value) || value < 0) return undefined;
    values.push(value);
  }
  return {
    importRemainderMj: values[0] as number,
    exportRemainderMj: values[1] as number,
    intervalStartS: values[2] as number,
    intervalImportStartWh: values[3] as number,
    intervalExportStartWh: values[4] as number,
    samplesInInterval: values[5] as number,
    droppedRecords: values[6] as number,
  };
}
