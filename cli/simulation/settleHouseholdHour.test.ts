import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { DeliveryTerms } from '../../shared/market/settleDelivery.ts';
import { amountMicroFloor } from '../../shared/market/tradeAmount.ts';
import type { Trade } from '../../shared/market/trade.ts';
import { settleHouseholdHour } from './settleHouseholdHour.ts';

const terms: DeliveryTerms = { retailTariffMicroPerKWh: 300_000, feedInTariffMicroPerKWh: 50_000, maximumLocalGridDeviationBps: 1000, deviationPenaltyBps: 5000 };
const trade = (energyWh: number, priceMicroPerKWh: number, feeMicroPerKWh = 0): Trade => ({
  zoneId: 'f', sellOrderId: 's', buyOrderId: 'b', seller: 'S', buyer: 'B', energyWh, priceMicroPerKWh,
  amountMicro: amountMicroFloor(energyWh, priceMicroPerKWh), sellerFeeMicroPerKWh: feeMicroPerKWh, buyerFeeMicroPerKWh: feeMicroPerKWh,
  sellerFeeMicro: amountMicroFloor(energyWh, feeMicroPerKWh), buyerFeeMicro: amountMicroFloor(energyWh, feeMicroPerKWh),
});

test('a seller that delivers in full earns the price minus its fee, plus feed-in for the rest', () => {
  const r = settleHouseholdHour({ loadWh: 500, pvWh: 2500, sales: [trade(1500, 150_000, 10_000)], purchases: [], terms });
  assert.is(r.baselineCostMicro, -100_000); // 2 000 Wh × 0.05
  assert.is(r.marketCostMicro, -(225_000 - 15_000 + 25_000));
  assert.is(r.deliveredWh, 1500);
  assert.is(r.gridExportWh, 500);
});

test('a seller that falls short pays the imbalance and the penalty', () => {
  const r = settleHouseholdHour({ loadWh: 1000, pvWh: 1800, sales: [trade(1000, 150_000)], purchases: [], terms });
  assert.is(r.deliveredWh, 800);
  assert.is(r.deviationChargesMicro, 30_000 + 15_000);
  assert.is(r.isPenalized, true);
  assert.is(r.marketCostMicro, -(120_000 - 45_000));
});

test('a buyer that bought too much resells the excess at feed-in; one that bought too little imports at retail', () => {
  const over = settleHouseholdHour({ loadWh: 1700, pvWh: 1000, sales: [], purchases: [trade(1000, 150_000)], terms });
  assert.equal([over.consumedFromMarketWh, over.resoldWh, over.gridImportWh], [700, 300, 0]);
  assert.is(over.marketCostMicro, 150_000 - 15_000);
  const under = settleHouseholdHour({ loadWh: 2000, pvWh: 0, sales: [], purchases: [trade(1000, 150_000)], terms });
  assert.equal([under.consumedFromMarketWh, under.resoldWh, under.gridImportWh], [1000, 0, 1000]);
  assert.is(under.marketCostMicro, 150_000 + 300_000);
  assert.is(under.baselineCostMicro, 600_000);
});

test.run();
