/**
 * The market's trading parameters: one validated, frozen value read once at start-up and passed down.
 * Human values (kWh, fractions, token amounts) are parsed exactly at this edge; inside, everything is an integer:
 * energy in Wh, ratios in basis points (1 bps = 1/10 000), money in micro-units of the settlement token per kWh.
 *
 * The settlement token has 6 decimals: 1 token = 1 000 000 micro-units ("micro"). A price of 0.25 token/kWh is
 * `250_000` micro per kWh. Seed parameters and their meaning are written out in `docs/trading_rules.md`.
 */
import { ConfigError } from './configError.ts';
import { parseScaledDecimal } from './parseScaledDecimal.ts';

/** Largest price accepted anywhere in the market: 1 000 token per kWh, so products stay exact below 2^53. */
export const maxPriceMicroPerKWh = 1_000_000_000;

/** Grid fee charged per kWh for each level an order climbs into (see `docs/trading_rules.md` §Zone tree). */
export interface GridFeesMicroPerKWh {
  readonly house: number;
  readonly feeder: number;
  readonly substation: number;
}

/** The validated, frozen trading parameters. */
export interface TradingParameters {
  /** Length of one market interval (900 s in production). `PET_INTERVAL_SECONDS`, integer 1…86 400. */
  readonly intervalSeconds: number;
  /** MINIMUM_TRADE_THRESHOLD: no trade smaller than this. `PET_MINIMUM_TRADE_THRESHOLD_KWH`, default 0.5 kWh. */
  readonly minimumTradeThresholdWh: number;
  /**
   * MAXIMUM_LOCAL_GRID_DEVIATION: a seller's shortfall beyond this share of its traded energy is penalised, and
   * a zone schedules at most (1 − this share) of its feeder limit. `PET_MAXIMUM_LOCAL_GRID_DEVIATION`, default 0.1.
   */
  readonly maximumLocalGridDeviationBps: number;
  /**
   * DYNAMIC_PRICING_SENSITIVITY: relative change of the "auto" price per percentage point of zone imbalance
   * (demand − supply) / (demand + supply). `PET_DYNAMIC_PRICING_SENSITIVITY`, default 0.02 (200 bps).
   */
  readonly dynamicPricingSensitivityBps: number;
  /** PEAK_HOUR_MULTIPLIER applied to the reference spread in peak hours. `PET_PEAK_HOUR_MULTIPLIER`, default 1.5. */
  readonly peakHourMultiplierBps: number;
  /** `isPeakHour[h]` for local hour of day h (0…23). `PET_PEAK_HOURS`, default "17-21" (17:00 to 21:00). */
  readonly isPeakHour: readonly boolean[];
  /** Utility retail price, the buyers' fallback. `PET_RETAIL_TARIFF_PER_KWH`, default 0.30 token/kWh. */
  readonly retailTariffMicroPerKWh: number;
  /** Utility feed-in tariff, the sellers' fallback. `PET_FEED_IN_TARIFF_PER_KWH`, default 0.05 token/kWh. */
  readonly feedInTariffMicroPerKWh: number;
  /** Grid fee per zone level. `PET_GRID_FEE_{HOUSE,FEEDER,SUBSTATION}_PER_KWH`, defaults 0, 0.01, 0.02. */
  readonly gridFeeMicroPerKWh: GridFeesMicroPerKWh;
  /**
   * Penalty rate on the part of a seller's shortfall beyond the allowed deviation, as a share of the retail
   * tariff. `PET_DEVIATION_PENALTY_RATE`, default 0.5 (5 000 bps). Project choice, not a seed parameter.
   */
  readonly deviationPenaltyBps: number;
}

/** Environment as read by `parseTradingParameters`: unset variables take their defaults. */
export type TradingEnvironment = Readonly<Record<string, string | undefined>>;

interface DecimalSpec {
  readonly variable: string;
  readonly defaultText: string;
  /** Decimal places kept: the human value times 10^decimals is the stored integer. */
  readonly decimals: number;
  readonly min: bigint;
  readonly max: bigint;
  readonly unit: string;
}

