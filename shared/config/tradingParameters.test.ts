import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError } from './configError.ts';
import { defaultTradingParameters, parseTradingParameters, type TradingParameters } from './tradingParameters.ts';

type NumericKey = Exclude<keyof TradingParameters, 'isPeakHour' | 'gridFeeMicroPerKWh'>;

interface Case {
  variable: string;
  read: (p: TradingParameters) => number;
  expectedDefault: number;
  override: [string, number];
  invalid: Array<[string, ConfigError['code']]>;
}

const numeric = (key: NumericKey) => (p: TradingParameters) => p[key];

const cases: Case[] = [
  {
    variable: 'PET_MINIMUM_TRADE_THRESHOLD_KWH', read: numeric('minimumTradeThresholdWh'), expectedDefault: 500,
    override: ['0.25', 250],
    invalid: [['-1', 'not_decimal'], ['0.0005', 'too_precise'], ['2000', 'out_of_range'], ['half', 'not_decimal'], ['', 'not_decimal']],
  },
  {
    variable: 'PET_MAXIMUM_LOCAL_GRID_DEVIATION', read: numeric('maximumLocalGridDeviationBps'), expectedDefault: 1000,
    override: ['0.05', 500],
    invalid: [['1.5', 'out_of_range'], ['0.00001', 'too_precise'], ['10%', 'not_decimal']],
  },
  {
    variable: 'PET_DYNAMIC_PRICING_SENSITIVITY', read: numeric('dynamicPricingSensitivityBps'), expectedDefault: 200,
    override: ['0.035', 350],
    invalid: [['2', 'out_of_range'], ['0.00001', 'too_precise'], ['-0.02', 'not_decimal']],
  },
  {
    variable: 'PET_PEAK_HOUR_MULTIPLIER', read: numeric('peakHourMultiplierBps'), expectedDefault: 15000,
    override: ['2', 20000],
    invalid: [['0.9', 'out_of_range'], ['11', 'out_of_range'], ['1.00001', 'too_precise'], ['x1.5', 'not_decimal']],
  },
  {
    variable: 'PET_INTERVAL_SECONDS', read: numeric('intervalSeconds'), expectedDefault: 900,
    override: ['5', 5],
    invalid: [['0', 'out_of_range'], ['1.5', 'too_precise'], ['90000', 'out_of_range']],
  },
  {
    variable: 'PET_RETAIL_TARIFF_PER_KWH', read: numeric('retailTariffMicroPerKWh'), expectedDefault: 300_000,
    override: ['0.4125', 412_500],
    invalid: [['0.0000001', 'too_precise'], ['1000.000001', 'out_of_range'], ['0.01', 'inconsistent']],
  },
  {
    variable: 'PET_FEED_IN_TARIFF_PER_KWH', read: numeric('feedInTariffMicroPerKWh'), expectedDefault: 50_000,
    override: ['0.08', 80_000],
    invalid: [['0.31', 'inconsistent'], ['abc', 'not_decimal']],
  },
  {
    variable: 'PET_GRID_FEE_HOUSE_PER_KWH', read: (p) => p.gridFeeMicroPerKWh.house, expectedDefault: 0,
    override: ['0.001', 1000], invalid: [['1e-3', 'not_decimal']],
  },
  {
    variable: 'PET_GRID_FEE_FEEDER_PER_KWH', read: (p) => p.gridFeeMicroPerKWh.feeder, expectedDefault: 10_000,
    override: ['0.015', 15_000], invalid: [['0.0000005', 'too_precise']],
  },
  {
    variable: 'PET_GRID_FEE_SUBSTATION_PER_KWH', read: (p) => p.gridFeeMicroPerKWh.substation, expectedDefault: 20_000,
    override: ['0', 0], invalid: [['2000', 'out_of_range']],
  },
  {
    variable: 'PET_DEVIATION_PENALTY_RATE', read: numeric('deviationPenaltyBps'), expectedDefault: 5000,
    override: ['1', 10_000], invalid: [['11', 'out_of_range'], ['0.5.1', 'not_decimal']],
  },
];

for (const c of cases) {
  test(`${c.variable}: default, override and rejected values`, () => {
    assert.is(c.read(defaultTradingParameters), c.expectedDefault, 'default');
    assert.is(c.read(parseTradingParameters({ [c.variable]: c.override[0] })), c.override[1], 'override');
    for (const [text, code] of c.invalid) {
      try {
        parseTradingParameters({ [c.variable]: text });
        assert.unreachable(`accepted "${text}"`);
      } catch (error) {
        assert.instance(error, ConfigError);
        const configError = error as ConfigError;
        assert.is(configError.code, code, `code for "${text}"`);
        assert.is(configError.variable, c.variable);
        assert.ok(configError.message.startsWith(`${c.variable}: expected`), configError.message);
        assert.ok(configError.message.includes(`"${text}"`), configError.message);
      }
    }
  });
}

const peakHours = (p: TradingParameters) => p.isPeakHour.flatMap((isPeak, hour) => (isPeak ? [hour] : []));

test('PET_PEAK_HOURS: default, overrides and rejected values', () => {
  assert.equal(peakHours(defaultTradingParameters), [17, 18, 19, 20]);
  assert.equal(peakHours(parseTradingParameters({ PET_PEAK_HOURS: '7-9, 12,23-24' })), [7, 8, 12, 23]);
  assert.equal(peakHours(parseTradingParameters({ PET_PEAK_HOURS: '' })), []);
  for (const text of ['21-17', '5-5', '0-25', 'evening', '17-', '24']) {
    try {
      parseTradingParameters({ PET_PEAK_HOURS: text });
      assert.unreachable(`accepted "${text}"`);
    } catch (error) {
      assert.instance(error, ConfigError);
      assert.is((error as ConfigError).code, 'bad_hour_range');
      assert.is((error as ConfigError).variable, 'PET_PEAK_HOURS');
    }
  }
});

test('the parameters are frozen', () => {
  const params = parseTradingParameters({});
  assert.ok(Object.isFrozen(params));
  assert.ok(Object.isFrozen(params.gridFeeMicroPerKWh));
  assert.ok(Object.isFrozen(params.isPeakHour));
  assert.throws(() => {
    (params as { minimumTradeThresholdWh: number }).minimumTradeThresholdWh = 1;
  });
});

test.run();
