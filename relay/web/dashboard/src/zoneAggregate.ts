/**
 * A zone's aggregate at one moment or over one interval, as the page uses it: the relay's live feed sends power
 * (W) now; its history endpoint sends energy (Wh) per interval. Both become this one shape here, at the edge of
 * the page, so the views never guess at field names.
 */

/** Production, consumption and net flow of one zone; net flow > 0 means the zone draws from the upstream grid. */
export interface ZoneAggregate {
  /** Unix seconds: the moment measured (live) or the interval's end (history). */
  timeS: number;
  productionW: number;
  consumptionW: number;
  netFlowW: number;
  meterCount: number | undefined;
  /** Lowest and highest meter voltage in the zone, tenths of a volt, when the relay sends them. */
  voltageMinDv: number | undefined;
  voltageMaxDv: number | undefined;
}

type Fields = Record<string, unknown>;

function numberField(fields: Fields, ...names: string[]): number | undefined {
  for (const name of names) {
    const value = fields[name];
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  }
  return undefined;
}

/** A time field as Unix seconds: numbers above 10¹¹ are read as milliseconds, strings as ISO 8601. */
export function timeSecondsOf(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value > 1e11 ? Math.floor(value / 1000) : value;
  if (typeof value === 'string') {
    const parsedMs = Date.parse(value);
    if (!Number.isNaN(parsedMs)) return Math.floor(parsedMs / 1000);
    if (Number.isFinite(Number(value))) return timeSecondsOf(Number(value));
  }
  return undefined;
}

/**
 * Reads one aggregate from the relay's JSON; `fallbackTimeS` stands in when the object carries no time of its own
 * (a feed message's `ts`). Returns undefined when neither power nor energy figures are present.
 */
export function readZoneAggregate(raw: unknown, fallbackTimeS?: number): ZoneAggregate | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const fields = raw as Fields;
  const startS = timeSecondsOf(fields.startS ?? fields.intervalStartS ?? fields.fromS);
  const endS = timeSecondsOf(fields.endS ?? fields.intervalEndS ?? fields.toS);
  const timeS = timeSecondsOf(fields.timeS ?? fields.time ?? fields.ts ?? fields.at) ?? endS ?? startS ?? fallbackTimeS;
  if (timeS === undefined) return undefined;

  let productionW = numberField(fields, 'productionW', 'production_w', 'exportW');
  let consumptionW = numberField(fields, 'consumptionW', 'consumption_w', 'importW');
  if ((productionW === undefined || consumptionW === undefined) && startS !== undefined && endS !== undefined && endS > startS) {
    // Energy over an interval → mean power: W = Wh × 3600 / s.
    const exportWh = numberField(fields, 'productionWh', 'exportWh', 'export_wh');
    const importWh = numberField(fields, 'consumptionWh', 'importWh', 'import_wh');
    if (exportWh !== undefined) productionW ??= Math.round((exportWh * 3600) / (endS - startS));
    if (importWh !== undefined) consumptionW ??= Math.round((importWh * 3600) / (endS - startS));
  }
  if (productionW === undefined && consumptionW === undefined) return undefined;
  productionW ??= 0;
  consumptionW ??= 0;
  return {
    timeS,
    productionW,
    consumptionW,
    netFlowW: numberField(fields, 'netFlowW', 'netW', 'net_flow_w') ?? consumptionW - productionW,
    meterCount: numberField(fields, 'meterCount', 'meters', 'meter_count', 'onlineMeterCount'),
    voltageMinDv: numberField(fields, 'voltageMinDv', 'minVoltageDv', 'voltageLowDv'),
    voltageMaxDv: numberField(fields, 'voltageMaxDv', 'maxVoltageDv', 'voltageHighDv'),
  };
}