const decimalSpecs = {
  intervalSeconds: { variable: 'PET_INTERVAL_SECONDS', defaultText: '900', decimals: 0, min: 1n, max: 86_400n, unit: 's' },
  minimumTradeThresholdWh: { variable: 'PET_MINIMUM_TRADE_THRESHOLD_KWH', defaultText: '0.5', decimals: 3, min: 0n, max: 1_000_000n, unit: 'kWh' },
  maximumLocalGridDeviationBps: { variable: 'PET_MAXIMUM_LOCAL_GRID_DEVIATION', defaultText: '0.1', decimals: 4, min: 0n, max: 10_000n, unit: 'fraction' },
  dynamicPricingSensitivityBps: { variable: 'PET_DYNAMIC_PRICING_SENSITIVITY', defaultText: '0.02', decimals: 4, min: 0n, max: 10_000n, unit: 'fraction per percentage point' },
  peakHourMultiplierBps: { variable: 'PET_PEAK_HOUR_MULTIPLIER', defaultText: '1.5', decimals: 4, min: 10_000n, max: 100_000n, unit: 'factor' },
  retailTariffMicroPerKWh: { variable: 'PET_RETAIL_TARIFF_PER_KWH', defaultText: '0.30', decimals: 6, min: 0n, max: BigInt(maxPriceMicroPerKWh), unit: 'token/kWh' },
  feedInTariffMicroPerKWh: { variable: 'PET_FEED_IN_TARIFF_PER_KWH', defaultText: '0.05', decimals: 6, min: 0n, max: BigInt(maxPriceMicroPerKWh), unit: 'token/kWh' },
  gridFeeHouse: { variable: 'PET_GRID_FEE_HOUSE_PER_KWH', defaultText: '0', decimals: 6, min: 0n, max: BigInt(maxPriceMicroPerKWh), unit: 'token/kWh' },
  gridFeeFeeder: { variable: 'PET_GRID_FEE_FEEDER_PER_KWH', defaultText: '0.01', decimals: 6, min: 0n, max: BigInt(maxPriceMicroPerKWh), unit: 'token/kWh' },
  gridFeeSubstation: { variable: 'PET_GRID_FEE_SUBSTATION_PER_KWH', defaultText: '0.02', decimals: 6, min: 0n, max: BigInt(maxPriceMicroPerKWh), unit: 'token/kWh' },
  deviationPenaltyBps: { variable: 'PET_DEVIATION_PENALTY_RATE', defaultText: '0.5', decimals: 4, min: 0n, max: 100_000n, unit: 'fraction of the retail tariff' },
} as const satisfies Record<string, DecimalSpec>;

/** Name of the peak-hours variable: comma-separated local-hour ranges "start-end" (end exclusive) or single hours. */
export const peakHoursVariable = 'PET_PEAK_HOURS';
const defaultPeakHoursText = '17-21';

function formatScaled(value: bigint, decimals: number): string {
  if (decimals === 0) return value.toString();
  const text = value.toString().padStart(decimals + 1, '0');
  return `${text.slice(0, -decimals)}.${text.slice(-decimals)}`.replace(/\.?0+$/, '');
}

function readDecimal(env: TradingEnvironment, spec: DecimalSpec): number {
  const text = env[spec.variable] ?? spec.defaultText;
  const scaled = parseScaledDecimal(text, spec.decimals);
  if (scaled === 'not_decimal') {
    throw new ConfigError('not_decimal', spec.variable, `expected a non-negative decimal number (${spec.unit}), got "${text}"`);
  }
  if (scaled === 'too_precise') {
    throw new ConfigError('too_precise', spec.variable, `expected at most ${spec.decimals} decimal places (${spec.unit}), got "${text}"`);
  }
  if (scaled < spec.min || scaled > spec.max) {
    const range = `${formatScaled(spec.min, spec.decimals)}…${formatScaled(spec.max, spec.decimals)}`;
    throw new ConfigError('out_of_range', spec.variable, `expected ${range} ${spec.unit}, got "${text}"`);
  }
  return Number(scaled);
}

/**
 * Parses `PET_PEAK_HOURS`: "" means no peak hours; "17-21" means 17:00–21:00 (hours 17, 18, 19, 20);
 * "7-9,17-21" several ranges; "12" one hour. Hours are local hours of day, 0…24, start < end.
 */
export function parsePeakHours(text: string, variable: string = peakHoursVariable): readonly boolean[] {
  const isPeakHour: boolean[] = new Array<boolean>(24).fill(false);
  const trimmed = text.trim();
  if (trimmed === '') return Object.freeze(isPeakHour);
  for (const part of trimmed.split(',')) {
    const match = /^\s*(\d{1,2})\s*(?:-\s*(\d{1,2}))?\s*$/.exec(part);
    const start = match === null ? NaN : Number(match[1]);
    const end = match === null ? NaN : match[2] === undefined ? start + 1 : Number(match[2]);
    if (!(start >= 0 && start < end && end <= 24)) {
      throw new ConfigError('bad_hour_range', variable, `expected hour ranges like "17-21" (0 ≤ start < end ≤ 24), got "${part.trim()}"`);
    }
    for (let hour = start; hour < end; hour += 1) isPeakHour[hour] = true;
  }
  return Object.freeze(isPeakHour);
}

/**
 * Reads the trading parameters from an environment (usually `process.env`, passed in by the caller so this
 * module stays pure). Unset variables take the seed defaults. Throws `ConfigError` naming the variable.
 *
 * @example
 * const params = parseTradingParameters({ PET_MINIMUM_TRADE_THRESHOLD_KWH: '0.25' });
 * params.minimumTradeThresholdWh // → 250
 */
export function parseTradingParameters(env: TradingEnvironment): TradingParameters {
  const retailTariffMicroPerKWh = readDecimal(env, decimalSpecs.retailTariffMicroPerKWh);
  const feedInTariffMicroPerKWh = readDecimal(env, decimalSpecs.feedInTariffMicroPerKWh);
  if (feedInTariffMicroPerKWh > retailTariffMicroPerKWh) {
    // Blame the variable that was set: a lowered retail tariff against the default feed-in names the retail one.
    const retail = decimalSpecs.retailTariffMicroPerKWh;
    const feedIn = decimalSpecs.feedInTariffMicroPerKWh;
    const blamed = env[feedIn.variable] === undefined ? retail : feedIn;
    throw new ConfigError(
      'inconsistent',
      blamed.variable,
      `expected ${feedIn.variable} ≤ ${retail.variable}, got "${env[blamed.variable] ?? blamed.defaultText}" ` +
        `(feed-in ${formatScaled(BigInt(feedInTariffMicroPerKWh), 6)} > retail ${formatScaled(BigInt(retailTariffMicroPerKWh), 6)})`,
    );
  }
  const gridFeeMicroPerKWh: GridFeesMicroPerKWh = Object.freeze({
    house: readDecimal(env, decimalSpecs.gridFeeHouse),
    feeder: readDecimal(env, decimalSpecs.gridFeeFeeder),
    substation: readDecimal(env, decimalSpecs.gridFeeSubstation),
  });
  return Object.freeze({
    intervalSeconds: readDecimal(env, decimalSpecs.intervalSeconds),
    minimumTradeThresholdWh: readDecimal(env, decimalSpecs.minimumTradeThresholdWh),
    maximumLocalGridDeviationBps: readDecimal(env, decimalSpecs.maximumLocalGridDeviationBps),
    dynamicPricingSensitivityBps: readDecimal(env, decimalSpecs.dynamicPricingSensitivityBps),
    peakHourMultiplierBps: readDecimal(env, decimalSpecs.peakHourMultiplierBps),
    isPeakHour: parsePeakHours(env[peakHoursVariable] ?? defaultPeakHoursText),
    retailTariffMicroPerKWh,
    feedInTariffMicroPerKWh,
    gridFeeMicroPerKWh,
    deviationPenaltyBps: readDecimal(env, decimalSpecs.deviationPenaltyBps),
  });
}

/** The seed parameters with no overrides. */
export const defaultTradingParameters: TradingParameters = parseTradingParameters({});
